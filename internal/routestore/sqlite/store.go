// Package sqlite is the routestore.Store on a SQLite database file, such
// as the one the embedded hub keeps its journal in.
//
// New applies the package's embedded migrations, listed in the table
// routestore_migrations, to a database that internal/sqlite.Open opened.
// Save reads the current version and inserts the next one in one write
// transaction. internal/sqlite's handles begin every write transaction
// IMMEDIATE, taking the file's write lock at BEGIN, so two Saves, even
// from two processes, run one after the other and the second reads the
// first's version. Before BEGIN, Save also takes internal/sqlite's
// WriteLock, so the writers of one process queue in arrival order.
//
// created_at holds microseconds since the Unix epoch, and the store
// returns it in UTC.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// Config configures New.
type Config struct {
	// Logger receives the store's logs. Default slog.Default().
	Logger *slog.Logger
}

// Store is the SQLite routes store. It is safe for concurrent use.
type Store struct {
	db        *sql.DB
	writeLock *hubsqlite.WriteLock
	logger    *slog.Logger
}

var _ routestore.Store = (*Store)(nil)

// New applies the routes store's migrations to db and returns a store
// over it. db must come from internal/sqlite.Open, whose write
// transactions begin IMMEDIATE. Two processes may call New on one file
// at once. The caller owns db and closes it.
func New(ctx context.Context, db *sql.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("opening sqlite routes store: db: missing")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	lock, err := hubsqlite.WriteLockFor(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite routes store: %w", err)
	}
	s := &Store{db: db, writeLock: lock, logger: cfg.Logger}

	applied, err := s.migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite routes store: %w", err)
	}
	if len(applied) > 0 {
		s.logger.Info("routes store migrations applied", "versions", applied)
	}
	return s, nil
}

const (
	versionColumns = "number, document, created_by, comment, created_at, restored_from"
	infoColumns    = "number, created_by, comment, created_at, restored_from"
	currentQuery   = "SELECT " + versionColumns + " FROM route_versions ORDER BY number DESC LIMIT 1"
	getQuery       = "SELECT " + versionColumns + " FROM route_versions WHERE number = ?"
)

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Current returns the latest version, or an error wrapping
// routestore.ErrEmpty.
func (s *Store) Current(ctx context.Context) (routestore.Version, error) {
	v, err := current(ctx, s.db)
	if err != nil {
		return routestore.Version{}, fmt.Errorf("reading current routes: %w", err)
	}
	return v, nil
}

func current(ctx context.Context, q queryRower) (routestore.Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, currentQuery))
	if errors.Is(err, sql.ErrNoRows) {
		return routestore.Version{}, routestore.ErrEmpty
	}
	return v, err
}

// Get returns version n, or an error wrapping routestore.ErrNotFound.
func (s *Store) Get(ctx context.Context, n int) (routestore.Version, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, getQuery, n))
	if errors.Is(err, sql.ErrNoRows) {
		err = routestore.ErrNotFound
	}
	if err != nil {
		return routestore.Version{}, fmt.Errorf("reading routes version %d: %w", n, err)
	}
	return v, nil
}

// List implements routestore.Store.
func (s *Store) List(ctx context.Context, limit, before int) ([]routestore.Info, error) {
	if err := routestore.ValidateList(limit, before); err != nil {
		return nil, fmt.Errorf("listing routes versions: %w", err)
	}
	if before == 0 {
		before = math.MaxInt32
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+infoColumns+
		" FROM route_versions WHERE number < ? ORDER BY number DESC LIMIT ?", before, limit)
	if err != nil {
		return nil, fmt.Errorf("listing routes versions: %w", err)
	}
	defer rows.Close()

	infos := []routestore.Info{}
	for rows.Next() {
		var info routestore.Info
		var createdAt int64
		var restoredFrom sql.NullInt64
		err := rows.Scan(&info.Number, &info.By, &info.Comment, &createdAt, &restoredFrom)
		if err != nil {
			return nil, fmt.Errorf("listing routes versions: %w", err)
		}
		info.CreatedAt = time.UnixMicro(createdAt).UTC()
		info.RestoredFrom = int(restoredFrom.Int64)
		infos = append(infos, info)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing routes versions: %w", err)
	}
	return infos, nil
}

func scanVersion(row *sql.Row) (routestore.Version, error) {
	var v routestore.Version
	var createdAt int64
	var restoredFrom sql.NullInt64
	err := row.Scan(&v.Number, &v.Document, &v.By, &v.Comment, &createdAt, &restoredFrom)
	if err != nil {
		return routestore.Version{}, err
	}
	v.CreatedAt = time.UnixMicro(createdAt).UTC()
	v.RestoredFrom = int(restoredFrom.Int64)
	return v, nil
}
