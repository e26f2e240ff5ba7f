package sqlitebus

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// InitializeTopic creates the messages and offsets tables of topic if they
// do not exist, in one transaction. Call it before the first Publish to a
// topic. The publishers of this package never create tables, because a
// CREATE TABLE inside a caller's transaction would change what that
// transaction commits.
func InitializeTopic(ctx context.Context, db *sql.DB, topic string) error {
	if err := bus.ValidateTopic(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}

	queries, err := Schema{}.SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	offsetQueries, err := Offsets{}.SchemaInitializingQueries(
		wsql.OffsetsSchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	queries = append(queries, offsetQueries...)

	if err := execInTx(ctx, db, queries); err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	return nil
}

// execInTx runs queries in one transaction under the file's WriteLock.
func execInTx(ctx context.Context, db *sql.DB, queries []wsql.Query) error {
	writeLock, err := sqlite.WriteLockFor(ctx, db)
	if err != nil {
		return err
	}
	if err := writeLock.Lock(ctx); err != nil {
		return err
	}
	defer writeLock.Unlock()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()

	for _, q := range queries {
		if _, err := tx.ExecContext(ctx, q.Query, q.Args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Executor is the part of *sql.DB and *sql.Tx that a publisher needs.
type Executor interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// NewPublisher returns a publisher that inserts messages through exec, which
// must be a *sql.DB or a *sql.Tx on a SQLite database. The topic's tables
// must exist (see InitializeTopic). A nil logger discards log lines.
//
// Over a *sql.DB each Publish call commits its messages at once, all or
// none, after waiting for the file's sqlite.WriteLock. Over a *sql.Tx,
// Publish adds the messages to that transaction: subscribers see them only
// if the transaction commits, and never if it rolls back. Such a publisher
// is valid only until the transaction ends, so create one per transaction.
//
// Messages of one Publish call take consecutive offsets in their order.
// Publish may be called concurrently over a *sql.DB.
func NewPublisher(exec Executor, logger watermill.LoggerAdapter) (message.Publisher, error) {
	var db wsql.ContextExecutor
	switch e := exec.(type) {
	case *sql.Tx:
		// The transaction holds SQLite's write lock from its BEGIN IMMEDIATE,
		// so its inserts take no WriteLock.
		db = wsql.TxFromStdSQL(e)
	case *sql.DB:
		writeLock, err := sqlite.WriteLockFor(context.Background(), e)
		if err != nil {
			return nil, fmt.Errorf("creating publisher: %w", err)
		}
		db = lockedExecutor{db: wsql.BeginnerFromStdSQL(e), writeLock: writeLock}
	default:
		return nil, fmt.Errorf("creating publisher: unsupported executor %T, expected *sql.DB or *sql.Tx", exec)
	}

	publisher, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: Schema{}}, logger)
	if err != nil {
		return nil, fmt.Errorf("creating publisher: %w", err)
	}
	return publisher, nil
}

// lockedExecutor runs each insert of a publisher over a *sql.DB under the
// file's WriteLock.
type lockedExecutor struct {
	db        wsql.ContextExecutor
	writeLock *sqlite.WriteLock
}

func (e lockedExecutor) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	return lockedExec(ctx, e.writeLock, e.db, query, args...)
}

func (e lockedExecutor) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	return e.db.QueryContext(ctx, query, args...)
}
