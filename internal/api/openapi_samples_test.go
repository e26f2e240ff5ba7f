package api_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/logmask"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	routesqlite "github.com/sangam-hub/sangam/internal/routestore/sqlite"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// Bearer tokens of the sample hub.
const (
	policeToken = "police-token"
	// stationToken may post only the documents of station EKM0420.
	stationToken  = "station-token"
	prisonsToken  = "prisons-token"
	strangerToken = "stranger-token"
	operatorToken = "operator-token"
	metricsToken  = "metrics-token"
	passportToken = "passport-token"
)

// sampleRoutes sends each FIR to a station and, under a narrow policy,
// to a registry, and each prisoner movement to the station.
const sampleRoutes = `
version: openapi-samples
destinations:
  - name: station
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/notifications
  - name: registry
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/registry
    retries: false
    policy:
      name: fir-summary
      types: [fir]
      allow: [fir.ref, fir.registered_at, fir.charges, fir.complainant, fir.accused,
        fir.first_information, fir.information_received_at, fir.occurred_from]
      mask:
        - {path: fir.complainant.names, kind: initials}
  - name: station-movements
    agency: prisons
    concurrency: 1
    url: http://127.0.0.1:9/movements
routes:
  - name: fir-to-station
    when: message.type == "fir"
    to: [station, registry]
  - name: movement-to-station
    when: message.type == "prisoner_movement"
    to: [station-movements]
`

// sampleRoutesWarning is the warning that sampleRoutesWarnings returns
// for a table with the route arrest-to-station.
const sampleRoutesWarning = "route arrest-to-station: arrests reach only the station"

// sampleRoutesWarnings is the sample hub's Server.RoutesWarnings. It
// warns of routes that the sample routes lack, so only a change can
// produce its warning.
func sampleRoutesWarnings(t *routes.Table) []string {
	for _, r := range t.Config().Routes {
		if r.Name == "arrest-to-station" {
			return []string{sampleRoutesWarning}
		}
	}
	return nil
}

// sampleHub is the API with tokens over a SQLite journal and routes
// store, served on loopback.
type sampleHub struct {
	url   string
	db    *sql.DB
	store journal.Store
	logs  *lockedBuffer // the server's log, one JSON object per line
}

func digestOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func sampleTokens(t *testing.T) *auth.Tokens {
	t.Helper()
	doc := "tokens:\n" +
		"  - {name: cctns, agency: police, sha256: " + digestOf(policeToken) + "}\n" +
		"  - {name: ekm0420, agency: police, stations: [EKM0420], sha256: " +
		digestOf(stationToken) + "}\n" +
		"  - {name: eprisons, agency: prisons, sha256: " + digestOf(prisonsToken) + "}\n" +
		"  - {name: stranger, agency: no-such-agency, sha256: " + digestOf(strangerToken) + "}\n" +
		"  - {name: ops, operator: true, sha256: " + digestOf(operatorToken) + "}\n" +
		"  - {name: prometheus, metrics: true, sha256: " + digestOf(metricsToken) + "}\n" +
		"  - {name: rpo, agency: passport, sha256: " + digestOf(passportToken) + "}\n"
	tokens, err := auth.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parsing tokens: %v", err)
	}
	return tokens
}

// newSampleHub starts the API, with the routes store holding sampleRoutes
// as version 1 when seed is set and empty otherwise.
func newSampleHub(t *testing.T, seed bool) *sampleHub {
	t.Helper()
	return newSampleHubWith(t, seed, sampleRoutes)
}

// newSampleHubWith is newSampleHub with the routes document doc in place
// of sampleRoutes, stored as a version saved before the checks of the
// admin API would be.
func newSampleHubWith(t *testing.T, seed bool, doc string) *sampleHub {
	t.Helper()
	return newSampleHubLimited(t, seed, doc, 64<<10)
}

