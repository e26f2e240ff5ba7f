// Package sqlitebus runs the hub's watermill bus on a SQLite database file,
// the embedded default that needs no server. It is a watermill-sql dialect
// for SQLite: Schema and Offsets are the SchemaAdapter and OffsetsAdapter,
// and NewPublisher and NewSubscriber run watermill-sql's own Publisher and
// Subscriber over database/sql. Open the database with internal/sqlite.Open.
//
// Transaction contract. A publisher over a *sql.Tx inserts its messages in
// that transaction, so the hub commits a journal entry and its outbox
// messages together: subscribers see the messages if and only if the
// transaction commits. Messages commit in offset order, and each consumer
// group receives them in that order. A subscriber stores a group's offset
// after the handler acknowledges, so a message whose subscriber closed or
// crashed before the acknowledgement was stored is delivered again,
// including after the process restarts.
//
// The subscriber holds no SQLite lock while a message waits for its
// acknowledgement: a slow handler delays its own consumer group and nothing
// else. See NewSubscriber for the one-process rule this relies on.
package sqlitebus
