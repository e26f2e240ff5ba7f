package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal/journaltest"
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
	for i, a := range journaltest.NotSentBackfill() {
		_, err := db.Exec(`INSERT INTO attempts
			(delivery_id, number, started_at, finished_at, status_code, error, result)
			VALUES ('d-old', ?, ?, ?, 0, ?, 'pending')`,
			i+1, micros(t0), micros(t0), a.Error)
		if err != nil {
			t.Fatalf("inserting attempt %d: %v", i+1, err)
		}
	}

	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	journaltest.CheckNotSentBackfill(t, store, "d-old")
}