// newSampleHubLimited is newSampleHubWith with an inbound limit of
// maxBody bytes.
func newSampleHubLimited(t *testing.T, seed bool, doc string, maxBody int64) *sampleHub {
	t.Helper()
	ctx := context.Background()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logs := &lockedBuffer{}
	// The hub's configuration masks its logger the same way.
	log := logmask.Logger(slog.New(slog.NewJSONHandler(logs, nil)))
	store, err := journalsqlite.New(ctx, db, journalsqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	versions, err := routesqlite.New(ctx, db, routesqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening routes store: %v", err)
	}
	if seed {
		if _, _, err := routestore.Seed(ctx, versions, []byte(doc), "test"); err != nil {
			t.Fatalf("seeding routes: %v", err)
		}
	}
	table, err := routes.Load([]byte(doc))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	table = table.Labeled("v1")
	for _, dest := range table.Config().Destinations {
		for shard := range dest.Concurrency {
			topic := delivery.Topic(dest.Name, shard)
			if err := sqlitebus.InitializeTopic(ctx, db, topic); err != nil {
				t.Fatalf("initializing topic %s: %v", topic, err)
			}
		}
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	tracker := sampleVerificationTracker(t, db, store, log)
	routesInForce := func() *routes.Table { return table }
	breakers := delivery.NewBreakers(delivery.BreakerConfig{}, log)
	m, err := metrics.New(metrics.Config{Journal: store, Breakers: breakers, Log: log})
	if err != nil {
		t.Fatalf("creating metrics: %v", err)
	}

	server := &api.Server{
		Ingest:   &ingest.Service{Adapters: set, Store: store, Log: log, Routes: routesInForce},
		Store:    store,
		Routes:   routesInForce,
		Breakers: breakers,
		Versions: versions,
		Adapters: set,
		Log:      log,
		MaxBody:  maxBody,
		Tokens:   sampleTokens(t),
		Metrics:  m,

		VerificationStatus:   sampleVerificationStatus,
		VerificationRequests: tracker,
		RoutesWarnings:       sampleRoutesWarnings,
	}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return &sampleHub{url: srv.URL, db: db, store: store, logs: logs}
}

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return b
}

func jsonBody(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding request: %v", err)
	}
	return b
}

// post is a call with a JSON body.
func post(method, target, token string, body []byte) call {
	return call{method: method, target: target, token: token,
		contentType: "application/json", body: body}
}

func get(target, token string) call {
	return call{method: http.MethodGet, target: target, token: token}
}

// TestOpenAPIResponsesConform sends sample requests to a hub and checks
// every response against the document, then checks that the samples
// reached every operation.
func TestOpenAPIResponsesConform(t *testing.T) {
	h := newSampleHub(t, true)
	c := newConformance(t, h.url)

	sampleAccess(t, c, h)
	firID := sampleInbound(t, c, h)
	deliveries := sampleMessages(t, c, h, firID)
	sampleReplays(t, c, h, firID, deliveries)
	sampleRoutesVersions(t, c, h)
	sampleExplain(t, c, h, firID)
	sampleVerification(t, c, h)
	sampleService(t, c, h)

	sampleEmptyRoutes(t, c, newSampleHub(t, false))
	down := newSampleHub(t, true)
	if err := down.db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}
	sampleUnavailable(t, c, down)

	c.wantCoverage(t)
}

// sampleAccess calls every endpoint that needs a token without one and
// with a token of the other kind.
func sampleAccess(t *testing.T, c *conformance, h *sampleHub) {
	wrongToken := map[string]string{
		"agency": operatorToken, "operator": policeToken, "metrics": policeToken,
		"verification": policeToken,
	}
	for _, r := range api.Routes() {
		if r.Access == "public" {
			continue
		}
		// A known agency, because an unknown one gets 404 before the
		// token's grant is checked.
		target := fillPathParams(strings.ReplaceAll(r.Path, "{agency}", "police"))
		c.do(t, h.url, call{method: r.Method, target: target}, http.StatusUnauthorized)
		c.do(t, h.url, call{method: r.Method, target: target, token: wrongToken[r.Access]},
			http.StatusForbidden)
		if r.Access != "metrics" {
			c.do(t, h.url, call{method: r.Method, target: target, token: metricsToken},
				http.StatusForbidden)
		}
	}
}

