package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/journaltest"
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
	db := openDB(t, filepath.Join(t.TempDir(), "journal.db"))
	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, e := range entries {
		if _, err := store.Accept(ctx, e); err != nil {
			t.Fatalf("Accept(%s): %v", e.Message.SenderMessageID, err)
		}
	}
	_ = store.Close()
	for _, stmt := range statements {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for _, r := range rows {
		_, err := db.ExecContext(ctx, `INSERT INTO claims (kind, key, message_id) VALUES (?, ?, ?)`,
			r.Kind, r.Key, r.MessageID)
		if err != nil {
			t.Fatalf("inserting claim %+v: %v", r, err)
		}
	}

	if _, err := New(ctx, db, Config{}); err != nil {
		t.Fatalf("New after changing the claims: %v", err)
	}
	return readClaims(t, db)
}

func readClaims(t *testing.T, db *sql.DB) []journaltest.ClaimRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		`SELECT kind, key, message_id FROM claims ORDER BY kind, key`)
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
	return got
}
