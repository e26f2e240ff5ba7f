package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMigrationMarksNotSentAttempts journals attempts as the schema held
// them before attempts.not_sent, then opens the store and expects the
// attempts whose error starts "not sent: " marked.
func TestMigrationMarksNotSentAttempts(t *testing.T) {
	ctx := context.Background()
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	before := slices.IndexFunc(migrations, func(m migration) bool {
		return strings.HasSuffix(m.name, "_attempt_not_sent.sql")
	})
	if before < 0 {
		t.Fatal("no migration adds attempts.not_sent")
	}
	db := openMigrated(t, before)

	t0 := time.Date(2026, time.March, 15, 3, 30, 0, 0, time.UTC)
	insertOldMessage(t, db, "m-old", "KL/TVM/0042/2026/0117", t0)
	insertOldDelivery(t, db, "d-old", "m-old", 0, "pending", t0, t0)
	texts := []string{
		`not sent: destination "court": bearer_token_file: no such file`,
		"HTTP 503: maintenance",
		`Not sent: another service's text`,
	}
	for i, text := range texts {
		_, err := db.Exec(`INSERT INTO attempts
			(delivery_id, number, started_at, finished_at, status_code, error, result)
			VALUES ('d-old', ?, ?, ?, 0, ?, 'pending')`,
			i+1, micros(t0), micros(t0), text)
		if err != nil {
			t.Fatalf("inserting attempt %d: %v", i+1, err)
		}
	}

	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	d, _, err := store.Delivery(ctx, "d-old")
	if err != nil {
		t.Fatalf("Delivery: %v", err)
	}
	if len(d.Attempts) != len(texts) {
		t.Fatalf("%d attempts, want %d", len(d.Attempts), len(texts))
	}
	for i, want := range []bool{true, false, false} {
		if got := d.Attempts[i].NotSent; got != want {
			t.Errorf("attempt with error %q: NotSent = %v, want %v", texts[i], got, want)
		}
	}
}
