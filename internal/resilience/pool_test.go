package resilience

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/hub"
)

// TestSmallPoolNoHangNoLeak runs the hub on a journal pool of four
// connections (pool_max_conns=4 in the DSN) and posts 50 chargesheets
// at once. Eight handlers per destination, held by a court that responds
// after 100ms, need the journal's connections while the posts do. Every
// chargesheet must be acknowledged and delivered within bounded waits,
// the hub's connections must stay within its pools' sizes, and none may
// remain after the hub stops.
func TestSmallPoolNoHangNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("loads PostgreSQL through a small pool; skipped in -short mode")
	}
	const journalConns, burst = 4, 50
	dsn, app := namedPoolSchema(t, "resilience_pool", journalConns, nil)
	addr := freeAddr(t)
	hubURL := "http://" + addr
	slow := func(next http.Handler) http.Handler {
		return &slowCourt{next: next, delay: 100 * time.Millisecond}
	}
	ag := startAgencies(t, hubURL, agencyOptions{wrapCourt: slow})
	h, stop := startHub(t, hub.Config{Listen: addr, PostgresDSN: dsn,
		Routes: ag.routes(routeLimits{timeout: 2 * time.Second, concurrency: 8})})
	// The bus subscribers have a pool of their own: one connection per
	// handler and two more.
	subscribers := subscriberCount(h)
	limit := journalConns + subscribers + 2

	admin := adminConn(t)
	watcher := watchConnections(t, app)
	g := newGenerator(newChargesheets(t, "pool"), hubURL)
	giveUp, stopRetries := context.WithTimeout(context.Background(), time.Minute)
	defer stopRetries()
	began := time.Now()
	g.burst(giveUp, burst)
	g.wait()
	acknowledged := time.Since(began)
	_, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, hubURL, ag, ids, time.Minute)
	settled := time.Since(began)
	peak := watcher.stop()

	if peak > limit {
		t.Errorf("the hub held %d connections at once, more than its pools' %d", peak, limit)
	}
	idle := countConnections(t, admin, app)
	if idle > limit {
		t.Errorf("%d connections after the load, more than the pools' %d", idle, limit)
	}
	if err := stop(); err != nil {
		t.Errorf("hub Run: %v", err)
	}
	left := waitConnections(t, admin, app, 0, 10*time.Second)
	if left != 0 {
		t.Errorf("%d connections remain after the hub stopped", left)
	}
	t.Logf("%d chargesheets at once: acknowledged in %s, settled in %s; connections: "+
		"peak %d, %d after the load, pools' limit %d (journal %d, bus %d)",
		burst, acknowledged.Round(time.Millisecond), settled.Round(time.Millisecond),
		peak, idle, limit, journalConns, subscribers+2)
	t.Logf("delivery: %s", report)
}

// TestIdleHubClosesBusConnections starts a hub with 48 bus subscriptions
// that poll once a second and posts nothing. Their first queries all run
// at start, so the bus pool opens about one connection each. Once those
// connections sit unused, the pool closes them: the idle hub ends with
// no more than the journal's pool and a few bus connections. The URL
// shortens the pool's idle time and check period from the hub's 30 s
// and 10 s, which TestBusPoolConfigIdleTimes in internal/hub checks.
func TestIdleHubClosesBusConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the bus pool to close idle connections; skipped in -short mode")
	}
	const journalConns, idleBusConns = 4, 4
	dsn, app := namedPoolSchema(t, "resilience_idle", journalConns, url.Values{
		"pool_max_conn_idle_time":  {"3s"},
		"pool_health_check_period": {"1s"},
	})
	addr := freeAddr(t)
	ag := startAgencies(t, "http://"+addr, agencyOptions{})
	h, stop := startHub(t, hub.Config{Listen: addr, PostgresDSN: dsn, PollInterval: time.Second,
		Routes: ag.routes(routeLimits{timeout: 2 * time.Second, concurrency: 24})})
	subscribers := subscriberCount(h)
	if subscribers != 48 {
		t.Fatalf("the routes have %d subscribers, want 48", subscribers)
	}

	admin := adminConn(t)
	limit := journalConns + idleBusConns
	// The check below means something only after the first queries.
	deadline := time.Now().Add(time.Minute)
	for countConnections(t, admin, app) <= limit {
		if time.Now().After(deadline) {
			t.Fatalf("the hub never held more than %d connections, so its subscriptions' "+
				"first queries were not seen", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Subscriptions that query at the same moments each need a
	// connection then, and would keep every connection in use.
	idle := waitConnections(t, admin, app, limit, 2*time.Minute)
	if idle > limit {
		t.Errorf("the idle hub holds %d connections after two minutes, want at most %d "+
			"(journal %d, bus %d)", idle, limit, journalConns, idleBusConns)
	}
	if err := stop(); err != nil {
		t.Errorf("hub Run: %v", err)
	}
}

// namedPoolSchema returns the DSN of a fresh schema whose connections
// carry an application name of their own, which it returns too, with a
// journal pool of journalConns connections and the pool parameters in
// extra, which may be nil.
func namedPoolSchema(t *testing.T, prefix string, journalConns int, extra url.Values) (dsn, app string) {
	t.Helper()
	app = fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	params := url.Values{
		"pool_max_conns":   {fmt.Sprint(journalConns)},
		"application_name": {app},
	}
	for name, values := range extra {
		params[name] = values
	}
	return postgresSchema(t, params), app
}

// subscriberCount returns the number of bus subscribers of h's routes:
// one per unit of each destination's concurrency.
func subscriberCount(h *hub.Hub) int {
	n := 0
	for _, d := range h.Routes().Config().Destinations {
		n += d.Concurrency
	}
	return n
}

// connectionWatcher samples the connections of one application name
// until stopped and keeps the largest count.
type connectionWatcher struct {
	peak atomic.Int64
	done chan struct{}
	quit chan struct{}
}

func watchConnections(t *testing.T, app string) *connectionWatcher {
	t.Helper()
	w := &connectionWatcher{done: make(chan struct{}), quit: make(chan struct{})}
	conn := adminConn(t)
	go func() {
		defer close(w.done)
		for {
			var n int64
			err := conn.QueryRow(context.Background(),
				"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n)
			if err == nil && n > w.peak.Load() {
				w.peak.Store(n)
			}
			select {
			case <-w.quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the largest count seen.
func (w *connectionWatcher) stop() int {
	close(w.quit)
	<-w.done
	return int(w.peak.Load())
}

// countConnections returns how many server sessions carry the
// application name app.
func countConnections(t *testing.T, conn *pgx.Conn, app string) int {
	t.Helper()
	var n int
	err := conn.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n)
	if err != nil {
		t.Fatalf("counting connections: %v", err)
	}
	return n
}

// waitConnections polls until at most want sessions carry app or limit
// passes, and returns the last count.
func waitConnections(
	t *testing.T,
	conn *pgx.Conn,
	app string,
	want int,
	limit time.Duration,
) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		n := countConnections(t, conn, app)
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// adminConn opens a connection to the test server that the test's
// cleanup closes.
func adminConn(t *testing.T) *pgx.Conn {
	t.Helper()
	base := os.Getenv("SANGAM_TEST_POSTGRES")
	if base == "" {
		base = defaultPostgres
	}
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Fatalf("connecting to count sessions: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
