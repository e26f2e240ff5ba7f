package resilience

import (
	"context"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

// TestPostgresRestartMidLoad stops the hub's PostgreSQL server in fast
// mode while chargesheets flow, keeps it down for two seconds and starts
// it again. The hub responds 503 while the database is down and the
// generator posts again; everything acknowledged must be delivered once.
func TestPostgresRestartMidLoad(t *testing.T) {
	restartMidLoad(t, "stopped", (*cluster).stop)
}

// TestPostgresCrashMidLoad stops the server in immediate mode instead,
// as a crash would. The hub records delivery attempts without waiting
// for the disk, and the bus acknowledges their commands in a later
// commit that waits. So a crash may lose both. The commands are then
// handed out again, and the deduplicating agencies see each message once.
func TestPostgresCrashMidLoad(t *testing.T) {
	restartMidLoad(t, "crashed", (*cluster).crash)
}

// restartMidLoad takes the server down with down while chargesheets
// flow, as the tests above describe; how names it in the log.
func restartMidLoad(t *testing.T, how string, down func(*cluster)) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster; skipped in -short mode")
	}
	pg := startCluster(t)
	addr := freeAddr(t)
	hubURL := "http://" + addr
	ag := startAgencies(t, hubURL, agencyOptions{})
	_, _ = startHub(t, hub.Config{Listen: addr, PostgresDSN: pg.DSN(),
		Routes: ag.routes(routeLimits{timeout: 2 * time.Second})})

	g := newGenerator(newChargesheets(t, "pgrestart"), hubURL)
	giveUp, stopRetries := context.WithTimeout(context.Background(), 3*time.Minute)
	defer stopRetries()
	load, stopLoad := context.WithCancel(giveUp)
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		g.steady(load, giveUp, *rateFlag)
	}()

	time.Sleep(3 * time.Second)
	wentDown := time.Now()
	down(pg)
	stopped := time.Now()
	time.Sleep(2 * time.Second)
	pg.start()
	up := time.Now()
	time.Sleep(4 * time.Second)
	stopLoad()
	<-loadDone
	g.wait()

	_, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, hubURL, ag, ids, 90*time.Second)
	t.Logf("PostgreSQL %s in %s, down %s in all; first acknowledgement %s after it "+
		"was back", how, stopped.Sub(wentDown).Round(time.Millisecond), up.Sub(wentDown).Round(time.Millisecond),
		g.firstAckAfter(up).Round(time.Millisecond))
	t.Logf("delivery: %s", report)
}
