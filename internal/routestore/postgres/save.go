package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

// Save validates c, then, in one transaction, checks it against the
// current version and inserts the next version. See routestore.Store.
func (s *Store) Save(ctx context.Context, c routestore.Change) (routestore.Version, error) {
	if err := c.Validate(); err != nil {
		return routestore.Version{}, fmt.Errorf("saving routes: %w", err)
	}

	var saved routestore.Version
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		saved, err = insertNext(ctx, tx, c)
		return err
	})
	if isUniqueViolation(err) {
		err = s.conflict(ctx, c.Expect)
	}
	if err != nil {
		return routestore.Version{}, fmt.Errorf("saving routes: %w", err)
	}

	routestore.LogSaved(s.logger, c, saved)
	return saved, nil
}

// conflict returns the *routestore.ConflictError of a change based on
// version expect that lost the race to insert the next version.
func (s *Store) conflict(ctx context.Context, expect int) error {
	cur, err := current(ctx, s.pool)
	if err != nil {
		return fmt.Errorf("%w: reading the version that came first: %w", routestore.ErrConflict, err)
	}
	return &routestore.ConflictError{Expect: expect, Current: cur.Number}
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == uniqueViolation
}

// insertNext admits c against the current version and inserts it as the
// next version.
func insertNext(ctx context.Context, tx pgx.Tx, c routestore.Change) (routestore.Version, error) {
	cur, err := current(ctx, tx)
	if err != nil && !errors.Is(err, routestore.ErrEmpty) {
		return routestore.Version{}, fmt.Errorf("reading current version: %w", err)
	}

	var restored *routestore.Version
	if c.RestoredFrom > 0 {
		v, err := scanVersion(tx.QueryRow(ctx, getQuery, c.RestoredFrom))
		switch {
		case err == nil:
			restored = &v
		case !errors.Is(err, pgx.ErrNoRows):
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
	var restoredFrom *int
	if v.RestoredFrom > 0 {
		restoredFrom = &v.RestoredFrom
	}
	_, err = tx.Exec(ctx, "INSERT INTO route_versions ("+versionColumns+") "+
		"VALUES ($1, $2, $3, $4, $5, $6)",
		v.Number, string(v.Document), v.By, v.Comment, v.CreatedAt, restoredFrom)
	if err != nil {
		return routestore.Version{}, fmt.Errorf("inserting version %d: %w", v.Number, err)
	}
	return v, nil
}
