package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/police"
)

// testKey is the Aadhaar masking key of test hubs.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// agencies are the mock agencies of one test, on loopback.
type agencies struct {
	court      *court.Server
	station    *police.Station
	courtURL   string
	stationURL string
}

// routesFor returns the default routes with the mocks' URLs.
func (a *agencies) routesFor(maxAttempts int) []byte {
	return []byte(fmt.Sprintf(`
version: test
destinations:
  - name: ecourts-kerala
    agency: courts
    url: %s/ecf
    timeout: 2s
    max_attempts: %d
  - name: cctns-kerala
    agency: police
    url: %s/notifications
    timeout: 2s
    max_attempts: %d
routes:
  - name: final-report-to-court
    when: message.type == "chargesheet" && message.source == "police"
    to: [ecourts-kerala]
  - name: court-registration-to-police
    when: message.type == "court_registration" && message.source == "courts"
    to: [cctns-kerala]
`, a.courtURL, maxAttempts, a.stationURL, maxAttempts))
}

// startAgencies starts the mock court and police station. The court
// calls back the hub at whatever address hubURL returns by then.
func startAgencies(t *testing.T, hubURL func() string) *agencies {
	t.Helper()
	proxy := &lazyHub{url: hubURL}
	hubProxy := httptest.NewServer(proxy)
	t.Cleanup(hubProxy.Close)
	c, err := court.New(court.Config{
		HubURL: hubProxy.URL, RetryBase: 50 * time.Millisecond, Logger: quietLog(),
	})
	if err != nil {
		t.Fatal(err)
	}
	courtServer := httptest.NewServer(c)
	t.Cleanup(func() { c.Close(); courtServer.Close() })
	station := police.New(quietLog())
	stationServer := httptest.NewServer(station)
	t.Cleanup(stationServer.Close)
	return &agencies{court: c, station: station,
		courtURL: courtServer.URL, stationURL: stationServer.URL}
}

// lazyHub forwards the court's callbacks to the hub, whose address is
// known only after the hub starts.
type lazyHub struct{ url func() string }

func (l *lazyHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := l.url()
	if target == "" {
		http.Error(w, "hub not started", http.StatusServiceUnavailable)
		return
	}
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.Path, r.Body)
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func quietLog() *slog.Logger {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// startHub opens and runs a hub; the test's cleanup stops it. The hub
// logs to cfg.Log, or to quietLog when it is nil.
func startHub(t *testing.T, cfg Config) *Hub {
	t.Helper()
	h, stop, done := runHub(t, cfg)
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("hub Run: %v", err)
		}
	})
	return h
}

// runHub opens and runs a hub as startHub does, and returns it with the
// function that stops it and the channel that receives what Run
// returned. The caller stops it.
func runHub(t *testing.T, cfg Config) (*Hub, context.CancelFunc, <-chan error) {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	cfg.AadhaarKey = testKey
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = 20 * time.Millisecond
		cfg.MaxRetryInterval = 100 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	cfg.RequeueInterval = 20 * time.Millisecond
	if cfg.Log == nil {
		cfg.Log = quietLog()
	}
	if cfg.outboxPause == 0 {
		cfg.outboxPause = 200 * time.Millisecond
	}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	return h, cancel, done
}

// postgresDSN returns a DSN for a fresh schema on the test server, or
// skips the test when the server is unreachable.
func postgresDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SANGAM_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Skipf("PostgreSQL not reachable at SANGAM_TEST_POSTGRES (%v); start it or set the variable", err)
	}
	schema := fmt.Sprintf("hub_test_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(ctx)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// post sends body to the hub as agency and decodes the response.
func post(t *testing.T, hubURL, agency string, body []byte) (int, api.InboundResponse, []byte) {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/inbound/"+agency, "application/json",
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out api.InboundResponse
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("decoding answer %s: %v", data, err)
		}
	}
	return resp.StatusCode, out, data
}

// getJSON reads path from the hub into v.
func getJSON(t *testing.T, hubURL, path string, v any) int {
	t.Helper()
	resp, err := http.Get(hubURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// waitFor polls cond every 20ms for up to 20s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settledJourney waits until no delivery of id is pending.
func settledJourney(t *testing.T, hubURL, id string) journal.Journey {
	t.Helper()
	var j journal.Journey
	waitFor(t, "journey of "+id+" to settle", func() bool {
		return getJSON(t, hubURL, "/api/v1/messages/"+id, &j) == http.StatusOK &&
			j.Status != "in_progress"
	})
	return j
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	for _, s := range police.Samples() {
		if s.Name == name {
			return s.Body
		}
	}
	t.Fatalf("no police sample %q", name)
	return nil
}

// atomicString is a string safe to share between goroutines.
type atomicString struct{ v atomic.Value }

func (a *atomicString) Store(s string) { a.v.Store(s) }

func (a *atomicString) Load() string {
	s, _ := a.v.Load().(string)
	return s
}
