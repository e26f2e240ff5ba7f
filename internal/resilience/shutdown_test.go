package resilience

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

func TestGracefulShutdownSQLite(t *testing.T) {
	testGracefulShutdown(t, nil)
}

func TestGracefulShutdownPostgres(t *testing.T) {
	testGracefulShutdown(t, []string{"--postgres", postgresSchema(t, nil)})
}

// testGracefulShutdown sends SIGTERM to the hub while it waits for a
// court that responds to each filing after two seconds. The hub must exit
// cleanly within its shutdown timeout, record no failed attempt for the
// deliveries it cut off, and deliver everything once after a restart.
func testGracefulShutdown(t *testing.T, store []string) {
	p := newHubProcess(t, "hub")
	slow := &slowCourt{delay: 2 * time.Second}
	wrap := func(next http.Handler) http.Handler {
		slow.next = next
		return slow
	}
	ag := startAgencies(t, p.URL(), agencyOptions{wrapCourt: wrap})
	p.args = append(p.args, "--data", filepath.Join(t.TempDir(), "data"),
		"--routes", ag.writeRoutes(t, routeLimits{timeout: 5 * time.Second}))
	p.args = append(p.args, store...)
	p.start()

	g := newGenerator(newChargesheets(t, "shutdown"), p.URL())
	giveUp, stopRetries := context.WithTimeout(context.Background(), time.Minute)
	defer stopRetries()
	g.burst(giveUp, 3)
	g.wait()
	deadline := time.Now().Add(10 * time.Second)
	for slow.inFlight.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no filing reached the court within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	inFlight := slow.inFlight.Load()

	took, err := p.terminate(hub.DefaultShutdownTimeout + 5*time.Second)
	if err != nil {
		t.Errorf("hub did not exit cleanly after SIGTERM: %v", err)
	}
	if took > hub.DefaultShutdownTimeout {
		t.Errorf("hub took %s to exit after SIGTERM, longer than its shutdown timeout %s",
			took, hub.DefaultShutdownTimeout)
	}
	filedBefore := slow.filings.Load()
	p.start()

	_, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, p.URL(), ag, ids, time.Minute)
	if report.FailedAttempts != 0 {
		t.Errorf("%d failed filing attempts journaled; a shutdown must not count as a failure",
			report.FailedAttempts)
	}
	if report.FailedNotificationAttempts != 0 {
		t.Errorf("%d failed notification attempts journaled; a shutdown must not count as a "+
			"failure", report.FailedNotificationAttempts)
	}
	t.Logf("SIGTERM with %d filing(s) in flight, %d filed so far: exited in %s",
		inFlight, filedBefore, took.Round(time.Millisecond))
	t.Logf("delivery: %s", report)
}
