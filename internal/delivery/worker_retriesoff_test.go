package delivery_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
)

// retriesOff is the destination setting that switches its automatic
// retries off.
const retriesOff = "    retries: false\n"

// TestRetriesOffOpenBreaker opens the breaker of a
// failing destination, switches its retries off, and hands the worker a
// delivery that has had no attempt. The delivery is dead-lettered at
// once with a reason that names the open breaker, and nothing is sent.
func TestRetriesOffOpenBreaker(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"})
	to := target{agency: "police", url: dest.url}
	f := newFixture(t, to)
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 1, OpenFor: time.Hour},
		slog.New(slog.DiscardHandler))
	// Two cases, so that the second does not wait behind the first.
	first, second := f.acceptFIRNumbered(t, 9001), f.acceptFIRNumbered(t, 9002)
	f.mustHandle(t, first)
	if got := f.reload(t, first); got.Status != journal.StatusPending {
		t.Fatalf("first delivery %s (%s), want pending with retries on", got.Status, got.Reason)
	}

	to.settings = retriesOff
	f.setRoutes(t, to)
	f.mustHandle(t, second)

	got := f.reload(t, second)
	if got.Status != journal.StatusDead {
		t.Fatalf("status %s, want dead without waiting for the breaker", got.Status)
	}
	want := `not sent: circuit breaker open for destination "station" and automatic retries ` +
		`are off for destination "station"; last failure: HTTP 503: down`
	if got.Reason != want {
		t.Errorf("reason %q, want %q", got.Reason, want)
	}
	if len(got.Attempts) != 1 {
		t.Fatalf("%d attempts, want 1 that sent nothing", len(got.Attempts))
	}
	if !got.Attempts[0].NotSent {
		t.Errorf("attempt %+v has not_sent false, want true", got.Attempts[0])
	}
	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests, want only the first delivery's", n)
	}
}

// TestRetriesOffHalfOpenBreaker has a destination with
// retries off fail once, which opens its breaker, and lets the breaker
// turn half-open. While the probe, a second delivery, waits for the
// destination's response, the breaker refuses a third delivery, which is
// dead-lettered at once without waiting for the probe's outcome.
func TestRetriesOffHalfOpenBreaker(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) > 1 {
			arrived <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "down")
	}))
	defer srv.Close()
	f := newFixture(t, target{agency: "police", url: srv.URL, settings: retriesOff})
	const openFor = 10 * time.Millisecond
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.DiscardHandler))
	first, probe, third := f.acceptFIRNumbered(t, 9001), f.acceptFIRNumbered(t, 9002),
		f.acceptFIRNumbered(t, 9003)
	f.mustHandle(t, first)
	// Past the breaker's open time, so it lets one attempt through.
	time.Sleep(2 * openFor)

	probed := make(chan error, 1)
	go func() { probed <- f.handle(context.Background(), probe) }()
	<-arrived
	err := f.handle(context.Background(), third)
	close(release)
	if err != nil {
		t.Fatalf("Handle of the third delivery: %v", err)
	}
	if err := <-probed; err != nil {
		t.Fatalf("Handle of the probe: %v", err)
	}

	got := f.reload(t, third)
	if got.Status != journal.StatusDead {
		t.Fatalf("status %s, want dead without waiting for the probe", got.Status)
	}
	want := `not sent: circuit breaker half-open for destination "station" with its probe in ` +
		`flight, and automatic retries are off for destination "station"; last failure: HTTP 503: down`
	if got.Reason != want {
		t.Errorf("reason %q, want %q", got.Reason, want)
	}
	if len(got.Attempts) != 1 || !got.Attempts[0].NotSent {
		t.Errorf("attempts %+v, want 1 that sent nothing", got.Attempts)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("destination received %d requests, want 2: the first delivery and the probe", n)
	}
}

// TestRetriesOffClosedBreaker switches retries off for a
// destination whose breaker is closed. Its delivery gets its one
// attempt, and the failure dead-letters it.
func TestRetriesOffClosedBreaker(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"})
	f := newFixture(t, target{agency: "police", url: dest.url, settings: retriesOff})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusDead {
		t.Fatalf("status %s, want dead after its one attempt", got.Status)
	}
	want := `automatic retries are off for destination "station", so not retried: HTTP 503: down`
	if got.Reason != want {
		t.Errorf("reason %q, want %q", got.Reason, want)
	}
	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests, want 1", n)
	}
}

// TestUnrecordedAttemptLogged has the journal fail to record a delivered
// attempt. The worker logs it once, with the delivery, the attempt, the
// destination and the error, and not again at the redelivery that fails
// to record the attempt it kept.
func TestUnrecordedAttemptLogged(t *testing.T) {
	dest := newDestination(t, reply{http.StatusOK, "ok"})
	f := newFixture(t, target{agency: "police", url: dest.url})
	logs := captureLog(f)
	store := &failingRecords{Store: f.store}
	store.failing.Store(true)
	f.worker.Store = store
	d := f.acceptFIR(t)

	for range 2 {
		if err := f.handle(context.Background(), d); err == nil {
			t.Fatal("Handle with the journal failing returned nil, want the error for a redelivery")
		}
	}

	var lines []string
	for line := range strings.Lines(logs.String()) {
		if strings.Contains(line, "recording a delivery attempt failed") {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%d lines about the attempt not recorded, want 1:\n%s", len(lines), logs.String())
	}
	for _, attr := range []string{"level=ERROR", "delivery_id=" + d.ID, "attempt=1",
		"destination=station", "result=delivered", "status_code=200",
		"kept_for_redelivery=true", `error="database or disk is full"`} {
		if !strings.Contains(lines[0], attr) {
			t.Errorf("line %q lacks %s", lines[0], attr)
		}
	}
}
