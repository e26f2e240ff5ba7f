package postgres

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestMigrationBackfillsSchedule journals rows as the first migration's
// schema held them, then opens the store, which applies the later
// migrations, and checks what they filled in.
func TestMigrationBackfillsSchedule(t *testing.T) {
	ctx := context.Background()
	dsn, conn := connectMigrated(t, 1)

	const caseKey = "KL/TVM/0042/2026/0117"
	t0 := time.Date(2026, time.March, 15, 3, 30, 0, 0, time.UTC)
	insertOldMessage(t, conn, "m-old-1", caseKey, t0)
	insertOldMessage(t, conn, "m-old-2", caseKey, t0.Add(time.Hour))
	// Inserted out of creation order, so seq must come from created_at.
	insertOldDelivery(t, conn, "d-later", "m-old-2", 0, "pending", t0.Add(time.Hour), t0.Add(time.Hour))
	insertOldDelivery(t, conn, "d-first", "m-old-1", 0, "pending", t0, t0.Add(5*time.Minute))
	insertOldDelivery(t, conn, "d-done", "m-old-1", 1, "delivered", t0, t0.Add(time.Minute))
	for n := 1; n <= 2; n++ {
		_, err := conn.Exec(ctx, `INSERT INTO attempts
			(delivery_id, number, started_at, finished_at, status_code, error, result)
			VALUES ('d-first', $1, $2, $2, 503, 'unavailable', 'pending')`,
			n, t0.Add(time.Duration(n)*time.Minute))
		if err != nil {
			t.Fatalf("inserting attempt %d: %v", n, err)
		}
	}

	store, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer store.Close()

	checkBackfill(t, store, "d-first", caseKey, t0.Add(5*time.Minute))
	checkBackfill(t, store, "d-later", caseKey, t0.Add(time.Hour))
	checkBackfill(t, store, "d-done", caseKey, time.Time{})
	if d, _, err := store.Delivery(ctx, "d-later"); err != nil || d.BlockedBy != "d-first" {
		t.Errorf("Delivery(d-later).BlockedBy = %q, %v, want d-first, the earlier pending delivery",
			d.BlockedBy, err)
	}

	// A new delivery's seq follows the backfilled ones.
	topic := "backfill_court"
	initializeTopic(t, store.pool, topic)
	e := newEntry("m-new", caseKey, t0.Add(2*time.Hour), topic)
	if _, err := store.Accept(ctx, e); err != nil {
		t.Fatalf("Accept after the migration: %v", err)
	}
	if d, _, err := store.Delivery(ctx, e.Deliveries[0].ID); err != nil || d.BlockedBy != "d-first" {
		t.Errorf("Delivery(new delivery).BlockedBy = %q, %v, want d-first", d.BlockedBy, err)
	}

	// The attempt count starts from the attempts journaled before it.
	a := journal.Attempt{DeliveryID: "d-first", StartedAt: t0.Add(time.Hour),
		FinishedAt: t0.Add(time.Hour), StatusCode: 200, Result: journal.StatusDelivered}
	if err := store.RecordAttempt(ctx, a); err != nil {
		t.Fatalf("RecordAttempt after the migration: %v", err)
	}
	d, _, err := store.Delivery(ctx, "d-first")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Attempts); n != 3 || d.Attempts[n-1].Number != 3 {
		t.Errorf("attempts after the migration: %+v, want the new one numbered 3", d.Attempts)
	}
}

// connectMigrated creates a schema with the first n migrations applied,
// as a journal of an older release holds them. It returns the DSN that
// selects the schema and a connection to it, closed when t ends.
func connectMigrated(t *testing.T, n int) (string, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })

	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := applyMigrations(ctx, tx, migrations[:n])
		return err
	})
	if err != nil {
		t.Fatalf("applying the first %d migrations: %v", n, err)
	}
	return dsn, conn
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

func insertOldMessage(t *testing.T, conn *pgx.Conn, id, caseKey string, received time.Time) {
	t.Helper()
	m := canonical.Message{ID: id, Type: canonical.TypeFIR, Source: "kerala-police",
		SenderMessageID: id, CaseKey: caseKey, OccurredAt: received, ReceivedAt: received}
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encoding message %s: %v", id, err)
	}
	_, err = conn.Exec(context.Background(), `
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, raw, content_type, canonical,
			occurred_at, occurred_offset, received_at, routes_version, routing
		) VALUES ($1, $2, $3, $4, $5, '\x7b7d', 'application/json', $6, $7, 0, $7, 'v1', '[]')`,
		id, m.Source, m.SenderMessageID, string(m.Type), caseKey, body, received)
	if err != nil {
		t.Fatalf("inserting message %s: %v", id, err)
	}
}

func insertOldDelivery(
	t *testing.T,
	conn *pgx.Conn,
	id, messageID string,
	position int,
	status string,
	created, updated time.Time,
) {
	t.Helper()
	_, err := conn.Exec(context.Background(), `
		INSERT INTO deliveries (
			id, message_id, position, destination, route, status, created_at, updated_at
		) VALUES ($1, $2, $3, 'court', 'fir-to-court', $4, $5, $6)`,
		id, messageID, position, status, created, updated)
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
