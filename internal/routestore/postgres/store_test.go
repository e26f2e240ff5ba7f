package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/pgtest"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/internal/routestore/routestoretest"
)

const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func TestConformance(t *testing.T) {
	routestoretest.Run(t, openHarness)
}

// openHarness opens a store with a pool of its own in schema, or in a
// fresh schema when schema is empty.
func openHarness(t *testing.T, schema string) routestoretest.Harness {
	if schema == "" {
		schema = freshSchema(t)
	}
	pool := openPool(t, schema)
	store, err := New(context.Background(), pool, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return routestoretest.Harness{
		Store:   store,
		Storage: schema,
		InsertUnchecked: func(t *testing.T, v routestore.Version) {
			_, err := pool.Exec(context.Background(),
				"INSERT INTO route_versions ("+versionColumns+") VALUES ($1, $2, $3, $4, $5, NULL)",
				v.Number, string(v.Document), v.By, v.Comment, v.CreatedAt)
			if err != nil {
				t.Fatalf("inserting version %d: %v", v.Number, err)
			}
		},
	}
}

func openPool(t *testing.T, schema string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), pgtest.WithSearchPath(t, testDSN(), schema))
	if err != nil {
		t.Fatalf("opening pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// testDSN returns the server to test against, from SANGAM_TEST_POSTGRES.
func testDSN() string {
	if dsn := os.Getenv("SANGAM_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return defaultTestDSN
}

// freshSchema creates a schema of a random name, drops it when t ends and
// returns its name. It skips t when the server is unreachable.
func freshSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	base := testDSN()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL unreachable at %s, set SANGAM_TEST_POSTGRES: %v", redact(base), err)
	}
	defer conn.Close(ctx)

	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "routestore_test_" + hex.EncodeToString(suffix)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connecting to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "the configured server"
}

func TestNewConcurrentMigrations(t *testing.T) {
	schema := freshSchema(t)

	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		pool := openPool(t, schema)
		wg.Go(func() { _, errs[i] = New(context.Background(), pool, Config{}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("New %d: %v", i, err)
		}
	}

	var rows int
	err := openPool(t, schema).QueryRow(context.Background(),
		"SELECT count(*) FROM routestore_migrations").Scan(&rows)
	if err != nil {
		t.Fatalf("reading routestore_migrations: %v", err)
	}
	if rows != 1 {
		t.Errorf("routestore_migrations has %d rows, want 1, one per migration", rows)
	}
}
