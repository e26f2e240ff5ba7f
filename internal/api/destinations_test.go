package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/postgres"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
	"github.com/sangam-hub/sangam/internal/pgtest"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/routes"
)

// newBacklogFixture starts the API, with metrics, over a PostgreSQL
// journal in a fresh schema.
func newBacklogFixture(t *testing.T) *fixture {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	store, svc := postgresIngest(t, pgtest.WithSearchPath(t, postgresDSN(), postgresSchema(t)), log)
	breakers := delivery.NewBreakers(delivery.BreakerConfig{}, log)
	m, err := metrics.New(metrics.Config{Journal: store, Breakers: breakers, Log: log})
	if err != nil {
		t.Fatalf("creating metrics: %v", err)
	}

	server := &api.Server{Ingest: svc, Store: store, Routes: svc.Routes, Breakers: breakers,
		Log: log, Metrics: m}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return &fixture{store: store, ingest: svc, url: srv.URL}
}

// postgresIngest opens a PostgreSQL journal at dsn, with the station's
// bus topic, and an ingest service over it that routes by testRoutes.
func postgresIngest(t *testing.T, dsn string, log *slog.Logger) (*postgres.Store, *ingest.Service) {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, postgres.Config{DSN: dsn, Logger: log})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })

	if err := pgbus.InitializeTopic(ctx, store.Pool(), delivery.Topic("station", 0)); err != nil {
		t.Fatalf("initializing topic: %v", err)
	}
	table, err := routes.Load([]byte(testRoutes))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	svc := &ingest.Service{Adapters: set, Store: store, Log: log,
		Routes: func() *routes.Table { return table }}
	return store, svc
}

// postFIR posts a FIR with sender id sender and returns the id of its
// one delivery.
func (f *fixture) postFIR(t *testing.T, sender string) string {
	t.Helper()
	r := f.post(t, "/api/v1/inbound/police", firBody(t, sender, nil))
	if r.status != http.StatusAccepted {
		t.Fatalf("posting %s: status %d, want 202; body %s", sender, r.status, r.body)
	}
	in := decodeInbound(t, r)
	j, err := f.store.Journey(context.Background(), in.MessageID)
	if err != nil {
		t.Fatalf("reading journey of %s: %v", sender, err)
	}
	if len(j.Deliveries) != 1 {
		t.Fatalf("FIR %s has %d deliveries, want 1", sender, len(j.Deliveries))
	}
	return j.Deliveries[0].ID
}

// settle records one attempt of delivery id that leaves it in result.
func (f *fixture) settle(t *testing.T, id, result string) {
	t.Helper()
	now := time.Now()
	a := journal.Attempt{DeliveryID: id, StartedAt: now, FinishedAt: now, StatusCode: 503,
		Error: "HTTP 503: maintenance", Result: result}
	if result == journal.StatusPending {
		a.NextAttemptAt = now.Add(time.Hour)
	}
	if err := f.store.RecordAttempt(context.Background(), a); err != nil {
		t.Fatalf("recording a %s attempt of %s: %v", result, id, err)
	}
}

