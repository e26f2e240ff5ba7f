// Package pgbus runs the hub's watermill bus on PostgreSQL through pgx,
// with watermill-sql's Publisher and Subscriber and its queue schema and
// offsets adapters. Each topic is one table, "watermill_" followed by the
// topic, and all subscribers of a topic share its messages.
//
// Transaction contract. A publisher over a pgx.Tx inserts its messages in
// that transaction, so the hub commits a journal entry and its outbox
// messages together: subscribers see the messages if and only if the
// transaction commits. A subscriber locks the oldest pending messages of
// the topic, up to its batch size, in a REPEATABLE READ transaction,
// delivers them one at a time, and deletes the acknowledged ones in the
// same transaction when the batch ends. Subscribers of the topic in any
// number of hub processes therefore take turns, and each query takes the
// committed messages with the lowest offsets. A message whose subscriber
// closed or crashed before that transaction committed is delivered again;
// after a crash that includes messages of the batch already acknowledged.
//
// A batch waiting for an acknowledgement holds its row locks and keeps its
// transaction open; other topics are not affected.
package pgbus
