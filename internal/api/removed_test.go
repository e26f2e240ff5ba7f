package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	routesqlite "github.com/sangam-hub/sangam/internal/routestore/sqlite"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/routes"
)

// twoDestinationRoutes send each FIR to the station and to the records
// office.
const twoDestinationRoutes = `
version: two-destinations
destinations:
  - name: station
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/notifications
  - name: records
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/records
routes:
  - name: fir-to-station
    when: message.type == "fir"
    to: [station]
  - name: fir-to-records
    when: message.type == "fir"
    to: [records]
`

// stationOnlyRoutes are twoDestinationRoutes without the records office.
const stationOnlyRoutes = `
version: station-only
destinations:
  - name: station
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/notifications
routes:
  - name: fir-to-station
    when: message.type == "fir"
    to: [station]
`

// routesFixture is the API over a SQLite journal and routes store, with
// routes in force that a test can replace and a log it can read.
type routesFixture struct {
	*fixture
	inForce atomic.Pointer[routes.Table]
	logs    *recordingHandler
}

// newRoutesFixture starts the API with doc as the routes in force and
// as the routes store's first version.
func newRoutesFixture(t *testing.T, doc string) *routesFixture {
	t.Helper()
	return newRoutesFixtureWith(t, doc, func(*api.Server) {})
}

// newRoutesFixtureWith is newRoutesFixture with configure applied to the
// server before it starts.
func newRoutesFixtureWith(t *testing.T, doc string, configure func(*api.Server)) *routesFixture {
	t.Helper()
	ctx := context.Background()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })

	rf := &routesFixture{logs: &recordingHandler{}}
	log := slog.New(rf.logs)
	store, err := journalsqlite.New(ctx, db, journalsqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	versions, err := routesqlite.New(ctx, db, routesqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening routes store: %v", err)
	}
	if _, _, err := routestore.Seed(ctx, versions, []byte(doc), "test"); err != nil {
		t.Fatalf("seeding routes: %v", err)
	}
	rf.setRoutes(t, doc)

	for _, name := range []string{"station", "records"} {
		if err := sqlitebus.InitializeTopic(ctx, db, delivery.Topic(name, 0)); err != nil {
			t.Fatalf("initializing topic of %s: %v", name, err)
		}
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}

	inForce := func() *routes.Table { return rf.inForce.Load() }
	breakers := delivery.NewBreakers(delivery.BreakerConfig{}, log)
	m, err := metrics.New(metrics.Config{Journal: store, Breakers: breakers, Log: log})
	if err != nil {
		t.Fatalf("creating metrics: %v", err)
	}
	svc := &ingest.Service{Adapters: set, Store: store, Log: log, Routes: inForce}
	server := &api.Server{Ingest: svc, Store: store, Routes: inForce, Breakers: breakers,
		Versions: versions, Adapters: set, Log: log, Metrics: m}
	configure(server)
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	rf.fixture = &fixture{db: db, store: store, ingest: svc, url: srv.URL}
	return rf
}

// setRoutes puts doc in force, as a replica does once it applies a
// saved version.
func (rf *routesFixture) setRoutes(t *testing.T, doc string) {
	t.Helper()
	table, err := routes.Load([]byte(doc))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	rf.inForce.Store(table)
}

// postFIRTo posts a FIR and returns the ids of its deliveries by
// destination.
func (rf *routesFixture) postFIRTo(t *testing.T, sender string) map[string]string {
	t.Helper()
	r := rf.post(t, "/api/v1/inbound/police", firBody(t, sender, nil))
	if r.status != http.StatusAccepted {
		t.Fatalf("posting %s: status %d, want 202; body %s", sender, r.status, r.body)
	}
	in := decodeInbound(t, r)
	j, err := rf.store.Journey(context.Background(), in.MessageID)
	if err != nil {
		t.Fatalf("reading journey of %s: %v", sender, err)
	}
	ids := map[string]string{}
	for _, d := range j.Deliveries {
		ids[d.Destination] = d.ID
	}
	return ids
}

// recordingHandler is a slog.Handler that keeps every record.
type recordingHandler struct {
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

// withMessage returns the attributes of each record with message msg.
func (h *recordingHandler) withMessage(msg string) []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]string
	for _, r := range h.records {
		if r.Message != msg {
			continue
		}
		attrs := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.String()
			return true
		})
		out = append(out, attrs)
	}
	return out
}