func TestDestinationsShowBacklog(t *testing.T) {
	f := newBacklogFixture(t)
	retrying := f.postFIR(t, "EKM0412-FIR-601")
	dead := f.postFIR(t, "EKM0412-FIR-602")
	f.postFIR(t, "EKM0412-FIR-603")
	delivered := f.postFIR(t, "EKM0412-FIR-604")
	replayed := f.postFIR(t, "EKM0412-FIR-605")
	f.settle(t, retrying, journal.StatusPending)
	f.settle(t, dead, journal.StatusDead)
	f.settle(t, delivered, journal.StatusDelivered)
	f.settle(t, replayed, journal.StatusDead)
	if r := f.post(t, "/api/v1/deliveries/"+replayed+"/replay", nil); r.status != http.StatusCreated {
		t.Fatalf("replay: status %d, want 201; body %s", r.status, r.body)
	}
	oldest, _, err := f.store.Delivery(context.Background(), retrying)
	if err != nil {
		t.Fatalf("reading delivery %s: %v", retrying, err)
	}

	r := f.get(t, "/api/v1/destinations")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/destinations: status %d, want 200; body %s", r.status, r.body)
	}
	var body struct {
		Destinations []struct {
			Name            string    `json:"name"`
			Pending         int       `json:"pending"`
			Retrying        int       `json:"retrying"`
			OldestPendingAt time.Time `json:"oldest_pending_at"`
			DeadLetters     int       `json:"dead_letters"`
		} `json:"destinations"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("decoding destinations: %v; body %s", err, r.body)
	}
	if len(body.Destinations) != 1 || body.Destinations[0].Name != "station" {
		t.Fatalf("destinations = %s, want station only", r.body)
	}
	station := body.Destinations[0]
	if station.Pending != 3 {
		t.Errorf("pending = %d, want 3: the retrying one, the untried one and the replay", station.Pending)
	}
	if station.Retrying != 1 {
		t.Errorf("retrying = %d, want 1", station.Retrying)
	}
	if !station.OldestPendingAt.Equal(oldest.CreatedAt) {
		t.Errorf("oldest_pending_at = %v, want %v, the creation of the first FIR's delivery",
			station.OldestPendingAt, oldest.CreatedAt)
	}
	if station.DeadLetters != 1 {
		t.Errorf("dead_letters = %d, want 1: the replayed one does not count", station.DeadLetters)
	}
}

func TestMetricsCountInboundAndBacklog(t *testing.T) {
	f := newBacklogFixture(t)
	first := f.postFIR(t, "EKM0412-FIR-701")
	f.postFIR(t, "EKM0412-FIR-702")
	f.settle(t, first, journal.StatusDead)
	if r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-702", nil)); r.status != http.StatusOK {
		t.Fatalf("posting a duplicate: status %d, want 200; body %s", r.status, r.body)
	}
	if r := f.post(t, "/api/v1/inbound/police", []byte(`{"message_id": "x",`)); r.status != http.StatusBadRequest {
		t.Fatalf("posting a malformed body: status %d, want 400; body %s", r.status, r.body)
	}
	invalid := firBody(t, "EKM0412-FIR-703", func(doc map[string]any) {
		doc["fir"].(map[string]any)["year"] = 1800
	})
	if r := f.post(t, "/api/v1/inbound/police", invalid); r.status != http.StatusBadRequest {
		t.Fatalf("posting an invalid FIR: status %d, want 400; body %s", r.status, r.body)
	}
	reused := firBody(t, "EKM0412-FIR-702", func(doc map[string]any) {
		doc["delay_reason"] = "The complainant was in hospital."
	})
	r := f.post(t, "/api/v1/inbound/police", reused)
	if r.status != http.StatusConflict {
		t.Fatalf("posting a reused id: status %d, want 409; body %s", r.status, r.body)
	}
	var conflict problem.Problem
	if err := json.Unmarshal(r.body, &conflict); err != nil {
		t.Fatalf("decoding the 409: %v; body %s", err, r.body)
	}
	if len(conflict.Errors) != 1 || conflict.Errors[0].Rule != api.RuleMessageIDReused {
		t.Errorf("409 errors = %+v, want one with rule %s", conflict.Errors, api.RuleMessageIDReused)
	}

	scrape := metricstest.Get(t, f.url+"/metrics", "")
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "accepted"}, 2},
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "duplicate"}, 1},
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "malformed"}, 1},
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "invalid"}, 1},
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "conflict"}, 1},
		{"sangam_pending_deliveries", []string{"destination", "station"}, 1},
		{"sangam_retrying_deliveries", []string{"destination", "station"}, 0},
		{"sangam_dead_letters", []string{"destination", "station"}, 1},
		{"sangam_journal_up", nil, 1},
	} {
		got, ok := scrape.Value(tc.name, tc.labels...)
		if !ok {
			t.Errorf("%s%v is missing", tc.name, tc.labels)
			continue
		}
		if got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if n := len(scrape.Names("go_")); n == 0 {
		t.Errorf("no go_ metrics, want the Go runtime's")
	}
}

func TestMetricsNeedOperatorToken(t *testing.T) {
	h := newSampleHub(t, true)
	for _, tc := range []struct {
		name, token string
		want        problem.Kind
	}{
		{"no token", "", problem.Unauthenticated},
		{"agency token", policeToken, problem.Forbidden},
		{"unknown token", "not-a-token", problem.Unauthenticated},
	} {
		req, err := http.NewRequest(http.MethodGet, h.url+"/metrics", nil)
		if err != nil {
			t.Fatalf("building request: %v", err)
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /metrics with %s: %v", tc.name, err)
		}
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, readResponse(t, resp), tc.want) })
	}
	scrape := metricstest.Get(t, h.url+"/metrics", operatorToken)
	if _, ok := scrape.Value("sangam_journal_up"); !ok {
		t.Errorf("the operator's scrape lacks sangam_journal_up")
	}
}

func TestMetricsWithoutRegistryNotFound(t *testing.T) {
	srv := httptest.NewServer((&api.Server{}).Handler())
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	wantProblem(t, readResponse(t, resp), problem.NotFound)
}

func TestDestinationsListedWhileJournalDown(t *testing.T) {
	f := newBacklogFixture(t)
	f.postFIR(t, "EKM0412-FIR-801")
	if err := f.store.Close(); err != nil {
		t.Fatalf("closing the journal: %v", err)
	}

	r := f.get(t, "/api/v1/destinations")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/destinations with the journal down: status %d, want 200; body %s",
			r.status, r.body)
	}
	var body struct {
		Destinations []map[string]any `json:"destinations"`
		Unavailable  string           `json:"backlog_unavailable"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("decoding destinations: %v; body %s", err, r.body)
	}
	if body.Unavailable == "" {
		t.Errorf("backlog_unavailable is missing: %s", r.body)
	}
	if len(body.Destinations) != 1 {
		t.Fatalf("destinations = %s, want station", r.body)
	}
	station := body.Destinations[0]
	if _, ok := station["breaker"]; !ok {
		t.Errorf("station has no breaker: %s", r.body)
	}
	if _, ok := station["pending"]; ok {
		t.Errorf("station shows a pending count the journal could not give: %s", r.body)
	}
}

