package pgbus_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// defaultPostgresDSN is the loopback server tests use when
// SANGAM_TEST_POSTGRES is unset.
const defaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// openTestPool connects to the test server and returns a pool whose
// connections use a schema of their own, dropped when the test ends, so
// that runs and packages sharing the server do not see each other's
// tables. It skips the test when the server cannot be reached.
func openTestPool(t *testing.T, maxConns int32) *pgxpool.Pool {
	t.Helper()

	dsn := os.Getenv("SANGAM_TEST_POSTGRES")
	if dsn == "" {
		dsn = defaultPostgresDSN
	}
	config, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parsing SANGAM_TEST_POSTGRES %q: %v", dsn, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := pgx.ConnectConfig(ctx, config.ConnConfig.Copy())
	if err != nil {
		t.Skipf("skipping: cannot connect to PostgreSQL at %s (set SANGAM_TEST_POSTGRES): %v",
			config.ConnConfig.Host, err)
	}
	defer func() { _ = admin.Close(context.Background()) }()

	schema := "sangam_bus_test_" + strings.ToLower(watermill.NewShortUUID())
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, config.ConnConfig, schema) })

	config.ConnConfig.RuntimeParams["search_path"] = schema
	config.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		t.Fatalf("creating pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func dropSchema(t *testing.T, config *pgx.ConnConfig, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		t.Errorf("dropping schema %s: %v", schema, err)
		return
	}
	defer func() { _ = conn.Close(context.Background()) }()

	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP SCHEMA %s CASCADE", schema)); err != nil {
		t.Errorf("dropping schema %s: %v", schema, err)
	}
}
