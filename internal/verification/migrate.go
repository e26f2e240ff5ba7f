package verification

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
)

//go:embed migrations
var migrationFiles embed.FS

// migrationsTable lists the applied migrations. Its name differs from the
// journal's and the routes store's, so all three share one database.
const migrationsTable = "verification_migrations"

// migrationLock is the pg_advisory_xact_lock key that serialises these
// migrations across processes. It differs from the journal's and the
// routes store's keys.
const migrationLock int64 = 0x53616e67616d56 // "SangamV" in ASCII

type migration struct {
	version int
	name    string
	sql     string
}

// migrate applies, in one transaction, the migrations migrationsTable does
// not list, and returns their versions.
func (x *Index) migrate(ctx context.Context) ([]int, error) {
	all, err := loadMigrations(string(x.dialect))
	if err != nil {
		return nil, err
	}
	var applied []int
	err = x.write(ctx, func(tx *sql.Tx) error {
		applied, err = x.applyMigrations(ctx, tx, all)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrating verification tables: %w", err)
	}
	return applied, nil
}

func (x *Index) applyMigrations(ctx context.Context, tx *sql.Tx, all []migration) ([]int, error) {
	if x.dialect == PostgreSQL {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
			return nil, fmt.Errorf("taking migration lock: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migrationsTable+` (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at BIGINT NOT NULL
	)`)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", migrationsTable, err)
	}
	done, err := appliedVersions(ctx, tx)
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range all {
		if slices.Contains(done, m.version) {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return nil, fmt.Errorf("applying migration %s: %w", m.name, err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO "+migrationsTable+
			" (version, name, applied_at) VALUES ($1, $2, $3)", m.version, m.name,
			time.Now().UnixMicro())
		if err != nil {
			return nil, fmt.Errorf("recording migration %s: %w", m.name, err)
		}
		applied = append(applied, m.version)
	}
	return applied, nil
}

func appliedVersions(ctx context.Context, tx *sql.Tx) ([]int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT version FROM "+migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", migrationsTable, err)
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("reading %s: %w", migrationsTable, err)
		}
		versions = append(versions, v)
	}
	return versions, rows.Err()
}

// loadMigrations returns the migrations of one dialect's folder, sorted by
// version. Each file is named NNNN_description.sql; a released file never
// changes.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	names, err := fs.Glob(migrationFiles, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("listing migrations: %w", err)
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		prefix, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(prefix)
		if err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", base, err)
		}
		out = append(out, migration{version: version, name: base, sql: string(body)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	return out, nil
}