// TestDestinationsListedWhileDeliveriesLocked holds an exclusive lock on
// the deliveries table in a second session. The list must still come,
// once the server's backlog timeout has passed, with the breakers and
// backlog_unavailable, and show the backlog again once the lock is gone.
func TestDestinationsListedWhileDeliveriesLocked(t *testing.T) {
	logs := &lockedBuffer{}
	f, _, dsn, schema := lockedFixture(t, logs, "EKM0412-FIR-802")

	var body struct {
		Destinations []map[string]any `json:"destinations"`
		Unavailable  string           `json:"backlog_unavailable"`
	}
	r := getWhileDeliveriesLocked(t, f, dsn, schema, "/api/v1/destinations")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/destinations with the deliveries locked: status %d, want 200; "+
			"body %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("decoding destinations: %v; body %s", err, r.body)
	}
	if !strings.Contains(body.Unavailable, "did not respond within 200ms") {
		t.Errorf("backlog_unavailable = %q, want it to say the journal did not respond "+
			"within 200ms; body %s", body.Unavailable, r.body)
	}
	if len(body.Destinations) != 1 {
		t.Fatalf("destinations = %s, want station", r.body)
	}
	if _, ok := body.Destinations[0]["breaker"]; !ok {
		t.Errorf("station has no breaker: %s", r.body)
	}
	if _, ok := body.Destinations[0]["pending"]; ok {
		t.Errorf("station shows a pending count the journal did not give: %s", r.body)
	}
	failed := logs.lines(t, "reading the backlog failed")
	if len(failed) != 1 {
		t.Fatalf("logged %d lines \"reading the backlog failed\", want 1", len(failed))
	}
	if text, _ := failed[0]["error"].(string); !strings.Contains(text, "did not respond") {
		t.Errorf("failure line error = %q, want it to say the journal did not respond", text)
	}

	r = f.get(t, "/api/v1/destinations")
	body.Unavailable, body.Destinations = "", nil
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("decoding destinations after the lock: %v; body %s", err, r.body)
	}
	if body.Unavailable != "" || len(body.Destinations) != 1 ||
		body.Destinations[0]["pending"] != 1.0 {
		t.Errorf("destinations after the lock = %s, want station with 1 pending", r.body)
	}
}

func TestDeadLettersAnswerWhileDeliveriesLocked(t *testing.T) {
	f, id, dsn, schema := lockedFixture(t, &lockedBuffer{}, "EKM0412-FIR-803")
	f.settle(t, id, journal.StatusDead)

	r := getWhileDeliveriesLocked(t, f, dsn, schema, "/api/v1/deadletters")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("GET /api/v1/deadletters with the deliveries locked: status %d, want 503; "+
			"body %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), "did not respond within 200ms") {
		t.Errorf("body %s, want it to say the journal did not respond within 200ms", r.body)
	}

	r = f.get(t, "/api/v1/deadletters")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "EKM0412") {
		t.Errorf("GET /api/v1/deadletters after the lock: status %d, body %s, want the dead letter",
			r.status, r.body)
	}
}

// lockedFixture starts a server on a PostgreSQL journal of its own schema
// with a backlog timeout of 200 ms, logging to logs, and posts one FIR.
func lockedFixture(t *testing.T, logs *lockedBuffer, fir string) (f *fixture, id, dsn, schema string) {
	t.Helper()
	schema = postgresSchema(t)
	dsn = pgtest.WithSearchPath(t, postgresDSN(), schema)
	log := slog.New(slog.DiscardHandler)
	store, svc := postgresIngest(t, dsn, log)
	server := &api.Server{Ingest: svc, Store: store, Routes: svc.Routes,
		Breakers: delivery.NewBreakers(delivery.BreakerConfig{}, log),
		Log:      slog.New(slog.NewJSONHandler(logs, nil)), BacklogTimeout: 200 * time.Millisecond}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	f = &fixture{store: store, ingest: svc, url: srv.URL}
	return f, f.postFIR(t, fir), dsn, schema
}

// getWhileDeliveriesLocked makes a GET of path while a second session
// holds an exclusive lock on the deliveries table of schema, and
// releases the lock once the response has come. The lock also ends by
// itself after 20 s, as a long statement would, so that a server that
// waits for it still responds and the test fails on the response rather
// than hanging.
func getWhileDeliveriesLocked(t *testing.T, f *fixture, dsn, schema, path string) response {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting the session that holds the lock: %v", err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatalf("beginning the locking transaction: %v", err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+schema+".deliveries IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatalf("locking the deliveries: %v", err)
	}
	release := time.AfterFunc(20*time.Second, func() { _ = tx.Rollback(ctx) })
	r := f.get(t, path)
	if release.Stop() {
		if err := tx.Rollback(ctx); err != nil {
			t.Fatalf("releasing the lock: %v", err)
		}
	}
	return r
}
