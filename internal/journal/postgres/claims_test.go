package postgres

import (
	"context"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/journaltest"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

func TestClaimsMigrations(t *testing.T) {
	journaltest.RunClaimsMigrations(t, claimsAfterReopen)
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
