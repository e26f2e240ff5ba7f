package postgres

import (
	"context"
	"reflect"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/journaltest"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestMigrationBackfillsClaims journals messages without claims, removes
// the claims table as if the journal predated it, and checks the claims
// that the migrations fill in when the store opens again.
func TestMigrationBackfillsClaims(t *testing.T) {
	entries, want, _ := journaltest.ClaimsBackfill()
	got := claimsAfterReopen(t, entries, nil,
		`DROP TABLE claims`,
		`DELETE FROM schema_migrations WHERE name LIKE '%_claims%.sql'`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims after the migrations =\n%+v\nwant\n%+v", got, want)
	}
}

// TestMigrationRepairsClaims leaves the claims that an earlier build of
// the claims migration made and checks that the repair turns them into
// the claims of the build in force.
func TestMigrationRepairsClaims(t *testing.T) {
	entries, want, stale := journaltest.ClaimsBackfill()
	got := claimsAfterReopen(t, entries, stale,
		`DELETE FROM claims`,
		`DELETE FROM schema_migrations WHERE name LIKE '%_claims_repair.sql'`)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims after the repair =\n%+v\nwant\n%+v", got, want)
	}
}

// claimsAfterReopen journals entries in a new store, runs statements,
// inserts rows into the claims table, opens the store again and returns
// its claims, sorted by kind and key.
func claimsAfterReopen(t *testing.T, entries []journal.Entry, rows []journaltest.ClaimRow,
	statements ...string) []journaltest.ClaimRow {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	store, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, e := range entries {
		if _, err := store.Accept(ctx, e); err != nil {
			t.Fatalf("Accept(%s): %v", e.Message.SenderMessageID, err)
		}
	}
	for _, stmt := range statements {
		if _, err := store.pool.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, r := range rows {
		_, err := store.pool.Exec(ctx, `INSERT INTO claims (kind, key, message_id) VALUES ($1, $2, $3)`,
			r.Kind, r.Key, r.MessageID)
		if err != nil {
			t.Fatalf("inserting claim %+v: %v", r, err)
		}
	}
	_ = store.Close()

	store, err = Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open after changing the claims: %v", err)
	}
	defer store.Close()
	result, err := store.pool.Query(ctx, `SELECT kind, key, message_id FROM claims ORDER BY kind, key`)
	if err != nil {
		t.Fatalf("reading claims: %v", err)
	}
	defer result.Close()
	var got []journaltest.ClaimRow
	for result.Next() {
		var c journaltest.ClaimRow
		if err := result.Scan(&c.Kind, &c.Key, &c.MessageID); err != nil {
			t.Fatalf("reading claims: %v", err)
		}
		got = append(got, c)
	}
	if err := result.Err(); err != nil {
		t.Fatalf("reading claims: %v", err)
	}
	return got
}
