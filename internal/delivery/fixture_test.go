package delivery_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/outbound"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/routes"
)

// testKey is the Aadhaar masking key of the test adapters.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// firPath is a police FIR that the police adapter accepts.
const firPath = "../../adapters/police/testdata/fir.json"

// reply is a destination's response to one request.
type reply struct {
	status int
	body   string
}

// request is a request that a destination received.
type request struct {
	header http.Header
	body   []byte
}

// destination is an agency server on loopback. It responds to the nth
// request with replies[n], or with the last reply once they run out, and
// records every request.
type destination struct {
	url string

	mu       sync.Mutex // guards replies and requests
	replies  []reply
	requests []request
}

func newDestination(t *testing.T, replies ...reply) *destination {
	t.Helper()
	if len(replies) == 0 {
		replies = []reply{{http.StatusOK, "ok"}}
	}
	d := &destination{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(srv.Close)
	d.url = srv.URL + "/notifications"
	return d
}

func (d *destination) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d.mu.Lock()
	d.requests = append(d.requests, request{header: r.Header.Clone(), body: body})
	rep := d.replies[min(len(d.requests), len(d.replies))-1]
	d.mu.Unlock()

	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// received returns the requests so far.
func (d *destination) received() []request {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]request(nil), d.requests...)
}

// target is the one destination, named "station", that a fixture's
// routes send every FIR to.
type target struct {
	agency      string
	url         string
	timeout     string
	maxAttempts int
	// settings are more YAML lines of the destination, each indented by
	// four spaces, such as its bearer_token_file.
	settings string
}

// routesDocument returns a routes document that sends FIRs to t.
func routesDocument(t target) []byte {
	if t.timeout == "" {
		t.timeout = "5s"
	}
	if t.maxAttempts == 0 {
		t.maxAttempts = 3
	}
	return fmt.Appendf(nil, `
version: test
destinations:
  - name: station
    agency: %s
    concurrency: 1
    url: %s
    timeout: %s
    max_attempts: %d
%sroutes:
  - name: fir-to-station
    when: message.type == "fir"
    to: [station]
`, t.agency, t.url, t.timeout, t.maxAttempts, t.settings)
}

// Retry waits of the fixture's worker.
const (
	retryInterval    = time.Second
	maxRetryInterval = time.Minute
)

// fixture is a worker over a SQLite journal in a temporary folder, with
// the shipped adapters and a clock that moves only when a test moves it.
type fixture struct {
	store    journal.Store
	adapters *registry.Set
	table    atomic.Pointer[routes.Table]
	// endpoints is built from table by setRoutes.
	endpoints atomic.Pointer[outbound.Set]
	ingest    *ingest.Service
	worker    *delivery.Worker
	// clock is the worker's current time. Only the test goroutine reads
	// and moves it.
	clock time.Time
	// sent counts the FIRs accepted, to give each a new sender id.
	sent int
}

