package hub

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/inbox"
	mpassport "github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/schemas"
)

// vworld is a hub with passport verification, on a test clock, and the
// mock agencies around it: the passport office, stations EKM0412 and
// EKM0420, the Kochi City and Ernakulam Rural district police offices
// (mock stations that take escalations), the court, and immigration.
type vworld struct {
	hub      *Hub
	url      string
	v        *hubVerification
	clock    *testClock
	passport *mpassport.Office
	ekm0412  *police.Station
	ekm0420  *police.Station
	district *police.Station
	rural    *police.Station
	court    *court.Server
	// courtMovements and immigration record the prisoner movements the
	// court and immigration receive.
	courtMovements *inbox.Inbox
	immigration    *inbox.Inbox
	// compiledStatusSchema is the served OpenAPI document's schema of a
	// verification status, which statusSchema compiles once.
	compiledStatusSchema *jsonschema.Schema
}

// testClock is a clock that moves only when Advance moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newVerificationWorld(t *testing.T, cfg Config) *vworld {
	t.Helper()
	var hubURL atomic.Value
	hubURL.Store("")
	w := &vworld{clock: &testClock{now: time.Now()}}
	lazy := httptest.NewServer(&lazyHub{url: func() string { return hubURL.Load().(string) }})
	t.Cleanup(lazy.Close)
	urls := w.startAgencies(t, lazy.URL)

	cfg.Routes = verificationRoutes(t, cfg.Routes, urls)
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	w.hub = w.startHub(t, cfg)
	w.url = "http://" + w.hub.Addr()
	hubURL.Store(w.url)
	for _, s := range []*police.Station{w.ekm0412, w.ekm0420} {
		s.Answer(police.Answering{HubURL: w.url, Outcome: police.AnswerSilent})
	}
	return w
}

// startAgencies starts the mocks and returns their base URLs by the port
// verification-routes.yaml gives each.
func (w *vworld) startAgencies(t *testing.T, hubURL string) map[string]string {
	t.Helper()
	c, err := court.New(court.Config{HubURL: hubURL, RetryBase: 50 * time.Millisecond, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	w.court = c
	w.courtMovements = inbox.New("court-movements", quietLog())
	w.immigration = inbox.New("immigration", quietLog())
	courtMux := http.NewServeMux()
	courtMux.Handle("POST /movements", movementSink(w.courtMovements))
	courtMux.Handle("/", c)

	w.passport = mpassport.New(quietLog())
	w.ekm0412, w.ekm0420 = police.New(quietLog()), police.New(quietLog())
	w.district, w.rural = police.New(quietLog()), police.New(quietLog())
	servers := map[string]http.Handler{
		"8401": courtMux, "8402": w.ekm0412, "8403": w.passport, "8404": w.ekm0420,
		"8405": w.district, "8406": movementSink(w.immigration), "8408": w.rural,
	}
	urls := map[string]string{}
	for port, h := range servers {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		urls[port] = srv.URL
	}
	t.Cleanup(func() { c.Close(); w.ekm0412.Close(); w.ekm0420.Close() })
	return urls
}

// movementSink records valid prisoner movements in box, deduplicated by
// Idempotency-Key, and rejects anything else with 400.
func movementSink(box *inbox.Inbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := schemas.Validate("prisons/movement.json", body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, _, err := box.Receive(r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
}

// verificationRoutes returns doc, or testdata/verification-routes.yaml
// when doc is nil, with each loopback port replaced by the URL of the
// mock serving it.
func verificationRoutes(t *testing.T, doc []byte, urls map[string]string) []byte {
	t.Helper()
	if doc == nil {
		var err error
		if doc, err = os.ReadFile("testdata/verification-routes.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	s := string(doc)
	for port, url := range urls {
		s = strings.ReplaceAll(s, "http://127.0.0.1:"+port, url)
	}
	return []byte(s)
}

// startHub opens a hub, adds passport verification to it with the test
// clock, and runs both until the test ends. Only verification reads the
// test clock: deliveries fall due at the received time, which must stay
// real.
//
// NOTE: Open builds an ingest service and API server without
// verification, so this replaces them with ones that have it, built as
// Hub.build builds them. Once build installs verification itself, this
// reduces to startHub and a clock in Config.
func (w *vworld) startHub(t *testing.T, cfg Config) *Hub {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	cfg.AadhaarKey = testKey
	cfg.RetryInterval, cfg.MaxRetryInterval = 20*time.Millisecond, 100*time.Millisecond
	cfg.PollInterval, cfg.RequeueInterval = 20*time.Millisecond, 20*time.Millisecond
	if cfg.Log == nil {
		cfg.Log = quietLog()
	}
	ctx := context.Background()
	h, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := openVerification(ctx, h, VerificationConfig{Now: w.clock.Now, Interval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc := &ingest.Service{
		Adapters: h.adapters, Store: h.backend.store, Routes: h.table.Load,
		Log: h.cfg.Log, Zone: h.cfg.TimeZone,
	}
	if err := v.install(svc); err != nil {
		t.Fatal(err)
	}
	apiServer := &api.Server{
		Ingest: svc, Store: h.backend.store, Routes: h.table.Load, Breakers: h.breakers,
		Log: h.cfg.Log, Tokens: h.cfg.Tokens, Versions: h.backend.routes, Adapters: h.adapters,
		VerificationStatus: v.status, VerificationRequests: v.tracker,
	}
	h.server.Handler = apiServer.Handler()
	w.v = v

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.Run(runCtx) }()
	trackerDone := make(chan struct{})
	go func() { defer close(trackerDone); v.run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		<-trackerDone
		if err := <-done; err != nil {
			t.Errorf("hub Run: %v", err)
		}
		if err := v.close(); err != nil {
			t.Errorf("closing verification: %v", err)
		}
	})
	return h
}
