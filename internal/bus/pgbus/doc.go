// Package pgbus runs the hub's watermill bus on PostgreSQL through pgx,
// with watermill-sql's Publisher and Subscriber and its queue schema and
// offsets adapters. Each topic is one table, "watermill_" followed by the
// topic, and all subscribers of a topic share its messages.
//
// Transaction contract. A publisher over a pgx.Tx inserts its messages in
// that transaction, so the hub commits a journal entry and its outbox
// messages together: subscribers see the messages if and only if the
// transaction commits. A subscriber locks the oldest pending message of the
// topic in a REPEATABLE READ transaction, delivers it, and deletes it in
// the same transaction once the handler acknowledges it. Subscribers of the
// topic in any number of hub processes therefore take turns, and each
// query takes the committed message with the lowest offset. A message
// whose subscriber closed or crashed before that transaction committed is
// delivered again.
//
// A message waiting for its acknowledgement holds a row lock and keeps its
// transaction open; other topics are not affected.
package pgbus
