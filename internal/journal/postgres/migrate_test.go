package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

func TestOpenConcurrentMigrations(t *testing.T) {
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}

	const processes = 4
	stores := make([]*Store, processes)
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), Config{DSN: dsn}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}

	var rows, maxVersion int
	err = stores[0].pool.QueryRow(context.Background(),
		"SELECT count(*), max(version) FROM schema_migrations").Scan(&rows, &maxVersion)
	if err != nil {
		t.Fatalf("reading schema_migrations: %v", err)
	}
	if rows != len(migrations) {
		t.Errorf("schema_migrations has %d rows, want %d, one per migration", rows, len(migrations))
	}
	if last := migrations[len(migrations)-1].version; maxVersion != last {
		t.Errorf("schema_migrations max version = %d, want %d", maxVersion, last)
	}
}

func TestOpenMissingSchemaNamed(t *testing.T) {
	missing := freshSchema(t) + "_missing"
	dsn := pgtest.WithSearchPath(t, testDSN(), missing)
	store, err := Open(context.Background(), Config{DSN: dsn})
	if err == nil {
		store.Close()
		t.Fatalf("Open with search_path %s succeeded, want an error", missing)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("error does not name the search_path %s: %v", missing, err)
	}
	if !strings.Contains(err.Error(), "CREATE SCHEMA") {
		t.Errorf("error does not say to create the schema: %v", err)
	}
}

func TestOpenAppliesNothingTwice(t *testing.T) {
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	first, err := Open(context.Background(), Config{DSN: dsn})
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	defer first.Close()

	applied, err := migrate(context.Background(), first.pool)
	if err != nil {
		t.Fatalf("migrating again: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("migrating an up-to-date schema applied %v, want nothing", applied)
	}
}

func TestLoadMigrationsInOrder(t *testing.T) {
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	if len(migrations) == 0 || migrations[0].version != 1 {
		t.Fatalf("migrations = %v, want the first to be version 1", migrations)
	}
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version <= migrations[i-1].version {
			t.Errorf("migration %s follows %s", migrations[i].name, migrations[i-1].name)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing DSN", Config{}, "dsn: missing"},
		{"negative max conns", Config{DSN: "postgres://h/db", MaxConns: -1}, "max_conns: -1 is negative"},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if err := (Config{DSN: "postgres://h/db"}).Validate(); err != nil {
		t.Errorf("Validate() of a config with only a DSN = %v, want nil", err)
	}
}

func TestOpenInvalidDSNHidesPassword(t *testing.T) {
	_, err := Open(context.Background(), Config{DSN: "postgres://u:s3cret@127.0.0.1:bad/db"})
	if err == nil {
		t.Fatalf("Open with an invalid port succeeded, want an error")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "dsn") {
		t.Errorf("Open error = %v, want it to name the dsn", err)
	}
}

func TestBodiesCompressedWithLZ4(t *testing.T) {
	ctx := context.Background()
	store := openFreshStore(t)

	// A temporary table with an lz4 column fails with
	// feature_not_supported on a server built without lz4. A column that
	// keeps the default method has a NUL attcompression.
	want := "l"
	_, err := store.pool.Exec(ctx, "CREATE TEMP TABLE lz4_probe (b bytea COMPRESSION lz4)")
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "0A000" {
		want = "\x00"
	} else if err != nil {
		t.Fatalf("probing lz4: %v", err)
	}

	rows, err := store.pool.Query(ctx, `
		SELECT attname, attcompression FROM pg_attribute
		WHERE attrelid = 'messages'::regclass AND attname IN ('raw', 'canonical')
		ORDER BY attname`)
	if err != nil {
		t.Fatalf("reading column compression: %v", err)
	}
	got := map[string]string{}
	for rows.Next() {
		var name, method string
		if err := rows.Scan(&name, &method); err != nil {
			t.Fatalf("scanning: %v", err)
		}
		got[name] = method
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading column compression: %v", err)
	}
	for _, column := range []string{"canonical", "raw"} {
		if got[column] != want {
			t.Errorf("messages.%s compression = %q, want %q", column, got[column], want)
		}
	}
}
