package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore/internal/migration"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the migrations that routestore_migrations does not list
// and returns their versions. It runs in one write transaction, which
// begins IMMEDIATE, so a second process waits for the first to finish and
// then finds every migration applied.
func (s *Store) migrate(ctx context.Context) ([]int, error) {
	all, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}

	var applied []int
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		applied, err = applyMigrations(ctx, tx, all)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	return applied, nil
}

func applyMigrations(ctx context.Context, tx *sql.Tx, all []migration.Migration) ([]int, error) {
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migration.Table+` (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		-- Microseconds since the Unix epoch.
		applied_at INTEGER NOT NULL
	) STRICT`)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", migration.Table, err)
	}

	done, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
	}

	var applied []int
	for _, m := range migration.Pending(all, done) {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("applying migration %s: %w", m.Name, err)
		}
		_, err := tx.ExecContext(ctx,
			"INSERT INTO "+migration.Table+" (version, name, applied_at) VALUES (?, ?, ?)",
			m.Version, m.Name, time.Now().UnixMicro())
		if err != nil {
			return nil, fmt.Errorf("recording migration %s: %w", m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

func appliedVersions(ctx context.Context, tx *sql.Tx) ([]int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT version FROM "+migration.Table)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", migration.Table, err)
	}
	defer rows.Close()

	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("reading %s: %w", migration.Table, err)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", migration.Table, err)
	}
	return versions, nil
}