// sampleInbound posts agency bodies and returns the id of the FIR.
func sampleInbound(t *testing.T, c *conformance, h *sampleHub) string {
	const inbound = "/api/v1/inbound/police"
	fir := firBody(t, "OPENAPI-FIR-1", nil)
	r := c.do(t, h.url, post(http.MethodPost, inbound, policeToken, fir), http.StatusAccepted)
	var in api.InboundResponse
	if err := json.Unmarshal(r.body, &in); err != nil {
		t.Fatalf("decoding inbound response: %v", err)
	}
	c.do(t, h.url, post(http.MethodPost, inbound, policeToken, fir), http.StatusOK)
	reused := firBody(t, "OPENAPI-FIR-1", func(doc map[string]any) {
		doc["delay_reason"] = "The complainant was in hospital."
	})
	c.do(t, h.url, post(http.MethodPost, inbound, policeToken, reused), http.StatusConflict)

	xml := call{method: http.MethodPost, target: "/api/v1/inbound/prisons", token: prisonsToken,
		contentType: "application/xml",
		body:        readTestdata(t, "../../adapters/prisons/testdata/booking_report.xml")}
	c.do(t, h.url, xml, http.StatusAccepted)

	other := firBody(t, "OPENAPI-FIR-2", nil)
	c.do(t, h.url, post(http.MethodPost, inbound, "not-a-token", other), http.StatusUnauthorized)
	c.do(t, h.url, post(http.MethodPost, inbound, stationToken, other), http.StatusForbidden)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/inbound/prisons", policeToken, other),
		http.StatusForbidden)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/inbound/no-such-agency", strangerToken, other),
		http.StatusNotFound)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/inbound/no-such-agency", operatorToken, other),
		http.StatusNotFound)
	c.do(t, h.url, post(http.MethodPost, inbound, policeToken, []byte(`{"message_id": "x",`)),
		http.StatusBadRequest)
	invalid := firBody(t, "OPENAPI-FIR-3", func(doc map[string]any) {
		doc["fir"].(map[string]any)["year"] = 1800
	})
	c.do(t, h.url, post(http.MethodPost, inbound, policeToken, invalid), http.StatusBadRequest)
	latin1 := call{method: http.MethodPost, target: inbound, token: policeToken,
		contentType: "application/json; charset=iso-8859-1", body: firBody(t, "OPENAPI-FIR-5", nil)}
	c.do(t, h.url, latin1, http.StatusUnsupportedMediaType)
	gzipped := post(http.MethodPost, inbound, policeToken, firBody(t, "OPENAPI-FIR-6", nil))
	gzipped.encoding = "gzip"
	c.do(t, h.url, gzipped, http.StatusUnsupportedMediaType)
	huge := append(firBody(t, "OPENAPI-FIR-4", nil), strings.Repeat(" ", 64<<10)...)
	c.do(t, h.url, post(http.MethodPost, inbound, policeToken, huge),
		http.StatusRequestEntityTooLarge)
	return in.MessageID
}