// destinationsByName reads GET /api/v1/destinations into maps by name.
func (rf *routesFixture) destinationsByName(t *testing.T) map[string]map[string]any {
	t.Helper()
	r := rf.get(t, "/api/v1/destinations")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/destinations: status %d; body %s", r.status, r.body)
	}
	var body struct {
		Destinations []map[string]any `json:"destinations"`
	}
	if err := json.NewDecoder(bytes.NewReader(r.body)).Decode(&body); err != nil {
		t.Fatalf("decoding destinations: %v; body %s", err, r.body)
	}
	out := map[string]map[string]any{}
	for _, d := range body.Destinations {
		out[d["name"].(string)] = d
	}
	return out
}

func TestDestinationsShowRetriesAlways(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       bool
	}{
		{"default", "", true},
		{"on", "    retries: true\n", true},
		{"off", "    retries: false\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(stationOnlyRoutes, "    concurrency: 1\n", "    concurrency: 1\n"+tc.line, 1)
			rf := newRoutesFixture(t, doc)
			station, ok := rf.destinationsByName(t)["station"]
			if !ok {
				t.Fatal("station is not listed")
			}
			got, ok := station["retries"]
			if !ok {
				t.Fatalf("station has no retries field: %v", station)
			}
			if got != tc.want {
				t.Errorf("retries = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRoutesSaveLoggedOnce(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	change := api.RoutesChange{Document: stationOnlyRoutes, Expect: 1, By: "duty-officer"}
	if r := putRoutes(t, rf.url, change); r.status != http.StatusCreated {
		t.Fatalf("PUT /api/v1/routes: status %d, want 201; body %s", r.status, r.body)
	}
	if r := restoreRoutes(t, rf.url, 1, api.RoutesChange{Expect: 2, By: "duty-officer"}); r.status != http.StatusCreated {
		t.Fatalf("restoring version 1: status %d, want 201; body %s", r.status, r.body)
	}

	saves := rf.logs.withMessage("routes version saved")
	// The seed saved version 1 before the two changes.
	if len(saves) != 3 {
		t.Fatalf("logged %d saves, want 3, one per version: %v", len(saves), saves)
	}
	put, restore := saves[1], saves[2]
	for key, want := range map[string]string{"version": "2", "by": "duty-officer"} {
		if put[key] != want {
			t.Errorf("save of version 2 logs %s=%q, want %q", key, put[key], want)
		}
	}
	if v, ok := put["restored_from"]; ok {
		t.Errorf("save of version 2 logs restored_from=%s, want none", v)
	}
	if v, ok := saves[0]["remote"]; ok {
		t.Errorf("seed logs remote=%s, want none", v)
	}
	for _, save := range saves[1:] {
		if !strings.HasPrefix(save["remote"], "127.0.0.1:") {
			t.Errorf("save of version %s logs remote=%q, want the client's loopback address",
				save["version"], save["remote"])
		}
	}
	for key, want := range map[string]string{"version": "3", "by": "duty-officer", "restored_from": "1"} {
		if restore[key] != want {
			t.Errorf("restore logs %s=%q, want %q", key, restore[key], want)
		}
	}
}

// killRecords posts FIRs, dead-letters their deliveries to the records
// office and the first one's delivery to the station, and then removes
// the records office from the routes in force. It returns the ids of the
// dead deliveries to the records office and to the station.
func killRecords(t *testing.T, rf *routesFixture) (records []string, station string) {
	t.Helper()
	for i, sender := range []string{"EKM0412-FIR-901", "EKM0412-FIR-902"} {
		ids := rf.postFIRTo(t, sender)
		rf.settle(t, ids["records"], journal.StatusDead)
		records = append(records, ids["records"])
		if i == 0 {
			rf.settle(t, ids["station"], journal.StatusDead)
			station = ids["station"]
		}
	}
	rf.setRoutes(t, stationOnlyRoutes)
	return records, station
}

// countDeliveries returns the number of deliveries in the journal.
func (rf *routesFixture) countDeliveries(t *testing.T) int {
	t.Helper()
	var n int
	if err := rf.db.QueryRow("SELECT count(*) FROM deliveries").Scan(&n); err != nil {
		t.Fatalf("counting deliveries: %v", err)
	}
	return n
}

func TestReplayOneRejectsRemovedDestination(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	records, _ := killRecords(t, rf)
	before := rf.countDeliveries(t)

	p := wantProblem(t, rf.post(t, "/api/v1/deliveries/"+records[0]+"/replay", nil), problem.Conflict)
	for _, want := range []string{`"records"`, "add it to the routes again"} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail %q, want it to contain %q", p.Detail, want)
		}
	}
	if after := rf.countDeliveries(t); after != before {
		t.Errorf("deliveries = %d after a rejected replay, want %d", after, before)
	}
}

func TestReplayManySkipsRemovedDestination(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	_, station := killRecords(t, rf)
	before := rf.countDeliveries(t)

	for run, body := range []string{`{"all": true}`, `{"all": true}`, `{"reason": "HTTP 503"}`,
		`{"route": "fir-to-records"}`, `{"all": true, "force": true}`} {
		r := rf.post(t, "/api/v1/deadletters/replay", []byte(body))
		if r.status != http.StatusOK {
			t.Fatalf("run %d, %s: status %d, want 200; body %s", run, body, r.status, r.body)
		}
		var out api.ReplayResponse
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatalf("run %d: decoding %s: %v", run, r.body, err)
		}
		for _, res := range out.Replays {
			if res.Of != station {
				t.Errorf("run %d, %s: replayed %s to %s, want only the station's %s",
					run, body, res.Of, res.Delivery.Destination, station)
			}
		}
		// Later runs also count the station's dead letter, replayed by
		// the first run, as replayed before.
		records := 0
		for _, sk := range out.Skipped {
			if sk.Destination == "records" {
				records += sk.DeadLetters
			}
		}
		if records != 2 || len(out.Skipped) == 0 || out.Skipped[0].Destination != "records" ||
			!strings.Contains(out.Skipped[0].Reason, "do not name the destination") {
			t.Errorf("run %d, %s: skipped %+v, want 2 dead letters of records as removed",
				run, body, out.Skipped)
		}
	}
	// The first run replays the station's dead letter, the forced run
	// replays it again, and no run replays a letter to the records office.
	if after := rf.countDeliveries(t); after != before+2 {
		t.Errorf("deliveries = %d after the runs, want %d", after, before+2)
	}
}

