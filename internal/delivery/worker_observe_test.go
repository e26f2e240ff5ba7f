package delivery_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHandleObservesRecordedAttempts(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"}, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	var seen []journal.Attempt
	f.worker.Observe = func(d journal.Delivery, a journal.Attempt) {
		if d.Destination != "station" {
			t.Errorf("observed delivery to %q, want station", d.Destination)
		}
		seen = append(seen, a)
	}
	d := f.acceptFIR(t)

	f.mustHandle(t, d)
	f.later()
	f.mustHandle(t, d)
	// The delivery is settled, so this command records nothing.
	f.mustHandle(t, d)

	var results []string
	for _, a := range seen {
		results = append(results, a.Result)
	}
	want := []string{journal.StatusPending, journal.StatusDelivered}
	if !slices.Equal(results, want) {
		t.Fatalf("observed results %v, want %v", results, want)
	}
	if seen[0].StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first attempt's status code = %d, want 503", seen[0].StatusCode)
	}
	if seen[1].Number != 2 {
		t.Errorf("second attempt's number = %d, want 2", seen[1].Number)
	}
	if seen[1].FinishedAt.Before(seen[1].StartedAt) {
		t.Errorf("second attempt finished at %v, before it started at %v",
			seen[1].FinishedAt, seen[1].StartedAt)
	}
}

// TestHandleLogsUnrecordedRepeat hands one command to two handlers at
// once, as two replicas get it after a bus connection broke. The
// destination responds only once both requests arrived, so both are sent:
// the journal keeps one attempt, and the other is logged. In the first
// case both get 200, so the second finds the delivery settled. In the
// second the first gets 503 and is recorded before the second gets 200,
// so the second finds its attempt number taken.
func TestHandleLogsUnrecordedRepeat(t *testing.T) {
	cases := []struct {
		name   string
		first  int
		status string
	}{
		{"settled", http.StatusOK, journal.StatusDelivered},
		{"number taken", http.StatusServiceUnavailable, journal.StatusPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testUnrecordedRepeat(t, c.first, c.status)
		})
	}
}

func testUnrecordedRepeat(t *testing.T, first int, wantStatus string) {
	arrived := make(chan struct{}, 2)
	both, second := make(chan struct{}), make(chan struct{})
	var answered atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-both
		if answered.Add(1) == 1 {
			w.WriteHeader(first)
			return
		}
		<-second
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, target{agency: "police", url: srv.URL + "/notifications", maxAttempts: 5})
	var logged bytes.Buffer
	var logMu sync.Mutex
	f.worker.Log = slog.New(slog.NewTextHandler(&lockedWriter{w: &logged, mu: &logMu}, nil))
	d := f.acceptFIR(t)

	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- f.handle(context.Background(), d) }()
	}
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(15 * time.Second):
			t.Fatal("the destination did not get both requests")
		}
	}
	close(both)
	// The second response waits until the first attempt is in the journal.
	if err := <-errs; err != nil {
		t.Errorf("Handle: %v", err)
	}
	close(second)
	if err := <-errs; err != nil {
		t.Errorf("Handle: %v", err)
	}

	if got := f.reload(t, d); got.Status != wantStatus || len(got.Attempts) != 1 {
		t.Errorf("delivery %s with %d attempts, want %s with 1", got.Status, len(got.Attempts), wantStatus)
	}
	logMu.Lock()
	defer logMu.Unlock()
	line := logged.String()
	if !strings.Contains(line, "attempt not recorded") || !strings.Contains(line, "delivery_id="+d.ID) ||
		!strings.Contains(line, "status_code=200") {
		t.Errorf("log = %q, want the unrecorded attempt with its delivery id and HTTP 200", line)
	}
}

// lockedWriter serialises writes from concurrent handlers.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