// sampleMessages reads journeys and lists, checks the journeyed message
// against the canonical schema, and returns the FIR's deliveries by
// destination.
func sampleMessages(t *testing.T, c *conformance, h *sampleHub, id string) map[string]string {
	r := c.do(t, h.url, get("/api/v1/messages/"+id, operatorToken), http.StatusOK)
	var j struct {
		Message    json.RawMessage
		Deliveries []journal.Delivery
	}
	if err := json.Unmarshal(r.body, &j); err != nil {
		t.Fatalf("decoding journey: %v", err)
	}
	if err := schemas.Validate("canonical/message.json", j.Message); err != nil {
		t.Errorf("the journey's message breaks the canonical schema: %v", err)
	}
	byDestination := map[string]string{}
	for _, d := range j.Deliveries {
		byDestination[d.Destination] = d.ID
	}

	c.do(t, h.url, get("/api/v1/messages/"+unknownID, operatorToken), http.StatusNotFound)
	c.do(t, h.url, get("/api/v1/messages/not-a-uuid", operatorToken), http.StatusBadRequest)
	c.do(t, h.url, get("/api/v1/messages?source=police&sender_message_id=OPENAPI-FIR-1"+
		"&case_key=x&correlation_id=y&limit=5", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/messages?limit=5", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/messages?limit=0", operatorToken), http.StatusBadRequest)
	c.do(t, h.url, get("/api/v1/messages?after="+id+"&limit=5", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/messages?after=no-such-message", operatorToken),
		http.StatusBadRequest)
	return byDestination
}

// sampleReplays kills the FIR's registry delivery with an attempt made
// under the registry's policy, reads it in the journey and the dead
// letters, and replays it. The station delivery stays pending.
func sampleReplays(t *testing.T, c *conformance, h *sampleHub, id string, deliveries map[string]string) {
	dead, pending := deliveries["registry"], deliveries["station"]
	if dead == "" || pending == "" {
		t.Fatalf("the FIR's deliveries are %v, want station and registry", deliveries)
	}
	now := time.Now()
	err := h.store.RecordAttempt(context.Background(), journal.Attempt{
		DeliveryID: dead, StartedAt: now, FinishedAt: now, StatusCode: 500,
		Error: "destination answered 500", Result: journal.StatusDead, Policy: "v1/fir-summary",
	})
	if err != nil {
		t.Fatalf("recording a dead attempt: %v", err)
	}

	r := c.do(t, h.url, get("/api/v1/messages/"+id, operatorToken), http.StatusOK)
	if !strings.Contains(string(r.body), `"policy": "v1/fir-summary"`) {
		t.Errorf("journey: body %s, want the attempt's policy", r.body)
	}
	c.do(t, h.url, get("/api/v1/deadletters", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/deadletters?destination=registry&route=fir-to-station&reason=500"+
		"&from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00%2B05:30&limit=10", operatorToken),
		http.StatusOK)
	c.do(t, h.url, get("/api/v1/deadletters?from=yesterday", operatorToken), http.StatusBadRequest)
	c.do(t, h.url, get("/api/v1/deadletters?limit=1&after="+dead, operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/deadletters?after=no-such-delivery", operatorToken),
		http.StatusBadRequest)
	c.do(t, h.url, get("/api/v1/deadletters?destination=nope", operatorToken), http.StatusBadRequest)

	replay := "/api/v1/deliveries/" + dead + "/replay"
	c.do(t, h.url, post(http.MethodPost, replay, operatorToken, []byte(`{"by": "duty officer"}`)),
		http.StatusCreated)
	c.do(t, h.url, call{method: http.MethodPost, target: replay, token: operatorToken},
		http.StatusOK)
	c.do(t, h.url, post(http.MethodPost, replay, operatorToken, []byte(`{"force": "yes"}`)),
		http.StatusBadRequest)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/deliveries/"+pending+"/replay", operatorToken,
		nil), http.StatusConflict)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/deliveries/"+unknownID+"/replay",
		operatorToken, nil), http.StatusNotFound)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/deliveries/not-a-uuid/replay",
		operatorToken, nil), http.StatusBadRequest)
	c.do(t, h.url, post(http.MethodPost, replay, operatorToken,
		[]byte(`{"by": "`+strings.Repeat("x", 3<<20)+`"}`)), http.StatusRequestEntityTooLarge)

	many := "/api/v1/deadletters/replay"
	c.do(t, h.url, post(http.MethodPost, many, operatorToken, []byte(`{"force": true, `+
		`"destination": "registry", "from": "2020-01-01T00:00:00Z", "limit": 10}`)), http.StatusOK)
	c.do(t, h.url, post(http.MethodPost, many, operatorToken, []byte(`{"destinatio": "station"}`)),
		http.StatusBadRequest)
	c.do(t, h.url, post(http.MethodPost, many, operatorToken, []byte(`{"all": true, "limit": 5}`)),
		http.StatusOK)
	r = c.do(t, h.url, post(http.MethodPost, many, operatorToken,
		[]byte(`{"destination": "no-such-destination"}`)), http.StatusBadRequest)
	if !strings.Contains(string(r.body), "no-such-destination") {
		t.Errorf("replay to an unknown destination: body %s, want it to name the destination", r.body)
	}
	huge := []byte(`{"reason": "` + strings.Repeat("x", 3<<20) + `"}`)
	c.do(t, h.url, post(http.MethodPost, many, operatorToken, huge), http.StatusRequestEntityTooLarge)
}

