// Package postgres is the routestore.Store on PostgreSQL, through a pgx
// connection pool that the caller owns, such as the journal's.
//
// New applies the package's embedded migrations, listed in the table
// routestore_migrations, in the schema that the pool's search_path
// selects. Save reads the current version and inserts the next one in
// one transaction. When two Saves based on the same version race, both
// insert the same number, and the primary key lets only the first
// commit: the second fails with a unique violation, which Save returns
// as a *routestore.ConflictError.
//
// created_at is a timestamptz column, and the store returns it in UTC.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// Config configures New.
type Config struct {
	// Logger receives the store's logs. Default slog.Default().
	Logger *slog.Logger
}

// Store is the PostgreSQL routes store. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
}

var _ routestore.Store = (*Store)(nil)

// New applies the routes store's migrations through pool and returns a
// store over it. Two processes may call New on one database at once: an
// advisory lock serialises the migrations. The caller owns pool and
// closes it.
func New(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	if pool == nil {
		return nil, errors.New("opening postgres routes store: pool: missing")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	applied, err := migrate(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("opening postgres routes store: %w", err)
	}
	if len(applied) > 0 {
		cfg.Logger.Info("routes store migrations applied", "versions", applied)
	}
	return &Store{pool: pool, logger: cfg.Logger}, nil
}

const (
	versionColumns = "number, document, created_by, comment, created_at, restored_from"
	infoColumns    = "number, created_by, comment, created_at, restored_from"
	currentQuery   = "SELECT " + versionColumns + " FROM route_versions ORDER BY number DESC LIMIT 1"
	// The number is compared as a bigint, so that a number past the
	// column's int4 range finds no version instead of failing to encode.
	getQuery = "SELECT " + versionColumns + " FROM route_versions WHERE number = $1::bigint"
)

// queryRower is a *pgxpool.Pool or a pgx.Tx.
type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Current returns the latest version, or an error wrapping
// routestore.ErrEmpty.
func (s *Store) Current(ctx context.Context) (routestore.Version, error) {
	v, err := current(ctx, s.pool)
	if err != nil {
		return routestore.Version{}, fmt.Errorf("reading current routes: %w", err)
	}
	return v, nil
}

func current(ctx context.Context, q queryRower) (routestore.Version, error) {
	v, err := scanVersion(q.QueryRow(ctx, currentQuery))
	if errors.Is(err, pgx.ErrNoRows) {
		return routestore.Version{}, routestore.ErrEmpty
	}
	return v, err
}

// Get returns version n, or an error wrapping routestore.ErrNotFound.
func (s *Store) Get(ctx context.Context, n int) (routestore.Version, error) {
	v, err := scanVersion(s.pool.QueryRow(ctx, getQuery, n))
	if errors.Is(err, pgx.ErrNoRows) {
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
		before = math.MaxInt64
	}
	// A bigint, as in getQuery: a before past the int4 range lists from
	// the newest version, as one past the newest does.
	rows, _ := s.pool.Query(ctx, "SELECT "+infoColumns+
		" FROM route_versions WHERE number < $2::bigint ORDER BY number DESC LIMIT $1", limit, before)
	infos, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (routestore.Info, error) {
		var info routestore.Info
		var restoredFrom *int
		err := row.Scan(&info.Number, &info.By, &info.Comment, &info.CreatedAt, &restoredFrom)
		info.CreatedAt = info.CreatedAt.UTC()
		if restoredFrom != nil {
			info.RestoredFrom = *restoredFrom
		}
		return info, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing routes versions: %w", err)
	}
	if infos == nil {
		infos = []routestore.Info{}
	}
	return infos, nil
}

func scanVersion(row pgx.Row) (routestore.Version, error) {
	var v routestore.Version
	var document string
	var restoredFrom *int
	err := row.Scan(&v.Number, &document, &v.By, &v.Comment, &v.CreatedAt, &restoredFrom)
	if err != nil {
		return routestore.Version{}, err
	}
	v.Document = []byte(document)
	v.CreatedAt = v.CreatedAt.UTC()
	if restoredFrom != nil {
		v.RestoredFrom = *restoredFrom
	}
	return v, nil
}
