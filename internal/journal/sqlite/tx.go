package sqlite

import (
	"context"
	"database/sql"
	"errors"

	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// inTx runs fn in a write transaction and commits it when fn returns nil,
// or rolls it back when fn returns an error. It holds lock, the process's
// write lock of the database file, from before BEGIN until the end, so
// the writers of this process take SQLite's write lock in arrival order
// instead of racing for it.
func inTx(
	ctx context.Context,
	db *sql.DB,
	lock *hubsqlite.WriteLock,
	fn func(tx *sql.Tx) error,
) error {
	if err := lock.Lock(ctx); err != nil {
		return err
	}
	defer lock.Unlock()
	return inTxOptions(ctx, db, nil, fn)
}

// inReadTx runs fn in a read-only transaction, so the reads of fn see one
// consistent state.
func inReadTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	return inTxOptions(ctx, db, &sql.TxOptions{ReadOnly: true}, fn)
}

func inTxOptions(
	ctx context.Context,
	db *sql.DB,
	opts *sql.TxOptions,
	fn func(tx *sql.Tx) error,
) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(tx.Rollback()))
	}
	return tx.Commit()
}

// ignoreDone returns err unless it reports a transaction that had already
// ended. Rollback returns that when database/sql rolled the transaction
// back itself because its context ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