// sampleRoutesVersions reads, changes and restores the routes.
func sampleRoutesVersions(t *testing.T, c *conformance, h *sampleHub) {
	c.do(t, h.url, get("/api/v1/destinations", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/routes", operatorToken), http.StatusOK)

	// The change's dry run and save carry sampleRoutesWarning.
	changed := arrestRoutes
	change := func(doc string, expect int, dryRun bool) []byte {
		return jsonBody(t, api.RoutesChange{Document: doc, Comment: "add arrests",
			Expect: expect, DryRun: dryRun})
	}
	const put = http.MethodPut
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, change(changed, 1, true)),
		http.StatusOK)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, change(changed, 1, false)),
		http.StatusCreated)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, change(sampleRoutes, 1, false)),
		http.StatusConflict)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, change(changed, 2, false)),
		http.StatusConflict)
	broken := strings.Replace(changed, `"arrest"`, `"arrest" &&`, 1)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, change(broken, 2, false)),
		http.StatusBadRequest)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken, nil), http.StatusBadRequest)
	c.do(t, h.url, post(put, "/api/v1/routes", operatorToken,
		change(changed+"# "+strings.Repeat("x", 3<<20)+"\n", 2, true)),
		http.StatusRequestEntityTooLarge)

	c.do(t, h.url, get("/api/v1/routes/versions", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/routes/versions?limit=1", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/routes/versions?limit=0", operatorToken), http.StatusBadRequest)
	c.do(t, h.url, get("/api/v1/routes/versions/1", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/routes/versions/99", operatorToken), http.StatusNotFound)
	c.do(t, h.url, get("/api/v1/routes/versions/one", operatorToken), http.StatusBadRequest)

	restore := "/api/v1/routes/versions/1/restore"
	c.do(t, h.url, post(http.MethodPost, restore, operatorToken,
		[]byte(`{"expect": 2, "dry_run": true}`)), http.StatusOK)
	c.do(t, h.url, post(http.MethodPost, restore, operatorToken,
		[]byte(`{"expect": 2, "comment": "undo arrests"}`)), http.StatusCreated)
	c.do(t, h.url, post(http.MethodPost, restore, operatorToken, []byte(`{"expect": 3}`)),
		http.StatusConflict)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/routes/versions/99/restore", operatorToken,
		[]byte(`{"expect": 3}`)), http.StatusNotFound)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/routes/versions/0/restore", operatorToken,
		[]byte(`{"expect": 3}`)), http.StatusBadRequest)
	c.do(t, h.url, post(http.MethodPost, restore, operatorToken,
		[]byte(`{"expect": 3, "comment": "`+strings.Repeat("x", 3<<20)+`"}`)),
		http.StatusRequestEntityTooLarge)
}

