package resilience

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/police"
)

// loopServer is an HTTP server on a fixed loopback address that a test
// can shut down and start again, so clients see connection refused in
// between.
type loopServer struct {
	addr    string
	handler http.Handler

	mu  sync.Mutex // guards srv
	srv *http.Server
}

func startLoopServer(t *testing.T, h http.Handler) *loopServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &loopServer{addr: ln.Addr().String(), handler: h}
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *loopServer) serve(ln net.Listener) {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// URL returns the server's base URL.
func (s *loopServer) URL() string { return "http://" + s.addr }

// stop closes the listener and every open connection.
func (s *loopServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// restart listens on the same address again.
func (s *loopServer) restart(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port can stay busy for a moment after Close
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// agencies are the mock court and police station of one test. The court
// files chargesheets and calls back the hub with each CNR, retrying for
// as long as the tests restart the hub.
type agencies struct {
	court   *court.Server
	station *police.Station
	// courtServer and stationServer serve court and station, through the
	// wrappers in agencyOptions when there are some.
	courtServer   *loopServer
	stationServer *loopServer
}

// agencyOptions wraps the mocks' handlers to make them slow or broken.
// A nil wrapper serves the mock as it is.
type agencyOptions struct {
	wrapCourt, wrapStation func(http.Handler) http.Handler
}

// startAgencies starts the mocks with the court calling back hubURL.
func startAgencies(t *testing.T, hubURL string, opts agencyOptions) *agencies {
	t.Helper()
	c, err := court.New(court.Config{
		HubURL: hubURL, RetryBase: 50 * time.Millisecond, RetryMax: 500 * time.Millisecond,
		MaxAttempts: 100000, Logger: quietLog(),
		Client: &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var courtHandler http.Handler = c
	if opts.wrapCourt != nil {
		courtHandler = opts.wrapCourt(c)
	}
	station := police.New(quietLog())
	var stationHandler http.Handler = station
	if opts.wrapStation != nil {
		stationHandler = opts.wrapStation(station)
	}
	return &agencies{
		court: c, station: station,
		courtServer:   startLoopServer(t, courtHandler),
		stationServer: startLoopServer(t, stationHandler),
	}
}

// routeLimits are the settings of both destinations in a routes
// document. A zero field takes the routes package's default.
type routeLimits struct {
	// timeout bounds one attempt.
	timeout time.Duration
	// maxAttempts is how many attempts a delivery gets before it is
	// dead-lettered.
	maxAttempts int
	// concurrency caps the attempts in flight to a destination.
	concurrency int
}

// routes returns a routes document sending chargesheets to the court and
// court registrations to the station.
func (a *agencies) routes(l routeLimits) []byte {
	dest := func(name, agency, url string) string {
		out := fmt.Sprintf("  - name: %s\n    agency: %s\n    url: %s\n", name, agency, url)
		if l.timeout > 0 {
			out += fmt.Sprintf("    timeout: %s\n", l.timeout)
		}
		if l.maxAttempts > 0 {
			out += fmt.Sprintf("    max_attempts: %d\n", l.maxAttempts)
		}
		if l.concurrency > 0 {
			out += fmt.Sprintf("    concurrency: %d\n", l.concurrency)
		}
		return out
	}
	return []byte("version: resilience\ndestinations:\n" +
		dest("ecourts-kerala", "courts", a.courtServer.URL()+"/ecf") +
		dest("cctns-kerala", "police", a.stationServer.URL()+"/notifications") + `routes:
  - name: final-report-to-court
    when: message.type == "chargesheet" && message.source == "police"
    to: [ecourts-kerala]
  - name: court-registration-to-police
    when: message.type == "court_registration" && message.source == "courts"
    to: [cctns-kerala]
`)
}

// writeRoutes writes a.routes to a file in the test's temporary folder
// and returns its path.
func (a *agencies) writeRoutes(t *testing.T, l routeLimits) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(path, a.routes(l), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// slowCourt hands each filing to the court at once and holds the court's
// response for delay, as a court that responds slowly. The court has
// recorded the filing before the hub receives the response.
type slowCourt struct {
	next     http.Handler
	delay    time.Duration
	inFlight atomic.Int32
	filings  atomic.Int32
}

func (s *slowCourt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/ecf" {
		s.next.ServeHTTP(w, r)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	s.filings.Add(1)
	rec := httptest.NewRecorder()
	s.next.ServeHTTP(rec, r)
	time.Sleep(s.delay)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// quietLog returns the mocks' log: errors only, because the tests make
// their callbacks fail on purpose many times.
func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// fileLog returns a log into a file of the test's temporary folder,
// whose last lines the test prints when it fails.
func fileLog(t *testing.T, name string) *slog.Logger {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.Close()
		if t.Failed() {
			t.Logf("last lines of %s's log:\n%s", name, tail(path, 40))
		}
	})
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
