package postgres

import (
	"context"
	"reflect"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal/journaltest"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestMigrationBackfillsClaims journals messages without claims, removes
// the claims table as if the journal predated it, and checks the claims
// that the migration fills in when the store opens again.
func TestMigrationBackfillsClaims(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	store, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	entries, want := journaltest.ClaimsBackfill()
	for _, e := range entries {
		if _, err := store.Accept(ctx, e); err != nil {
			t.Fatalf("Accept(%s): %v", e.Message.SenderMessageID, err)
		}
	}
	for _, stmt := range []string{
		`DROP TABLE claims`,
		`DELETE FROM schema_migrations WHERE name LIKE '%_claims.sql'`,
	} {
		if _, err := store.pool.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	_ = store.Close()

	store, err = Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open after removing the claims: %v", err)
	}
	defer store.Close()
	rows, err := store.pool.Query(ctx, `SELECT kind, key, message_id FROM claims ORDER BY kind, key`)
	if err != nil {
		t.Fatalf("reading claims: %v", err)
	}
	defer rows.Close()
	var got []journaltest.ClaimRow
	for rows.Next() {
		var c journaltest.ClaimRow
		if err := rows.Scan(&c.Kind, &c.Key, &c.MessageID); err != nil {
			t.Fatalf("reading claims: %v", err)
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading claims: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims after the migration =\n%+v\nwant\n%+v", got, want)
	}
}