// sampleExplain explains a stored message, a canonical message and an
// agency's body.
func sampleExplain(t *testing.T, c *conformance, h *sampleHub, id string) {
	const explain = "/api/v1/routes/explain"
	r := c.do(t, h.url, get("/api/v1/messages/"+id, operatorToken), http.StatusOK)
	var j struct{ Message json.RawMessage }
	if err := json.Unmarshal(r.body, &j); err != nil {
		t.Fatalf("decoding journey: %v", err)
	}
	fir := string(firBody(t, "OPENAPI-FIR-5", nil))
	arrest := string(readTestdata(t, "../../adapters/police/testdata/arrest.json"))
	// sampleInbound posted this body, so its explanation is a duplicate's.
	posted := string(firBody(t, "OPENAPI-FIR-1", nil))

	ok := []string{
		`{"message_id": "` + id + `"}`,
		`{"message": ` + string(j.Message) + `}`,
		string(jsonBody(t, map[string]string{"agency": "police", "body": fir,
			"content_type": "application/json"})),
		string(jsonBody(t, map[string]string{"agency": "police", "body": posted})),
		string(jsonBody(t, map[string]string{"agency": "police", "body": arrest})),
	}
	for _, body := range ok {
		c.do(t, h.url, post(http.MethodPost, explain, operatorToken, []byte(body)), http.StatusOK)
	}
	bad := []string{`{}`, `{"message_id": 7}`, `{"message_id": "not-a-uuid"}`,
		`{"agency": "police", "body": "{"}`,
		`{"message": {"type": "fir"}}`}
	for _, body := range bad {
		c.do(t, h.url, post(http.MethodPost, explain, operatorToken, []byte(body)),
			http.StatusBadRequest)
	}
	c.do(t, h.url, post(http.MethodPost, explain, operatorToken,
		[]byte(`{"message_id": "`+unknownID+`"}`)), http.StatusNotFound)
	c.do(t, h.url, post(http.MethodPost, explain, operatorToken,
		[]byte(`{"agency": "no-such-agency", "body": "x"}`)), http.StatusNotFound)

	// The sample hub's inbound limit is 64 KiB, so an explain request
	// with an agency's body may have 2176 KiB and others 2 MiB.
	for _, tc := range []struct{ body, wantLimit string }{
		{`{"message_id": "` + id + `", "content_type": "` + strings.Repeat("x", 2100<<10) + `"}`,
			"limit of 2 MiB for a request without an agency's body"},
		{string(jsonBody(t, map[string]string{"agency": "police",
			"body": fir + strings.Repeat(" ", 64<<10)})), "inbound limit of 64 KiB"},
		{string(jsonBody(t, map[string]string{"agency": "police",
			"body": fir + strings.Repeat("\n", 2200<<10)})), "limit of 2176 KiB"},
	} {
		r := c.do(t, h.url, post(http.MethodPost, explain, operatorToken, []byte(tc.body)),
			http.StatusRequestEntityTooLarge)
		if !strings.Contains(string(r.body), tc.wantLimit) {
			t.Errorf("explain of %d bytes: body %s, want %q", len(tc.body), r.body, tc.wantLimit)
		}
	}
}

// sampleFileNumber is the passport file that sampleVerificationStatus
// has a status for.
const sampleFileNumber = "CO1075120411325"

// fileNumberPattern is a passport file number.
var fileNumberPattern = regexp.MustCompile(`^[A-Z0-9]{8,20}$`)

