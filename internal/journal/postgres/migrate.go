package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles are the schema changes, named NNNN_description.sql and
// applied in the order of NNNN. A released file never changes: a schema
// change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the pg_advisory_xact_lock key that serialises
// migrations, so two processes starting at once apply each migration once.
// It is one key per database, so stores in different schemas of one
// database also wait for each other; migrations are short.
const migrationLock int64 = 0x53616e67616d4a // "SangamJ" in ASCII

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations sorted by version.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("listing migrations: %w", err)
	}

	var migrations []migration
	for _, name := range names {
		m, err := readMigration(name)
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m)
	}

	slices.SortFunc(migrations, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version == migrations[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s: same version %d",
				migrations[i-1].name, migrations[i].name, migrations[i].version)
		}
	}
	return migrations, nil
}

func readMigration(name string) (migration, error) {
	base := path.Base(name)
	prefix, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(prefix)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("migration %s: name must start with a positive "+
			"version number and an underscore, such as 0001_journal.sql", base)
	}

	body, err := migrationFiles.ReadFile(name)
	if err != nil {
		return migration{}, fmt.Errorf("reading migration %s: %w", base, err)
	}
	return migration{version: version, name: base, sql: string(body)}, nil
}

// migrate applies, in one transaction, the migrations that the
// schema_migrations table does not list, and returns their versions.
func migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	migrations, err := loadMigrations()
	if err != nil {
		return nil, err
	}

	var applied []int
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		applied, err = applyMigrations(ctx, tx, migrations)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	return applied, nil
}

func applyMigrations(ctx context.Context, tx pgx.Tx, migrations []migration) ([]int, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("taking migration lock: %w", err)
	}

	// current_schema() is NULL when no schema that search_path names
	// exists, and then CREATE TABLE fails with a message that names
	// neither the search_path nor the fix.
	var schema *string
	var searchPath string
	err := tx.QueryRow(ctx, "SELECT current_schema(), current_setting('search_path')").
		Scan(&schema, &searchPath)
	if err != nil {
		return nil, fmt.Errorf("reading the search_path: %w", err)
	}
	if schema == nil {
		return nil, fmt.Errorf("no schema of search_path %q exists: create the schema "+
			"(CREATE SCHEMA name) or correct search_path in the PostgreSQL URL", searchPath)
	}

	_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	if err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}

	rows, _ := tx.Query(ctx, "SELECT version FROM schema_migrations")
	done, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}

	var applied []int
	for _, m := range migrations {
		if slices.Contains(done, m.version) {
			continue
		}
		if err := applyMigration(ctx, tx, m); err != nil {
			return nil, err
		}
		applied = append(applied, m.version)
	}
	return applied, nil
}

func applyMigration(ctx context.Context, tx pgx.Tx, m migration) error {
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("applying migration %s: %w", m.name, err)
	}
	_, err := tx.Exec(ctx,
		"INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
	if err != nil {
		return fmt.Errorf("recording migration %s: %w", m.name, err)
	}
	return nil
}
