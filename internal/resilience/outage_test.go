package resilience

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/hub"
)

// outageLength is how long the station stays down, and outageLoad how
// long chargesheets are posted after it goes down.
const (
	outageLength = 6 * time.Second
	outageLoad   = 3 * time.Second
)

// TestStationOutageSQLite closes the police station's listener, so the
// hub's notifications meet connection refused.
func TestStationOutageSQLite(t *testing.T) {
	testStationOutage(t, "", false)
}

// TestStationHangsPostgres keeps the station's connections open without
// a response, so each notification attempt runs into its timeout.
func TestStationHangsPostgres(t *testing.T) {
	testStationOutage(t, postgresSchema(t, nil), true)
}

// testStationOutage takes the police station down while chargesheets
// flow to the court. The court's deliveries must go on as before: every
// filing of a chargesheet posted during the outage reaches the court
// while the station is still down, each within half a notification
// attempt's timeout. After the station is back every CNR notification
// must arrive once.
func testStationOutage(t *testing.T, dsn string, hang bool) {
	if testing.Short() {
		t.Skip("takes a destination down for seconds; skipped in -short mode")
	}
	addr := freeAddr(t)
	hubURL := "http://" + addr
	gate := &stationGate{}
	ag := startAgencies(t, hubURL, agencyOptions{wrapStation: gate.wrap})
	const timeout = 4 * time.Second
	// Twenty attempts outlast the outage: the breaker lets one attempt a
	// second through while it is open, and retries wait at most a second.
	_, _ = startHub(t, hub.Config{
		Listen: addr, PostgresDSN: dsn, Routes: ag.routes(routeLimits{timeout: timeout, maxAttempts: 20}),
		RetryInterval: 200 * time.Millisecond, MaxRetryInterval: time.Second,
		Breaker: delivery.BreakerConfig{OpenFor: time.Second},
	})
	giveUp, stopRetries := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stopRetries()

	before := newGenerator(newChargesheets(t, "before"), hubURL)
	postFor(giveUp, before, 2*time.Second)
	waitFilings(t, ag, before, 20*time.Second)

	down := time.Now()
	if hang {
		gate.close()
	} else {
		ag.stationServer.stop()
	}
	during := newGenerator(newChargesheets(t, "during"), hubURL)
	postFor(giveUp, during, outageLoad)
	arrived := waitFilings(t, ag, during, time.Until(down.Add(outageLength)))
	time.Sleep(time.Until(down.Add(outageLength)))
	if hang {
		gate.open()
	} else {
		ag.stationServer.restart(t)
	}
	restored := time.Now()

	if !arrived {
		t.Errorf("court filings of chargesheets posted during the outage did not all arrive " +
			"while the station was down")
	}
	beforeDelays := courtDelays(t, ag, before)
	duringDelays := courtDelays(t, ag, during)
	for sender, d := range duringDelays {
		if d >= timeout/2 {
			t.Errorf("chargesheet %s reached the court %s after it was posted, during the "+
				"outage; the station's failures held it", sender, d.Round(time.Millisecond))
		}
	}
	t.Logf("court delay per chargesheet, median / max: before the outage %s / %s, "+
		"during it %s / %s", median(beforeDelays), maxOf(beforeDelays),
		median(duringDelays), maxOf(duringDelays))

	checkLoad(t, before)
	_, ids := checkLoad(t, during)
	_, beforeIDs := before.results()
	for k, v := range beforeIDs {
		ids[k] = v
	}
	report := verifyExactlyOnce(t, hubURL, ag, ids, 60*time.Second)
	if report.FailedNotificationAttempts == 0 {
		t.Error("no notification attempt failed, so the hub never met the outage")
	}
	t.Logf("delivery: %s; station down %s, notifications settled %s after it was back",
		report, restored.Sub(down).Round(time.Millisecond),
		time.Since(restored).Round(time.Millisecond))
}

// postFor posts 10 chargesheets a second for d and waits for their
// acknowledgements.
func postFor(giveUp context.Context, g *generator, d time.Duration) {
	load, stop := context.WithTimeout(giveUp, d)
	defer stop()
	g.steady(load, giveUp, 10)
	g.wait()
}

// waitFilings waits up to limit for the court to hold a filing of every
// chargesheet g had acknowledged, and reports whether it did.
func waitFilings(t *testing.T, ag *agencies, g *generator, limit time.Duration) bool {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if len(courtDelays(t, ag, g)) == g.started() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// courtDelays returns, by sender message id, how long after its post
// each of g's chargesheets reached the court, for those that did. The
// court's filing carries the hub's message id.
func courtDelays(t *testing.T, ag *agencies, g *generator) map[string]time.Duration {
	t.Helper()
	_, ids := g.results()
	items := ag.court.Received()
	out := map[string]time.Duration{}
	for sender, id := range ids {
		for _, item := range items {
			if bytes.Contains(item.Body, []byte(id)) {
				out[sender] = item.ReceivedAt.Sub(g.postedAtOf(sender))
				break
			}
		}
	}
	return out
}

// stationGate passes requests to the station while open. While closed it
// holds each request without a response until the gate opens again or
// the client gives up.
type stationGate struct {
	mu     sync.Mutex    // guards opened
	opened chan struct{} // nil while open, closed when the gate opens
}

func (g *stationGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		wait := g.opened
		g.mu.Unlock()
		if wait != nil {
			select {
			case <-wait:
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (g *stationGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.opened = make(chan struct{})
}

func (g *stationGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.opened)
	g.opened = nil
}

func median(ds map[string]time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := make([]time.Duration, 0, len(ds))
	for _, d := range ds {
		sorted = append(sorted, d)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return sorted[len(sorted)/2].Round(time.Millisecond)
}

func maxOf(ds map[string]time.Duration) time.Duration {
	var out time.Duration
	for _, d := range ds {
		out = max(out, d)
	}
	return out.Round(time.Millisecond)
}
