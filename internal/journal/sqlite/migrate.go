package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// migrationFiles are the schema changes, named NNNN_description.sql and
// applied in the order of NNNN. A released file never changes: a schema
// change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

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
// schema_migrations table does not list, and returns their versions. The
// transaction begins IMMEDIATE, so a second process waits for the first
// to finish and then finds every migration applied.
func migrate(ctx context.Context, db *sql.DB, lock *hubsqlite.WriteLock) ([]int, error) {
	migrations, err := loadMigrations()
	if err != nil {
		return nil, err
	}

	var applied []int
	err = inTx(ctx, db, lock, func(tx *sql.Tx) error {
		applied, err = applyMigrations(ctx, tx, migrations)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	return applied, nil
}

func applyMigrations(ctx context.Context, tx *sql.Tx, migrations []migration) ([]int, error) {
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		-- Microseconds since the Unix epoch.
		applied_at INTEGER NOT NULL
	) STRICT`)
	if err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}

	done, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
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

func appliedVersions(ctx context.Context, tx *sql.Tx) ([]int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}
	defer rows.Close()

	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("reading schema_migrations: %w", err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading schema_migrations: %w", err)
	}
	return versions, nil
}

func applyMigration(ctx context.Context, tx *sql.Tx, m migration) error {
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("applying migration %s: %w", m.name, err)
	}
	_, err := tx.ExecContext(ctx,
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("recording migration %s: %w", m.name, err)
	}
	return nil
}
