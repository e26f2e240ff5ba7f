package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// Save validates c, then, in one write transaction, checks it against the
// current version and inserts the next version. See routestore.Store.
func (s *Store) Save(ctx context.Context, c routestore.Change) (routestore.Version, error) {
	if err := c.Validate(); err != nil {
		return routestore.Version{}, fmt.Errorf("saving routes: %w", err)
	}

	var saved routestore.Version
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		saved, err = insertNext(ctx, tx, c)
		return err
	})
	if err != nil {
		return routestore.Version{}, fmt.Errorf("saving routes: %w", err)
	}

	routestore.LogSaved(s.logger, c, saved)
	return saved, nil
}

// insertNext admits c against the current version and inserts it as the
// next version.
func insertNext(ctx context.Context, tx *sql.Tx, c routestore.Change) (routestore.Version, error) {
	cur, err := current(ctx, tx)
	if err != nil && !errors.Is(err, routestore.ErrEmpty) {
		return routestore.Version{}, fmt.Errorf("reading current version: %w", err)
	}

	var restored *routestore.Version
	if c.RestoredFrom > 0 {
		v, err := scanVersion(tx.QueryRowContext(ctx, getQuery, c.RestoredFrom))
		switch {
		case err == nil:
			restored = &v
		case !errors.Is(err, sql.ErrNoRows):
			return routestore.Version{}, fmt.Errorf("reading version %d: %w", c.RestoredFrom, err)
		}
	}
	if err := c.Admit(cur, restored); err != nil {
		return routestore.Version{}, err
	}

	v := routestore.Version{
		Info: routestore.Info{
			Number:       cur.Number + 1,
			By:           c.By,
			Comment:      c.Comment,
			CreatedAt:    time.Now().UTC().Truncate(time.Microsecond),
			RestoredFrom: c.RestoredFrom,
		},
		Document: bytes.Clone(c.Document),
	}
	restoredFrom := sql.NullInt64{Int64: int64(v.RestoredFrom), Valid: v.RestoredFrom > 0}
	_, err = tx.ExecContext(ctx, "INSERT INTO route_versions ("+versionColumns+") "+
		"VALUES (?, ?, ?, ?, ?, ?)",
		v.Number, string(v.Document), v.By, v.Comment, v.CreatedAt.UnixMicro(), restoredFrom)
	if err != nil {
		return routestore.Version{}, fmt.Errorf("inserting version %d: %w", v.Number, err)
	}
	return v, nil
}

// inTx runs fn in a write transaction and commits it when fn returns nil,
// or rolls it back otherwise. It holds the process's WriteLock of the
// database file from before BEGIN until the end.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.writeLock.Lock(ctx); err != nil {
		return err
	}
	defer s.writeLock.Unlock()

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		rollbackErr := tx.Rollback()
		if errors.Is(rollbackErr, sql.ErrTxDone) {
			rollbackErr = nil
		}
		return errors.Join(err, rollbackErr)
	}
	return tx.Commit()
}
