package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/internal/routestore/routestoretest"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

func TestConformance(t *testing.T) {
	routestoretest.Run(t, openHarness)
}

// openHarness opens a store on the database file at path with a handle of
// its own, or on a new file when path is empty.
func openHarness(t *testing.T, path string) routestoretest.Harness {
	if path == "" {
		path = filepath.Join(t.TempDir(), "routes.db")
	}
	db := openDB(t, path)
	store, err := New(context.Background(), db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return routestoretest.Harness{
		Store:   store,
		Storage: path,
		InsertUnchecked: func(t *testing.T, v routestore.Version) {
			_, err := db.Exec("INSERT INTO route_versions ("+versionColumns+") "+
				"VALUES (?, ?, ?, ?, ?, NULL)",
				v.Number, string(v.Document), v.By, v.Comment, v.CreatedAt.UnixMicro())
			if err != nil {
				t.Fatalf("inserting version %d: %v", v.Number, err)
			}
		},
	}
}

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := hubsqlite.Open(path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestNewConcurrentMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "routes.db")

	// Separate handles, as two processes would have.
	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		db := openDB(t, path)
		wg.Go(func() { _, errs[i] = New(context.Background(), db, Config{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("New %d: %v", i, err)
		}
	}

	var rows int
	err := openDB(t, path).QueryRow("SELECT count(*) FROM routestore_migrations").Scan(&rows)
	if err != nil {
		t.Fatalf("reading routestore_migrations: %v", err)
	}
	if rows != 1 {
		t.Errorf("routestore_migrations has %d rows, want 1, one per migration", rows)
	}
}
