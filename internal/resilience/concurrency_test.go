package resilience

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

func TestDestinationConcurrencySQLite(t *testing.T) {
	testDestinationConcurrency(t, "")
}

func TestDestinationConcurrencyPostgres(t *testing.T) {
	testDestinationConcurrency(t, postgresSchema(t, nil))
}

// testDestinationConcurrency posts eight chargesheets at once to a hub
// whose court destination has concurrency 4, while the court responds
// to each filing after 300ms. More than one attempt must be in flight to
// the court at a time. Both buses hand out one message of a topic at a
// time, so the hub gives each destination one topic per unit of its
// concurrency; without that the peak is one.
func testDestinationConcurrency(t *testing.T, dsn string) {
	const concurrency, burst = 4, 8
	addr := freeAddr(t)
	hubURL := "http://" + addr
	slow := &slowCourt{delay: 300 * time.Millisecond}
	wrap := func(next http.Handler) http.Handler {
		slow.next = next
		return slow
	}
	ag := startAgencies(t, hubURL, agencyOptions{wrapCourt: wrap})
	_, _ = startHub(t, hub.Config{Listen: addr, PostgresDSN: dsn,
		Routes: ag.routes(routeLimits{timeout: 5 * time.Second, concurrency: concurrency})})

	g := newGenerator(newChargesheets(t, "concurrency"), hubURL)
	giveUp, stopRetries := context.WithTimeout(context.Background(), time.Minute)
	defer stopRetries()
	began := time.Now()
	g.burst(giveUp, burst)
	g.wait()
	peak := int32(0)
	deadline := time.Now().Add(30 * time.Second)
	for len(ag.court.Received()) < burst && time.Now().Before(deadline) {
		peak = max(peak, slow.inFlight.Load())
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(began)
	if n := len(ag.court.Received()); n < burst {
		t.Fatalf("court has %d of %d filings after 30s", n, burst)
	}
	if peak < 2 {
		t.Errorf("at most %d filing in flight to the court at a time, although its "+
			"concurrency is %d; %d filings took %s", peak, concurrency, burst,
			took.Round(time.Millisecond))
	}
	t.Logf("peak %d filings in flight; %d filings of 300ms each took %s", peak, burst,
		took.Round(time.Millisecond))
}
