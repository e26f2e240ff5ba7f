package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal/journaltest"
)

// TestMigrationBackfillsClaims journals messages without claims, removes
// the claims table as if the journal predated it, and checks the claims
// that the migration fills in when the store opens again.
func TestMigrationBackfillsClaims(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "journal.db"))
	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	entries, want := journaltest.ClaimsBackfill()
	for _, e := range entries {
		if _, err := store.Accept(ctx, e); err != nil {
			t.Fatalf("Accept(%s): %v", e.Message.SenderMessageID, err)
		}
	}
	_ = store.Close()
	for _, stmt := range []string{
		`DROP TABLE claims`,
		`DELETE FROM schema_migrations WHERE name LIKE '%_claims.sql'`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	if _, err := New(ctx, db, Config{}); err != nil {
		t.Fatalf("New after removing the claims: %v", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT kind, key, message_id FROM claims ORDER BY kind, key`)
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
