package metrics

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// countingJournal is a journal store that counts its backlog reads.
type countingJournal struct {
	Journal
	reads atomic.Int32
}

func (j *countingJournal) Backlog(ctx context.Context) ([]journal.Backlog, error) {
	j.reads.Add(1)
	return j.Journal.Backlog(ctx)
}

// openJournal opens a SQLite journal in a temporary folder and returns
// it with its database.
func openJournal(t *testing.T) (*countingJournal, *sql.DB) {
	t.Helper()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	store, err := journalsqlite.New(context.Background(), db,
		journalsqlite.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	return &countingJournal{Journal: store}, db
}

// fakeClock is a clock that moves only when the test moves it.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

// newTestMetrics returns metrics over j for the destination station,
// served on loopback, with the backlog's clock.
func newTestMetrics(t *testing.T, j Journal) (*Metrics, string, *fakeClock) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	clock := &fakeClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	m, err := New(Config{
		Journal: j, Breakers: delivery.NewBreakers(delivery.BreakerConfig{}, log),
		Destinations: func() []string { return []string{"station"} }, Log: log,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m.backlog.now = clock.Now
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return m, srv.URL, clock
}

func wantValue(t *testing.T, s metricstest.Scrape, want float64, name string, labels ...string) {
	t.Helper()
	got, ok := s.Value(name, labels...)
	if !ok {
		t.Errorf("%s%v is missing", name, labels)
		return
	}
	if got != want {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

func TestBacklogReadOncePerCacheFor(t *testing.T) {
	j, _ := openJournal(t)
	_, url, clock := newTestMetrics(t, j)

	first := metricstest.Get(t, url, "")
	metricstest.Get(t, url, "")
	if n := j.reads.Load(); n != 1 {
		t.Errorf("two scrapes within the cache's lifetime read the backlog %d times, want 1", n)
	}
	// A configured destination with nothing waiting has zeros, and no
	// oldest pending time.
	wantValue(t, first, 0, "sangam_pending_deliveries", "destination", "station")
	wantValue(t, first, 0, "sangam_retrying_deliveries", "destination", "station")
	wantValue(t, first, 0, "sangam_dead_letters", "destination", "station")
	wantValue(t, first, 1, "sangam_journal_up")
	if _, ok := first.Value("sangam_oldest_pending_delivery_timestamp_seconds"); ok {
		t.Errorf("sangam_oldest_pending_delivery_timestamp_seconds is present with nothing pending")
	}

	clock.now = clock.now.Add(DefaultCacheFor)
	metricstest.Get(t, url, "")
	if n := j.reads.Load(); n != 2 {
		t.Errorf("a scrape after the cache expired: %d backlog reads in all, want 2", n)
	}
}

func TestBacklogLeftOutWhileJournalDown(t *testing.T) {
	j, db := openJournal(t)
	_, url, clock := newTestMetrics(t, j)
	if err := db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}

	s := metricstest.Get(t, url, "")
	wantValue(t, s, 0, "sangam_journal_up")
	for _, name := range []string{"sangam_pending_deliveries", "sangam_retrying_deliveries",
		"sangam_dead_letters"} {
		if _, ok := s.Value(name); ok {
			t.Errorf("%s is present while the journal is down, want it left out", name)
		}
	}
	// The breaker figures do not need the journal.
	wantValue(t, s, 0, "sangam_breaker_state", "destination", "station")

	metricstest.Get(t, url, "")
	if n := j.reads.Load(); n != 0 {
		t.Errorf("the backlog was read %d times after Ping failed, want 0", n)
	}
	clock.now = clock.now.Add(time.Second)
	wantValue(t, metricstest.Get(t, url, ""), 0, "sangam_journal_up")
}

func TestObserveAttemptByResult(t *testing.T) {
	j, _ := openJournal(t)
	m, url, _ := newTestMetrics(t, j)
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	d := journal.Delivery{Destination: "station"}
	for _, result := range []string{journal.StatusPending, journal.StatusPending,
		journal.StatusDelivered, journal.StatusDead} {
		m.ObserveAttempt(d, journal.Attempt{StartedAt: start, FinishedAt: start.Add(time.Second),
			Result: result})
	}
	m.CountInbound("police", InboundAccepted)
	m.CountDenied(DeniedOtherAgency, "cctns")
	m.CountDenied(DeniedOtherAgency, "cctns")
	m.CountDenied(DeniedUnauthenticated, "")
	var none *Metrics
	none.ObserveAttempt(d, journal.Attempt{Result: journal.StatusDead})
	none.CountInbound("police", InboundAccepted)
	none.CountDenied(DeniedUnauthenticated, "")

	s := metricstest.Get(t, url, "")
	wantValue(t, s, 2, "sangam_delivery_attempts_total", "destination", "station", "result", "retry")
	wantValue(t, s, 1, "sangam_delivery_attempts_total", "destination", "station", "result", "delivered")
	wantValue(t, s, 1, "sangam_delivery_attempts_total", "destination", "station", "result", "dead")
	wantValue(t, s, 4, "sangam_delivery_attempt_duration_seconds", "destination", "station")
	wantValue(t, s, 1, "sangam_inbound_messages_total", "agency", "police", "outcome", "accepted")
	wantValue(t, s, 2, "sangam_denied_requests_total", "kind", "other_agency", "principal", "cctns")
	wantValue(t, s, 1, "sangam_denied_requests_total", "kind", "unauthenticated", "principal", "")
	sum := s["sangam_delivery_attempt_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleSum()
	if sum != 4 {
		t.Errorf("attempt durations add up to %v s, want 4", sum)
	}
}

func TestNewMissingConfig(t *testing.T) {
	j, _ := openJournal(t)
	breakers := delivery.NewBreakers(delivery.BreakerConfig{}, slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"without a journal", Config{Breakers: breakers}, "journal: missing"},
		{"without breakers", Config{Journal: j}, "breakers: missing"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New %s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestBreakerValueByState(t *testing.T) {
	for _, tc := range []struct {
		state string
		want  float64
	}{
		{"closed", 0},
		{"half-open", 1},
		{"open", 2},
	} {
		if got := breakerValue(tc.state); got != tc.want {
			t.Errorf("breakerValue(%q) = %v, want %v", tc.state, got, tc.want)
		}
	}
}

func TestOutboxFigures(t *testing.T) {
	j, _ := openJournal(t)
	log := slog.New(slog.DiscardHandler)
	oldest := time.Date(2026, 12, 4, 9, 59, 30, 250_000_000, time.UTC)
	var waiting atomic.Pointer[bus.Waiting]
	waiting.Store(&bus.Waiting{Messages: 7, Oldest: oldest})
	readErr := errors.New("outbox table gone")
	var failing atomic.Bool
	m, err := New(Config{
		Journal: j, Breakers: delivery.NewBreakers(delivery.BreakerConfig{}, log), Log: log,
		Outbox: func(context.Context) (bus.Waiting, error) {
			if failing.Load() {
				return bus.Waiting{}, readErr
			}
			return *waiting.Load(), nil
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	clock := &fakeClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	m.backlog.now = clock.Now
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)

	s := metricstest.Get(t, srv.URL, "")
	wantValue(t, s, 7, "sangam_outbox_commands")
	wantValue(t, s, float64(oldest.UnixMicro())/1e6, "sangam_outbox_oldest_command_timestamp_seconds")

	// An empty outbox has a count of zero and no oldest command.
	waiting.Store(&bus.Waiting{})
	clock.now = clock.now.Add(DefaultCacheFor)
	s = metricstest.Get(t, srv.URL, "")
	wantValue(t, s, 0, "sangam_outbox_commands")
	if _, ok := s.Value("sangam_outbox_oldest_command_timestamp_seconds"); ok {
		t.Error("sangam_outbox_oldest_command_timestamp_seconds is present with an empty outbox")
	}

	// A failed read leaves the figures out rather than reporting zero.
	failing.Store(true)
	clock.now = clock.now.Add(DefaultCacheFor)
	s = metricstest.Get(t, srv.URL, "")
	if _, ok := s.Value("sangam_outbox_commands"); ok {
		t.Error("sangam_outbox_commands is present after a failed read")
	}
	wantValue(t, s, 1, "sangam_journal_up")
}

func TestNoOutboxFiguresWithoutOutbox(t *testing.T) {
	j, _ := openJournal(t)
	_, url, _ := newTestMetrics(t, j)
	if _, ok := metricstest.Get(t, url, "").Value("sangam_outbox_commands"); ok {
		t.Error("sangam_outbox_commands is present on a hub without an outbox")
	}
}

// TestScraperGoneLoggedOnce reports a scrape whose scraper went away, as
// promhttp does once per metric family, and another failure: the first
// is one line, the other has its own.
func TestScraperGoneLoggedOnce(t *testing.T) {
	var out bytes.Buffer
	var loggedAt atomic.Int64
	l := errorLog{log: slog.New(slog.NewTextHandler(&out, nil)), goneLoggedAt: &loggedAt}
	for range 14 {
		l.Println("error encoding and sending metric family: write tcp 127.0.0.1:8400->127.0.0.1:5: " +
			"write: broken pipe")
	}
	l.Println("error gathering metrics: collector failed")
	if n := strings.Count(out.String(), "scraper went away"); n != 1 {
		t.Errorf("%d lines about the scraper that went away, want 1:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "collector failed") {
		t.Errorf("the other failure is not logged:\n%s", out.String())
	}
}