// sampleVerificationStatus serves a status of sampleFileNumber with
// every member set, 400 for a path value that is not a file number, and
// 404 for other files, as the hub's handler does. The hub's tests check
// the statuses that a hub computes.
func sampleVerificationStatus(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file_number")
	if !fileNumberPattern.MatchString(file) {
		problem.Write(w, problem.New(problem.BadRequest, "file_number: invalid value "+file))
		return
	}
	if file != sampleFileNumber {
		problem.Write(w, problem.New(problem.NotFound, "no verification request for "+file))
		return
	}
	api.WriteJSON(w, http.StatusOK, verification.Status{
		FileNumber: file, State: verification.StateReportedLate, RequestID: "request-id",
		ReceivedAt:    time.Date(2025, 12, 1, 5, 30, 0, 0, time.UTC),
		EscalatedAt:   time.Date(2025, 12, 23, 0, 1, 0, 0, time.UTC),
		PoliceStation: "EKM0420", DistrictOffice: "KOCHI-CITY",
		HeldBy: []string{"EKM0420", "KOCHI-CITY"},
		Deliveries: []verification.Delivery{
			{PoliceUnit: "EKM0420", MessageID: "request-id", Status: journal.StatusDead,
				DeliveryID: "dead-delivery-id"},
			{PoliceUnit: "KOCHI-CITY", MessageID: "escalation-id",
				Status: journal.StatusDelivered, DeliveryID: "delivery-id"},
		},
		DueOn: "2025-12-22", EscalationID: "escalation-id", ReportID: "report-id",
		Outcome: string(canonical.VerificationClear), ReportedOn: "2025-12-24",
		ReportedBy: "KOCHI-CITY",
		EarlierReports: []verification.Report{{ReportID: "earlier-report-id",
			Outcome: string(canonical.VerificationAdverse), ReportedOn: "2025-12-23",
			PoliceStation: "EKM0420"}},
		OutcomesDiffer: true,
	})
}

// sampleVerification reads a verification status with the passport
// office's and an operator's token.
func sampleVerification(t *testing.T, c *conformance, h *sampleHub) {
	const status = "/api/v1/verifications/"
	c.do(t, h.url, get(status+sampleFileNumber, passportToken), http.StatusOK)
	c.do(t, h.url, get(status+sampleFileNumber, operatorToken), http.StatusOK)
	c.do(t, h.url, get(status+"CO1075129999999", passportToken), http.StatusNotFound)
	c.do(t, h.url, get(status+"co-1", passportToken), http.StatusBadRequest)

	const list = "/api/v1/verifications"
	r := c.do(t, h.url, get(list+"?overdue=true&limit=1", passportToken), http.StatusOK)
	var page verification.RequestPage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatalf("decoding %s: %v", list, err)
	}
	if page.Next == "" {
		t.Fatalf("first page of one of two overdue files has no next: %s", r.body)
	}
	c.do(t, h.url, get(list+"?overdue=true&after="+page.Next, operatorToken), http.StatusOK)
	c.do(t, h.url, get(list+"?state=open&due_after=2025-01-01&due_before=2099-01-01",
		operatorToken), http.StatusOK)
	c.do(t, h.url, get(list+"?overdue=yes", passportToken), http.StatusBadRequest)
}

// sampleVerificationTracker returns a tracker over a verification index
// in db with two overdue requests, one of them escalated, and one due
// in 2099.
func sampleVerificationTracker(t *testing.T, db *sql.DB, store journal.Store,
	log *slog.Logger) *verification.Tracker {
	t.Helper()
	ctx := context.Background()
	index, err := verification.NewSQLiteIndex(ctx, db, verification.IndexConfig{
		Journal: store, Logger: log,
	})
	if err != nil {
		t.Fatalf("opening verification index: %v", err)
	}
	t.Cleanup(func() { _ = index.Close() })
	received := time.Date(2025, 12, 1, 5, 30, 0, 0, time.UTC)
	for i, due := range []string{"2025-12-22", "2025-12-23", "2099-01-01"} {
		request := &canonical.Message{
			ID: fmt.Sprintf("request-%d", i), Type: canonical.TypeVerificationRequest,
			ReceivedAt: received,
			VerificationRequest: &canonical.VerificationRequest{
				FileNumber: fmt.Sprintf("CO10751204%05d", i), DueOn: due,
			},
		}
		if err := index.Add(ctx, request); err != nil {
			t.Fatalf("indexing request %d: %v", i, err)
		}
	}
	escalation := &canonical.Message{
		ID: "escalation-0", Type: canonical.TypeVerificationRequest, CorrelationID: "request-0",
		VerificationRequest: &canonical.VerificationRequest{
			FileNumber: "CO1075120400000", DueOn: "2025-12-22", Escalated: true,
		},
	}
	if err := index.Add(ctx, escalation); err != nil {
		t.Fatalf("indexing escalation: %v", err)
	}
	return &verification.Tracker{Index: index, Journal: store}
}

