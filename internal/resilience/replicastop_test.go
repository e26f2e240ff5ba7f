package resilience

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

// TestReplicaStopKeepsAttempts runs two hubs in this process on one
// PostgreSQL schema and stops replica b, as SIGTERM does, while its
// filings wait for a court that responds after 5 s. Replica a runs
// meanwhile. Until b has recorded the attempts in flight, their commands
// must stay away from a: each chargesheet is filed once, with no repeated
// Idempotency-Key, and each delivery has one journaled attempt.
func TestReplicaStopKeepsAttempts(t *testing.T) {
	const burst = 8
	dsn := postgresSchema(t, nil)
	addrA, addrB := freeAddr(t), freeAddr(t)
	slow := &slowCourt{delay: 5 * time.Second}
	wrap := func(next http.Handler) http.Handler {
		slow.next = next
		return slow
	}
	// The court calls back replica a, which outlives b.
	ag := startAgencies(t, "http://"+addrA, agencyOptions{wrapCourt: wrap})
	doc := ag.routes(routeLimits{timeout: 20 * time.Second})

	// Replica b alone takes the commands, so the attempts in flight at
	// its stop are its own.
	logB := &lockedLog{}
	_, stopB := startHub(t, hub.Config{Listen: addrB, PostgresDSN: dsn, Routes: doc,
		Log: slog.New(slog.NewTextHandler(logB, nil))})
	g := newGenerator(newChargesheets(t, "replica-stop"), "http://"+addrB)
	giveUp, stopRetries := context.WithTimeout(context.Background(), time.Minute)
	defer stopRetries()
	g.burst(giveUp, burst)
	g.wait()
	waitUntil(t, "a filing to reach the court", func() bool { return slow.inFlight.Load() > 0 })

	startHub(t, hub.Config{Listen: addrA, PostgresDSN: dsn, Routes: doc})
	waitUntil(t, "replica a to serve", func() bool {
		res, err := http.Get("http://" + addrA + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	inFlight := slow.inFlight.Load()
	if err := stopB(); err != nil {
		t.Fatalf("replica b Run: %v", err)
	}
	_, stopping, _ := strings.Cut(logB.String(), `msg="hub stopping"`)
	if !strings.Contains(stopping, "msg=delivered") {
		t.Fatalf("replica b delivered nothing after it began to stop, so no attempt was in "+
			"flight at the stop (%d filings at the court then); b's log:\n%s", inFlight, logB.String())
	}

	_, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, "http://"+addrA, ag, ids, time.Minute)
	if report.FilingRepeats != 0 {
		t.Errorf("the court received %d repeated filings (a repeated Idempotency-Key) after "+
			"a graceful stop of replica b", report.FilingRepeats)
	}
	if report.Attempts != report.Messages {
		t.Errorf("%d attempts journaled for %d chargesheets, want one each",
			report.Attempts, report.Messages)
	}
	t.Logf("stop of replica b with %d filings in flight; delivery: %s", inFlight, report)
}

// lockedLog is a log destination safe for concurrent use.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitUntil polls cond every 10 ms and fails the test when it is still
// false after 30 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
