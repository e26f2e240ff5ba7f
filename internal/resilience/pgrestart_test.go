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
	down := time.Now()
	pg.stop()
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
	t.Logf("PostgreSQL stopped in %s, down %s in all; first acknowledgement %s after it "+
		"was back", stopped.Sub(down).Round(time.Millisecond), up.Sub(down).Round(time.Millisecond),
		g.firstAckAfter(up).Round(time.Millisecond))
	t.Logf("delivery: %s", report)
}