func TestReplayManyRejectsRemovedDestinationFilter(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	killRecords(t, rf)
	p := wantProblem(t, rf.post(t, "/api/v1/deadletters/replay", []byte(`{"destination": "records"}`)),
		problem.Invalid)
	if len(p.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", p.Errors)
	}
	if p.Errors[0].Rule != "request" {
		t.Errorf("rule %q, want request", p.Errors[0].Rule)
	}
	if p.Errors[0].Pointer != "/destination" {
		t.Errorf("pointer %q, want /destination", p.Errors[0].Pointer)
	}
	if !strings.HasPrefix(p.Errors[0].Message, `destination: "records"`) {
		t.Errorf("message %q, want it to start with the field and its value", p.Errors[0].Message)
	}
	if !strings.Contains(p.Errors[0].Message, "add it to the routes again") {
		t.Errorf("message %q, want it to say how to replay the dead letters", p.Errors[0].Message)
	}
}

func TestDestinationsListRemovedWithDeadLetters(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	killRecords(t, rf)

	listed := rf.destinationsByName(t)
	records, ok := listed["records"]
	if !ok {
		t.Fatalf("records is not listed although it has dead letters: %v", listed)
	}
	if records["configured"] != false {
		t.Errorf("records configured = %v, want false", records["configured"])
	}
	if records["dead_letters"] != 2.0 {
		t.Errorf("records dead_letters = %v, want 2", records["dead_letters"])
	}
	if _, ok := records["breaker"]; !ok {
		t.Errorf("records has no breaker: %v", records)
	}
	if station := listed["station"]; station["configured"] != true {
		t.Errorf("station configured = %v, want true", station["configured"])
	}

	scrape := metricstest.Get(t, rf.url+"/metrics", "")
	got, ok := scrape.Value("sangam_dead_letters", "destination", "records")
	if !ok || got != 2 {
		t.Errorf("sangam_dead_letters{destination=records} = %v (present %v), want 2 as the API lists",
			got, ok)
	}
}

