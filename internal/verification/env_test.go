package verification

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	jpostgres "github.com/sangam-hub/sangam/internal/journal/postgres"
	jsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/schemas"
)

// env is a journal and an index over one database.
type env struct {
	store journal.Store
	index *Index
	clock *clock
	// claimers name the claims of each message that accept journals.
	claimers []ingest.Claimer
	// guards run on each message after the enrichers, and again, as
	// ingest runs them, while the journal finds one of their claims held.
	guards []ingest.Guard
	// destination, when set, gets a delivery of each message that accept
	// journals.
	destination string
	// initializeTopic creates a bus topic's table, so that Accept can
	// publish a delivery's command on it.
	initializeTopic func(ctx context.Context, topic string) error
}

// backends runs test on SQLite and on PostgreSQL.
func backends(t *testing.T, test func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { test(t, sqliteEnv(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, postgresEnv(t)) })
}

func sqliteEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, store := sqliteJournal(t)
	idx, err := NewSQLiteIndex(ctx, db, IndexConfig{Journal: store, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return &env{store: store, index: idx, clock: newClock(),
		initializeTopic: func(ctx context.Context, topic string) error {
			return sqlitebus.InitializeTopic(ctx, db, topic)
		}}
}

// sqliteJournal returns a SQLite database in a temporary folder and a
// journal over it.
func sqliteJournal(t *testing.T) (*sql.DB, *jsqlite.Store) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "sangam.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store, err := jsqlite.New(context.Background(), db, jsqlite.Config{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return db, store
}

func postgresEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	base := os.Getenv("SANGAM_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL not reachable at SANGAM_TEST_POSTGRES (%v); start it or set the variable", err)
	}
	schema := fmt.Sprintf("verification_test_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	store, err := jpostgres.Open(ctx, jpostgres.Config{
		DSN: base + sep + "search_path=" + schema, Logger: quietLog(),
	})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := NewPostgresIndex(ctx, store.Pool(), IndexConfig{Journal: store, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		idx.Close()
		store.Close()
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	return &env{store: store, index: idx, clock: newClock(),
		initializeTopic: func(ctx context.Context, topic string) error {
			return pgbus.InitializeTopic(ctx, store.Pool(), topic)
		}}
}

func quietLog() *slog.Logger {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// clock is a test clock that moves only when Advance moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	return &clock{now: time.Date(2025, 11, 5, 11, 0, 0, 0, IST)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// accept journals m as ingest would, with the enrichers before and the
// index, unless e.index is nil, after, and returns the stamped message. It fails the test on a
// rejection.
func (e *env) accept(t *testing.T, m canonical.Message, enrichers ...ingest.Enricher) canonical.Message {
	t.Helper()
	m, err := e.tryAccept(m, enrichers...)
	if err != nil {
		t.Fatalf("accepting %s %s: %v", m.Type, m.SenderMessageID, err)
	}
	return m
}

func (e *env) tryAccept(m canonical.Message, enrichers ...ingest.Enricher) (canonical.Message, error) {
	ctx := context.Background()
	m.ID = uuid.Must(uuid.NewV7()).String()
	m.ReceivedAt = e.clock.Now()
	if m.SchemaVersion == "" {
		m.SchemaVersion = canonical.SchemaVersion
	}
	if err := schemas.ValidateValue("canonical/message.json", &m); err != nil {
		return m, err
	}
	for _, en := range enrichers {
		if err := en.Enrich(ctx, &m); err != nil {
			return m, err
		}
	}
	raw, _ := json.Marshal(m)
	entry := journal.Entry{Message: m, Raw: raw, ContentType: "application/json"}
	if err := e.addDelivery(ctx, &entry); err != nil {
		return m, err
	}
	var claims []journal.Claim
	for _, c := range e.claimers {
		newClaims, releases := c.Claims(&m)
		claims = append(claims, newClaims...)
		entry.Releases = append(entry.Releases, releases...)
	}
	r, err := e.acceptGuarded(ctx, entry, claims)
	var claimed *journal.ClaimedError
	if errors.As(err, &claimed) && len(e.claimers) > 0 {
		return m, e.claimers[0].Reject(ctx, &m, claimed)
	}
	if err != nil {
		return m, err
	}
	if r.Duplicate {
		m.ID = r.MessageID
		return m, nil
	}
	if e.index == nil {
		return m, nil
	}
	return m, e.index.Add(ctx, &m)
}

// addDelivery adds a delivery of entry's message to e.destination, when
// set, as the routes would.
func (e *env) addDelivery(ctx context.Context, entry *journal.Entry) error {
	if e.destination == "" {
		return nil
	}
	d := journal.Delivery{ID: uuid.Must(uuid.NewV7()).String(), MessageID: entry.Message.ID,
		Destination: e.destination, CaseKey: entry.Message.CaseKey}
	out := delivery.Outgoing(d, 1)
	if err := e.initializeTopic(ctx, out.Topic); err != nil {
		return err
	}
	entry.Deliveries = append(entry.Deliveries, journal.NewDelivery{
		ID: d.ID, Destination: d.Destination, Route: "to-" + d.Destination})
	entry.Outbox = append(entry.Outbox, out)
	return nil
}

// acceptGuarded journals entry with the claimers' claims and those of
// e.guards, which it runs again while the journal finds one of theirs
// held, at most ingest.MaxGuardRuns times, as ingest does.
func (e *env) acceptGuarded(ctx context.Context, entry journal.Entry, claims []journal.Claim) (
	journal.Receipt, error) {
	for run := 1; ; run++ {
		var guarded []journal.Claim
		for _, g := range e.guards {
			c, err := g.Guard(ctx, &entry.Message)
			if err != nil {
				return journal.Receipt{}, err
			}
			guarded = append(guarded, c...)
		}
		entry.Claims = append(slices.Clip(claims), guarded...)
		r, err := e.store.Accept(ctx, entry)
		var claimed *journal.ClaimedError
		if !errors.As(err, &claimed) || !slices.Contains(guarded, claimed.Claim) ||
			run == ingest.MaxGuardRuns {
			return r, err
		}
	}
}

// hookStore is a journal that calls before once, just ahead of journaling
// the first entry that match selects, so that a test can journal
// another message between a check and the transaction that relies on it.
type hookStore struct {
	journal.Store
	match  func(journal.Entry) bool
	before func()
	fired  bool
	// matched counts the calls of Accept with an entry that match selects,
	// which is more than one when the journal rejected a guard's claim.
	matched int
}

func (s *hookStore) Accept(ctx context.Context, e journal.Entry) (journal.Receipt, error) {
	if s.match(e) {
		s.matched++
		if !s.fired {
			s.fired = true
			s.before()
		}
	}
	return s.Store.Accept(ctx, e)
}

// submitter is the Submitter the tests give a Tracker: it journals the
// way accept does and counts what it submitted.
type submitter struct {
	e         *env
	enrichers []ingest.Enricher
	mu        sync.Mutex
	submitted []canonical.Message
}

func (s *submitter) Submit(ctx context.Context, m canonical.Message) (ingest.Result, error) {
	ctx = context.WithoutCancel(ctx)
	sum, err := s.e.store.Find(ctx, journal.Query{Source: m.Source, SenderMessageID: m.SenderMessageID})
	if err != nil {
		return ingest.Result{}, err
	}
	if len(sum) > 0 {
		return ingest.Result{MessageID: sum[0].MessageID, Duplicate: true}, nil
	}
	m, err = s.e.tryAccept(m, s.enrichers...)
	if err != nil {
		return ingest.Result{}, err
	}
	s.mu.Lock()
	s.submitted = append(s.submitted, m)
	s.mu.Unlock()
	return ingest.Result{MessageID: m.ID, SenderMessageID: m.SenderMessageID}, nil
}

func (s *submitter) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.submitted)
}
