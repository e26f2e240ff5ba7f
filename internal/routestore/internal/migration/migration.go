// Package migration reads the embedded schema migrations of the routes
// stores.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Table is the name of the table that lists the applied migrations. It
// differs from the journal's schema_migrations, so the routes stores and
// the journal can share a database or schema.
const Table = "routestore_migrations"

// Migration is one schema change.
type Migration struct {
	// Version orders the migrations, from 1.
	Version int
	// Name is the file name, such as 0001_route_versions.sql.
	Name string
	// SQL is the file's content.
	SQL string
}

// Load returns the migrations in fsys's directory dir, sorted by version.
// Each file is named NNNN_description.sql, and NNNN is its version. A
// released file never changes: a schema change is a new file.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("listing migrations: %w", err)
	}

	var migrations []Migration
	for _, name := range names {
		m, err := read(fsys, name)
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m)
	}

	slices.SortFunc(migrations, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(migrations); i++ {
		if migrations[i].Version == migrations[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s: same version %d",
				migrations[i-1].Name, migrations[i].Name, migrations[i].Version)
		}
	}
	return migrations, nil
}

func read(fsys fs.FS, name string) (Migration, error) {
	base := path.Base(name)
	prefix, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(prefix)
	if !ok || err != nil || version <= 0 {
		return Migration{}, fmt.Errorf("migration %s: name must start with a positive "+
			"version number and an underscore, such as 0001_route_versions.sql", base)
	}

	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Migration{}, fmt.Errorf("reading migration %s: %w", base, err)
	}
	return Migration{Version: version, Name: base, SQL: string(body)}, nil
}

// Pending returns the migrations whose versions applied does not contain,
// in order.
func Pending(all []Migration, applied []int) []Migration {
	var pending []Migration
	for _, m := range all {
		if !slices.Contains(applied, m.Version) {
			pending = append(pending, m)
		}
	}
	return pending
}