func TestDestinationsLeaveOutRemovedWithoutBacklog(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	ids := rf.postFIRTo(t, "EKM0412-FIR-911")
	rf.settle(t, ids["records"], journal.StatusDelivered)
	rf.setRoutes(t, stationOnlyRoutes)

	if _, ok := rf.destinationsByName(t)["records"]; ok {
		t.Errorf("records is listed although it has nothing pending or dead")
	}
}

func TestRoutesChangeWarnsOfRemovedBacklog(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	dead := rf.postFIRTo(t, "EKM0412-FIR-921")
	rf.settle(t, dead["records"], journal.StatusDead)
	rf.postFIRTo(t, "EKM0412-FIR-922")
	rf.postFIRTo(t, "EKM0412-FIR-923")

	for _, dryRun := range []bool{true, false} {
		change := api.RoutesChange{Document: stationOnlyRoutes, Expect: 1, DryRun: dryRun}
		r := putRoutes(t, rf.url, change)
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Fatalf("dry run %v: status %d; body %s", dryRun, r.status, r.body)
		}
		var res api.RoutesChangeResult
		if err := json.Unmarshal(r.body, &res); err != nil {
			t.Fatalf("dry run %v: decoding %s: %v", dryRun, r.body, err)
		}
		if len(res.RemovedDestinations) != 1 {
			t.Fatalf("dry run %v: removed_destinations = %+v, want records", dryRun, res.RemovedDestinations)
		}
		got := res.RemovedDestinations[0]
		if got.Name != "records" || got.Pending != 2 || got.DeadLetters != 1 {
			t.Errorf("dry run %v: removed %+v, want records with 2 pending and 1 dead letter", dryRun, got)
		}
		if !strings.Contains(got.Warning, "pending deliveries (2) will be dead-lettered") {
			t.Errorf("dry run %v: warning %q, want it to count the pending deliveries", dryRun, got.Warning)
		}
	}
}

// stalledBacklog is a journal whose backlog read waits until its
// context ends, as a read blocked by a lock on the deliveries does.
type stalledBacklog struct {
	journal.Store
}

