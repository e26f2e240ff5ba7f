package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/arrestclaim"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestMigrationClaimsOldArrests journals arrest memos before the arrest
// claims' migration, then opens the store, which applies it. The first
// memo of an arrest whose accused has a CCTNS person id holds the claim
// that arrestclaim.KeyOf names. A memo whose accused has none holds
// nothing.
func TestMigrationClaimsOldArrests(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	defer conn.Close(ctx)

	migrations, err := loadMigrations()
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	before := slices.IndexFunc(migrations, func(m migration) bool {
		return m.name == "0016_arrest_claims.sql"
	})
	if before < 0 {
		t.Fatal("no migration 0016_arrest_claims.sql")
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := applyMigrations(ctx, tx, migrations[:before])
		return err
	})
	if err != nil {
		t.Fatalf("applying the migrations before the arrest claims: %v", err)
	}

	t0 := time.Date(2025, time.September, 15, 8, 30, 0, 400_000_000, time.UTC)
	first := oldArrest("m-arrest-1", t0, "KLEKM-P-4471")
	insertOldArrest(t, conn, first, t0.Add(time.Hour))
	insertOldArrest(t, conn, oldArrest("m-arrest-2", t0, "KLEKM-P-4471"), t0.Add(2*time.Hour))
	unnamed := oldArrest("m-arrest-3", t0, "")
	insertOldArrest(t, conn, unnamed, t0.Add(3*time.Hour))

	store, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer store.Close()
	key, _ := arrestclaim.KeyOf(&first)
	holder, err := store.ClaimHolder(ctx, journal.Claim{Kind: arrestclaim.ClaimArrest, Key: key})
	if err != nil || holder != "m-arrest-1" {
		t.Errorf("holder of %s = %q, %v, want m-arrest-1", key, holder, err)
	}
	key, _ = arrestclaim.KeyOf(&unnamed)
	holder, err = store.ClaimHolder(ctx, journal.Claim{Kind: arrestclaim.ClaimArrest, Key: key})
	if !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("holder of %s = %q, %v, want none", key, holder, err)
	}
}

// oldArrest returns an arrest memo of the accused with CCTNS person id
// personID, or without one when personID is empty, arrested at.
func oldArrest(id string, at time.Time, personID string) canonical.Message {
	fir := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	person := canonical.Person{Names: []canonical.Name{{Full: "Shibu K. R."}}, DateOfBirth: "1990-04-02",
		Identifiers: []canonical.Identifier{{Type: canonical.IDPassport, Value: "S7102455"}}}
	if personID != "" {
		person.Identifiers = append(person.Identifiers,
			canonical.Identifier{Type: canonical.IDCCTNSPerson, Value: personID})
	}
	return canonical.Message{ID: id, Type: canonical.TypeArrest, Source: "police",
		SenderMessageID: id, CaseKey: fir.Key(), OccurredAt: at,
		Arrest: &canonical.Arrest{FIR: fir, Person: person, At: at, Place: "Kaloor"}}
}

func insertOldArrest(t *testing.T, conn *pgx.Conn, m canonical.Message, received time.Time) {
	t.Helper()
	m.ReceivedAt = received
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encoding message %s: %v", m.ID, err)
	}
	_, err = conn.Exec(context.Background(), `
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, raw, content_type, canonical,
			occurred_at, occurred_offset, received_at, routes_version, routing
		) VALUES ($1, $2, $3, $4, $5, '\x7b7d', 'application/json', $6, $7, 0, $8, 'v1', '[]')`,
		m.ID, m.Source, m.SenderMessageID, string(m.Type), m.CaseKey, body, m.OccurredAt, received)
	if err != nil {
		t.Fatalf("inserting message %s: %v", m.ID, err)
	}
}