func newFixture(t *testing.T, to target) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	log := slog.New(slog.DiscardHandler)
	store, err := journalsqlite.New(ctx, db, journalsqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	if err := sqlitebus.InitializeTopic(ctx, db, delivery.Topic("station", 0)); err != nil {
		t.Fatalf("initializing topic: %v", err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}

	// The clock starts a minute ahead, so the deliveries accepted in the
	// test, due at once by the store's clock, are due by the worker's.
	start := time.Now().UTC().Add(time.Minute).Truncate(time.Second)
	f := &fixture{store: store, adapters: set, clock: start}
	f.setRoutes(t, to)
	f.ingest = &ingest.Service{Adapters: set, Store: store, Routes: f.table.Load, Log: log}
	f.worker = &delivery.Worker{
		Store: store, Routes: f.table.Load, Adapters: set,
		Breakers: delivery.NewBreakers(delivery.BreakerConfig{}, log),
		Client:   &http.Client{}, Endpoints: f.endpoints.Load, Log: log,
		RetryInterval: retryInterval, MaxRetryInterval: maxRetryInterval,
		Now: func() time.Time { return f.clock },
	}
	return f
}

// later moves the clock past every retry wait, so a pending delivery is
// due again.
func (f *fixture) later() { f.clock = f.clock.Add(time.Hour) }

// setRoutes replaces the routes in force with ones that send FIRs to to,
// and their endpoints, as the hub does.
func (f *fixture) setRoutes(t *testing.T, to target) {
	t.Helper()
	table, err := routes.Load(routesDocument(to))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	set, err := outbound.Build(table, nil, nil)
	if err != nil {
		t.Fatalf("building endpoints: %v", err)
	}
	t.Cleanup(set.Close)
	f.endpoints.Store(set)
	f.table.Store(table)
}

// otherRoutes returns routes whose only destination is named "other".
func otherRoutes(t *testing.T) *routes.Table {
	t.Helper()
	table, err := routes.Load([]byte(`
destinations:
  - name: other
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/notifications
routes:
  - name: fir-to-other
    when: message.type == "fir"
    to: [other]
`))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	return table
}

// acceptFIR journals a new FIR and returns its one delivery.
func (f *fixture) acceptFIR(t *testing.T) journal.Delivery {
	t.Helper()
	return f.acceptFIRNumbered(t, 0)
}

// acceptFIRNumbered is acceptFIR with the FIR numbered number, a case of
// its own, or the sample's number when number is 0.
func (f *fixture) acceptFIRNumbered(t *testing.T, number int) journal.Delivery {
	t.Helper()
	f.sent++
	body := firBody(t, fmt.Sprintf("EKM0412-FIR-TEST-%d", f.sent))
	if number != 0 {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		doc["fir"].(map[string]any)["number"] = number
		var err error
		if body, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
	}
	results, err := f.ingest.Accept(context.Background(), "police", body, "application/json")
	if err != nil {
		t.Fatalf("accepting FIR: %v", err)
	}
	j, err := f.store.Journey(context.Background(), results[0].MessageID)
	if err != nil {
		t.Fatalf("reading journey: %v", err)
	}
	if len(j.Deliveries) != 1 {
		t.Fatalf("FIR has %d deliveries, want 1 to station", len(j.Deliveries))
	}
	return j.Deliveries[0]
}

// handle runs the worker on a command for d with ctx.
func (f *fixture) handle(ctx context.Context, d journal.Delivery) error {
	msg := delivery.Outgoing(d, 1).Message
	msg.SetContext(ctx)
	return f.worker.Handle(msg)
}

// mustHandle runs the worker on a command for d and fails t unless it
// returns nil.
func (f *fixture) mustHandle(t *testing.T, d journal.Delivery) {
	t.Helper()
	if err := f.handle(context.Background(), d); err != nil {
		t.Fatalf("Handle: %v", err)
	}
}

// reload returns d as the journal has it now.
func (f *fixture) reload(t *testing.T, d journal.Delivery) journal.Delivery {
	t.Helper()
	got, _, err := f.store.Delivery(context.Background(), d.ID)
	if err != nil {
		t.Fatalf("reading delivery %s: %v", d.ID, err)
	}
	return got
}

// encodeFor returns the body the police adapter makes of d's message
// after the destination's policy.
func (f *fixture) encodeFor(t *testing.T, d journal.Delivery) []byte {
	t.Helper()
	_, m, err := f.store.Delivery(context.Background(), d.ID)
	if err != nil {
		t.Fatalf("reading delivery %s: %v", d.ID, err)
	}
	p, ok := f.table.Load().Policy(d.Destination)
	if !ok {
		t.Fatalf("destination %s has no policy", d.Destination)
	}
	shared, _, err := p.Apply(&m)
	if err != nil {
		t.Fatalf("applying policy: %v", err)
	}
	police, _ := f.adapters.Adapter("police")
	enc, err := police.Encode(&shared)
	if err != nil {
		t.Fatalf("encoding the message: %v", err)
	}
	return enc.Body
}

// firBody returns the test FIR with message_id set to sender.
func firBody(t *testing.T, sender string) []byte {
	t.Helper()
	raw, err := os.ReadFile(firPath)
	if err != nil {
		t.Fatalf("reading FIR: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decoding FIR: %v", err)
	}
	doc["message_id"] = sender
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("encoding FIR: %v", err)
	}
	return body
}