func (stalledBacklog) Backlog(ctx context.Context) ([]journal.Backlog, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestRoutesChangeWarnsWhileBacklogStalls(t *testing.T) {
	rf := newRoutesFixtureWith(t, twoDestinationRoutes, func(s *api.Server) {
		s.Store = stalledBacklog{s.Store}
		s.BacklogTimeout = 50 * time.Millisecond
	})
	rf.postFIRTo(t, "EKM0412-FIR-924")

	change := api.RoutesChange{Document: stationOnlyRoutes, Expect: 1, DryRun: true}
	r := putRoutes(t, rf.url, change)
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	var res api.RoutesChangeResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if len(res.RemovedDestinations) != 1 {
		t.Fatalf("removed_destinations = %+v, want records", res.RemovedDestinations)
	}
	if got := res.RemovedDestinations[0].Warning; !strings.Contains(got, "their number is unknown") {
		t.Errorf("warning %q, want it to say the number of pending deliveries is unknown", got)
	}
}

func TestRoutesChangeWithoutRemovalWarnsNothing(t *testing.T) {
	rf := newRoutesFixture(t, stationOnlyRoutes)
	rf.postFIRTo(t, "EKM0412-FIR-931")
	r := putRoutes(t, rf.url, api.RoutesChange{Document: twoDestinationRoutes, Expect: 1, DryRun: true})
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	if strings.Contains(string(r.body), "removed_destinations") {
		t.Errorf("body %s lists removed destinations for a change that adds one", r.body)
	}
}

func TestReplayManyRejectsUnknownRoute(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	killRecords(t, rf)
	before := rf.countDeliveries(t)
	p := wantProblem(t, rf.post(t, "/api/v1/deadletters/replay", []byte(`{"route": "fir-to-statoin"}`)),
		problem.Invalid)
	if len(p.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", p.Errors)
	}
	if p.Errors[0].Rule != "request" {
		t.Errorf("rule %q, want request", p.Errors[0].Rule)
	}
	if p.Errors[0].Pointer != "/route" {
		t.Errorf("pointer %q, want /route", p.Errors[0].Pointer)
	}
	for _, want := range []string{`route: "fir-to-statoin"`, "not a route of the routes in force"} {
		if !strings.Contains(p.Errors[0].Message, want) {
			t.Errorf("message %q, want it to contain %q", p.Errors[0].Message, want)
		}
	}
	// A route the routes in force name matches its dead letters as before.
	r := rf.post(t, "/api/v1/deadletters/replay", []byte(`{"route": "fir-to-station"}`))
	if r.status != http.StatusOK {
		t.Fatalf("replay by a route in force: status %d, body %s", r.status, r.body)
	}
	if after := rf.countDeliveries(t); after != before+1 {
		t.Errorf("deliveries = %d, want %d: only the replay by the route in force adds one", after, before+1)
	}
}

func TestReplayByMustBeOneLine(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	_, station := killRecords(t, rf)
	before := rf.countDeliveries(t)
	for _, body := range []string{`{"by": "op-alice\n\u001b[2K\rop-alice"}`, `{"by": "op\u202eecila"}`} {
		p := wantProblem(t, rf.post(t, "/api/v1/deliveries/"+station+"/replay", []byte(body)),
			problem.Invalid)
		if len(p.Errors) != 1 || p.Errors[0].Rule != "request" ||
			!strings.HasPrefix(p.Errors[0].Message, "by: invalid") {
			t.Errorf("%s: errors %+v, want one of rule request naming by", body, p.Errors)
			continue
		}
		if p.Errors[0].Pointer != "/by" {
			t.Errorf("%s: pointer %q, want /by", body, p.Errors[0].Pointer)
		}
	}
	if after := rf.countDeliveries(t); after != before {
		t.Errorf("deliveries = %d after rejected replays, want %d", after, before)
	}
}

// replayRun posts a filtered replay body and returns, by the id of each
// dead letter replayed, the id of its new replay.
func (rf *routesFixture) replayRun(t *testing.T, body string) map[string]string {
	t.Helper()
	r := rf.post(t, "/api/v1/deadletters/replay", []byte(body))
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d, want 200; body %s", body, r.status, r.body)
	}
	var out api.ReplayResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("%s: decoding %s: %v", body, r.body, err)
	}
	made := map[string]string{}
	for _, res := range out.Replays {
		if !res.Existing {
			made[res.Of] = res.Delivery.ID
		}
	}
	return made
}

func TestForcedReplayRunSendsOncePerMessage(t *testing.T) {
	rf := newRoutesFixture(t, stationOnlyRoutes)
	// The first message dies, its replay dies, and the replay of that
	// replay is delivered.
	delivered := rf.postFIRTo(t, "EKM0412-FIR-931")["station"]
	rf.settle(t, delivered, journal.StatusDead)
	// The second message dies and its replay dies.
	dead := rf.postFIRTo(t, "EKM0412-FIR-932")["station"]
	rf.settle(t, dead, journal.StatusDead)

	run := rf.replayRun(t, `{"destination": "station"}`)
	if len(run) != 2 {
		t.Fatalf("first run replayed %v, want both dead letters", run)
	}
	rf.settle(t, run[delivered], journal.StatusDead)
	rf.settle(t, run[dead], journal.StatusDead)
	deadReplay := run[dead]
	run = rf.replayRun(t, `{"destination": "station"}`)
	if len(run) != 2 {
		t.Fatalf("second run replayed %v, want both dead replays", run)
	}
	rf.settle(t, run[deadReplay], journal.StatusDead)
	for _, id := range run {
		if id != run[deadReplay] {
			rf.settle(t, id, journal.StatusDelivered)
		}
	}
	before := rf.countDeliveries(t)

	forced := rf.replayRun(t, `{"destination": "station", "force": true, "reason": "HTTP 503"}`)
	if len(forced) != 1 {
		t.Errorf("forced run replayed %v, want one dead letter of the undelivered message", forced)
	}
	if _, ok := forced[run[deadReplay]]; !ok {
		t.Errorf("forced run replayed %v, want the newest dead letter %s", forced, run[deadReplay])
	}
	if after := rf.countDeliveries(t); after != before+1 {
		t.Errorf("deliveries = %d after the forced run, want %d", after, before+1)
	}
}
