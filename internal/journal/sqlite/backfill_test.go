package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/journal"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// TestMigrationBackfillsSchedule journals rows as the first migration's
// schema held them, then opens the store, which applies the later
// migrations, and checks what they filled in.
func TestMigrationBackfillsSchedule(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t, 1)

	const caseKey = "KL/TVM/0042/2026/0117"
	t0 := time.Date(2026, time.March, 15, 3, 30, 0, 0, time.UTC)
	insertOldMessage(t, db, "m-old-1", caseKey, t0)
	insertOldMessage(t, db, "m-old-2", caseKey, t0.Add(time.Hour))
	// Inserted out of creation order, so seq must come from created_at.
	insertOldDelivery(t, db, "d-later", "m-old-2", 0, "pending", t0.Add(time.Hour), t0.Add(time.Hour))
	insertOldDelivery(t, db, "d-first", "m-old-1", 0, "pending", t0, t0.Add(5*time.Minute))
	insertOldDelivery(t, db, "d-done", "m-old-1", 1, "delivered", t0, t0.Add(time.Minute))

	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	checkBackfill(t, store, "d-first", caseKey, t0.Add(5*time.Minute))
	checkBackfill(t, store, "d-later", caseKey, t0.Add(time.Hour))
	checkBackfill(t, store, "d-done", caseKey, time.Time{})
	if d, _, err := store.Delivery(ctx, "d-later"); err != nil || d.BlockedBy != "d-first" {
		t.Errorf("Delivery(d-later).BlockedBy = %q, %v, want d-first, the earlier pending delivery",
			d.BlockedBy, err)
	}

	// A new delivery's seq follows the backfilled ones.
	topic := "backfill_court"
	if err := sqlitebus.InitializeTopic(ctx, db, topic); err != nil {
		t.Fatalf("initializing topic %s: %v", topic, err)
	}
	e := newEntry("m-new", caseKey, t0.Add(2*time.Hour), topic)
	if _, err := store.Accept(ctx, e); err != nil {
		t.Fatalf("Accept after the migration: %v", err)
	}
	if d, _, err := store.Delivery(ctx, e.Deliveries[0].ID); err != nil || d.BlockedBy != "d-first" {
		t.Errorf("Delivery(new delivery).BlockedBy = %q, %v, want d-first", d.BlockedBy, err)
	}
}

// openMigrated returns a database in a temporary folder with the first n
// migrations applied, as a journal of an older release holds them.
func openMigrated(t *testing.T, n int) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "journal.db"))
	lock, err := hubsqlite.WriteLockFor(ctx, db)
	if err != nil {
		t.Fatalf("WriteLockFor: %v", err)
	}
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	err = inTx(ctx, db, lock, func(tx *sql.Tx) error {
		_, err := applyMigrations(ctx, tx, migrations[:n])
		return err
	})
	if err != nil {
		t.Fatalf("applying the first %d migrations: %v", n, err)
	}
	return db
}

// checkBackfill fails t unless the delivery got caseKey and, when it is
// pending, is due and queued at pendingSince.
func checkBackfill(t *testing.T, store *Store, id, caseKey string, pendingSince time.Time) {
	t.Helper()
	d, _, err := store.Delivery(context.Background(), id)
	if err != nil {
		t.Fatalf("Delivery(%s): %v", id, err)
	}
	if d.CaseKey != caseKey {
		t.Errorf("%s CaseKey = %q, want %q", id, d.CaseKey, caseKey)
	}
	if !d.NextAttemptAt.Equal(pendingSince) || !d.QueuedAt.Equal(pendingSince) {
		t.Errorf("%s NextAttemptAt %v, QueuedAt %v, want both %v",
			id, d.NextAttemptAt, d.QueuedAt, pendingSince)
	}
}

func insertOldMessage(t *testing.T, db *sql.DB, id, caseKey string, received time.Time) {
	t.Helper()
	m := canonical.Message{ID: id, Type: canonical.TypeFIR, Source: "kerala-police",
		SenderMessageID: id, CaseKey: caseKey, OccurredAt: received, ReceivedAt: received}
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encoding message %s: %v", id, err)
	}
	_, err = db.Exec(`
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, raw, content_type, canonical,
			occurred_at, occurred_offset, received_at, routes_version, routing
		) VALUES (?1, ?2, ?3, ?4, ?5, x'7b7d', 'application/json', ?6, ?7, 0, ?7, 'v1', '[]')`,
		id, m.Source, m.SenderMessageID, string(m.Type), caseKey, string(body), micros(received))
	if err != nil {
		t.Fatalf("inserting message %s: %v", id, err)
	}
}

func insertOldDelivery(
	t *testing.T,
	db *sql.DB,
	id, messageID string,
	position int,
	status string,
	created, updated time.Time,
) {
	t.Helper()
	_, err := db.Exec(`
		INSERT INTO deliveries (
			id, message_id, position, destination, route, status, created_at, updated_at
		) VALUES (?, ?, ?, 'court', 'fir-to-court', ?, ?, ?)`,
		id, messageID, position, status, micros(created), micros(updated))
	if err != nil {
		t.Fatalf("inserting delivery %s: %v", id, err)
	}
}

// newEntry returns an entry for message id in case caseKey with one
// delivery to court, whose command goes on topic.
func newEntry(id, caseKey string, received time.Time, topic string) journal.Entry {
	d := journal.NewDelivery{ID: uuid.NewString(), Destination: "court", Route: "fir-to-court"}
	return journal.Entry{
		Message: canonical.Message{ID: id, Type: canonical.TypeFIR, Source: "kerala-police",
			SenderMessageID: id, CaseKey: caseKey, OccurredAt: received, ReceivedAt: received},
		Deliveries: []journal.NewDelivery{d},
		Outbox:     []journal.Outgoing{{Topic: topic, Message: message.NewMessage(d.ID, nil)}},
	}
}
