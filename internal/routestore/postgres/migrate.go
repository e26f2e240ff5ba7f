package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/routestore/internal/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the pg_advisory_xact_lock key that serialises the
// routes store's migrations, so two processes starting at once apply each
// migration once. It differs from the journal's key, and it is one key per
// database, so stores in different schemas of one database also wait for
// each other. Migrations are short.
const migrationLock int64 = 0x53616e67616d52 // "SangamR" in ASCII

// migrate applies, in one transaction, the migrations that
// routestore_migrations does not list, and returns their versions.
func migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	all, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}

	var applied []int
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		applied, err = applyMigrations(ctx, tx, all)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	return applied, nil
}

func applyMigrations(ctx context.Context, tx pgx.Tx, all []migration.Migration) ([]int, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("taking migration lock: %w", err)
	}

	_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+migration.Table+` (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", migration.Table, err)
	}

	rows, _ := tx.Query(ctx, "SELECT version FROM "+migration.Table)
	done, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", migration.Table, err)
	}

	var applied []int
	for _, m := range migration.Pending(all, done) {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("applying migration %s: %w", m.Name, err)
		}
		_, err := tx.Exec(ctx,
			"INSERT INTO "+migration.Table+" (version, name) VALUES ($1, $2)", m.Version, m.Name)
		if err != nil {
			return nil, fmt.Errorf("recording migration %s: %w", m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}