// sampleService reads the public endpoints and requests no route
// serves.
func sampleService(t *testing.T, c *conformance, h *sampleHub) {
	c.do(t, h.url, get("/healthz", ""), http.StatusOK)
	c.do(t, h.url, get("/readyz", ""), http.StatusOK)
	c.do(t, h.url, get("/metrics", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/metrics", metricsToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/openapi.json", ""), http.StatusOK)
	c.do(t, h.url, get("/api/v1/openapi.yaml", ""), http.StatusOK)
	c.do(t, h.url, call{method: http.MethodDelete, target: "/api/v1/routes",
		token: operatorToken}, http.StatusMethodNotAllowed)
	c.do(t, h.url, get("/api/v1/inbound/police", policeToken), http.StatusMethodNotAllowed)
	c.do(t, h.url, get("/api/v1/no-such-endpoint", operatorToken), http.StatusNotFound)
}

// sampleEmptyRoutes reads and changes the routes of a hub whose routes
// store has no version.
func sampleEmptyRoutes(t *testing.T, c *conformance, h *sampleHub) {
	c.do(t, h.url, get("/api/v1/routes", operatorToken), http.StatusNotFound)
	c.do(t, h.url, get("/api/v1/routes/versions", operatorToken), http.StatusOK)
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes, Expect: 0})
	c.do(t, h.url, post(http.MethodPut, "/api/v1/routes", operatorToken, change),
		http.StatusNotFound)
}

// sampleUnavailable sends requests to a hub whose database is closed.
func sampleUnavailable(t *testing.T, c *conformance, h *sampleHub) {
	const status = http.StatusServiceUnavailable
	fir := firBody(t, "OPENAPI-FIR-6", nil)
	c.do(t, h.url, post(http.MethodPost, "/api/v1/inbound/police", policeToken, fir), status)
	c.do(t, h.url, get("/readyz", ""), status)
	// The metrics report the journal as down instead of failing, and the
	// destinations are listed without their backlogs.
	c.do(t, h.url, get("/metrics", operatorToken), http.StatusOK)
	c.do(t, h.url, get("/api/v1/destinations", operatorToken), http.StatusOK)
	for _, target := range []string{
		"/api/v1/messages", "/api/v1/messages/" + unknownID, "/api/v1/deadletters",
		"/api/v1/routes", "/api/v1/routes/versions", "/api/v1/routes/versions/1",
		"/api/v1/verifications",
	} {
		c.do(t, h.url, get(target, operatorToken), status)
	}
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes + "# changed\n", Expect: 1})
	for _, k := range []call{
		post(http.MethodPost, "/api/v1/deadletters/replay", operatorToken, []byte(`{"all": true}`)),
		post(http.MethodPost, "/api/v1/deliveries/"+unknownID+"/replay", operatorToken, nil),
		post(http.MethodPut, "/api/v1/routes", operatorToken, change),
		post(http.MethodPost, "/api/v1/routes/versions/1/restore", operatorToken,
			[]byte(`{"expect": 1}`)),
		post(http.MethodPost, "/api/v1/routes/explain", operatorToken,
			[]byte(`{"message_id": "`+unknownID+`"}`)),
	} {
		c.do(t, h.url, k, status)
	}
}
