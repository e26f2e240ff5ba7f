package hub

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// world is a hub with the mock court and police station around it.
type world struct {
	hub    *Hub
	url    string
	agency *agencies
}

func newWorld(t *testing.T, cfg Config, maxAttempts int) *world {
	t.Helper()
	var hubURL atomic.Value
	hubURL.Store("")
	ag := startAgencies(t, func() string { return hubURL.Load().(string) })
	cfg.Routes = ag.routesFor(maxAttempts)
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	h := startHub(t, cfg)
	hubURL.Store("http://" + h.Addr())
	return &world{hub: h, url: "http://" + h.Addr(), agency: ag}
}

func TestChargesheetReachesCourtAndCNRReturnsSQLite(t *testing.T) {
	testChargesheetToCNR(t, Config{})
}

func TestChargesheetReachesCourtAndCNRReturnsPostgres(t *testing.T) {
	testChargesheetToCNR(t, Config{PostgresDSN: postgresDSN(t)})
}

func TestChargesheetReachesCourtAndCNRReturnsKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	var (
		mu       sync.Mutex
		sessions = map[int32]int{}
	)
	cluster.Fault(kfake.Fault{
		Keys: []kmsg.Key{kmsg.JoinGroup}, Observe: true, Count: -1,
		When: func(req kmsg.Request) bool {
			if join, ok := req.(*kmsg.JoinGroupRequest); ok {
				mu.Lock()
				sessions[join.SessionTimeoutMillis]++
				mu.Unlock()
			}
			return true
		},
	})
	testChargesheetToCNR(t, Config{PostgresDSN: postgresDSN(t), KafkaBrokers: cluster.ListenAddrs(),
		KafkaSessionTimeout: 10 * time.Second})

	mu.Lock()
	defer mu.Unlock()
	if len(sessions) != 1 || sessions[10000] == 0 {
		t.Errorf("JoinGroup session timeouts (ms: requests) = %v, want only 10000", sessions)
	}
}

// The idle tests poll the bus once an hour, so that messages move only
// because the journal wakes the subscribers of the topics it published
// to after each commit.
func TestIdleHubWakesSubscribersSQLite(t *testing.T) {
	testChargesheetToCNR(t, Config{PollInterval: time.Hour})
}

func TestIdleHubWakesSubscribersPostgres(t *testing.T) {
	testChargesheetToCNR(t, Config{PostgresDSN: postgresDSN(t), PollInterval: time.Hour})
}

func TestIdleHubWakesSubscribersKafka(t *testing.T) {
	testChargesheetToCNR(t, Config{PostgresDSN: postgresDSN(t), KafkaBrokers: startKafka(t),
		KafkaSessionTimeout: 10 * time.Second, PollInterval: time.Hour})
}

func testChargesheetToCNR(t *testing.T, cfg Config) {
	w := newWorld(t, cfg, 5)
	status, res, body := post(t, w.url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if status != http.StatusAccepted {
		t.Fatalf("inbound status = %d, body %s", status, body)
	}

	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "delivered" {
		t.Fatalf("chargesheet journey status = %q: %+v", j.Status, j.Deliveries)
	}
	if len(j.Deliveries) != 1 || j.Deliveries[0].Destination != "ecourts-kerala" {
		t.Fatalf("deliveries = %+v, want one to ecourts-kerala", j.Deliveries)
	}
	if !j.Routing[0].Matched || j.Routing[0].Route != "final-report-to-court" {
		t.Errorf("routing = %+v, want final-report-to-court matched", j.Routing)
	}
	if got := j.Deliveries[0].Attempts[0].Policy; !strings.HasPrefix(got, "v1/") {
		t.Errorf("attempt policy = %q, want the routes version and policy applied", got)
	}
	if j.RoutesVersion != "v1" {
		t.Errorf("routes version = %q, want v1", j.RoutesVersion)
	}

	regs := w.agency.court.Registrations()
	if len(regs) != 1 {
		t.Fatalf("court registered %d filings, want 1", len(regs))
	}
	cnr := regs[0].CNR
	if _, err := canonical.ParseCNR(cnr); err != nil {
		t.Errorf("court assigned an invalid CNR: %v", err)
	}

	var found api.FindResponse
	waitFor(t, "the court's registration", func() bool {
		getJSON(t, w.url, "/api/v1/messages?correlation_id="+res.MessageID, &found)
		return len(found.Messages) == 1
	})
	reply := settledJourney(t, w.url, found.Messages[0].MessageID)
	if reply.Type != canonical.TypeCourtRegistration || reply.Status != "delivered" {
		t.Fatalf("registration journey: type %s status %s", reply.Type, reply.Status)
	}
	if reply.CaseKey != j.CaseKey {
		t.Errorf("registration case key = %q, want the chargesheet's %q", reply.CaseKey, j.CaseKey)
	}
	if got := reply.Message.CourtRegistration.CNR; got != cnr {
		t.Errorf("journaled CNR = %q, want %q", got, cnr)
	}

	notes := w.agency.station.Received()
	if len(notes) != 1 {
		t.Fatalf("police station received %d notifications, want 1", len(notes))
	}
	if !strings.Contains(string(notes[0].Body), cnr) {
		t.Errorf("police notification lacks CNR %s: %s", cnr, notes[0].Body)
	}
	if strings.Contains(string(notes[0].Body), "586301729436") {
		t.Error("police notification carries an Aadhaar number in clear")
	}
}

func TestDuplicateReturnsOriginalID(t *testing.T) {
	w := newWorld(t, Config{}, 5)
	doc := sample(t, "chargesheet-2023-ipc")
	status, first, _ := post(t, w.url, "police", doc)
	if status != http.StatusAccepted {
		t.Fatalf("first post status = %d", status)
	}
	status, second, _ := post(t, w.url, "police", doc)
	if status != http.StatusOK {
		t.Errorf("repeat status = %d, want 200", status)
	}
	if second.MessageID != first.MessageID {
		t.Errorf("repeat id = %s, want original %s", second.MessageID, first.MessageID)
	}
	if !second.Messages[0].Duplicate {
		t.Error("repeat not marked duplicate")
	}
	settledJourney(t, w.url, first.MessageID)
	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=police", &found)
	if len(found.Messages) != 1 {
		t.Errorf("journal holds %d police messages, want 1", len(found.Messages))
	}
	if n := len(w.agency.court.Received()); n != 1 {
		t.Errorf("court received %d filings, want 1", n)
	}
}

// editJSON decodes doc, applies edit and encodes it again.
func editJSON(t *testing.T, doc []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInvalidChargesheetRejectedAndNothingStored(t *testing.T) {
	w := newWorld(t, Config{}, 5)
	doc := editJSON(t, sample(t, "chargesheet-2025-bns-malayalam"), func(m map[string]any) {
		delete(m, "accused")
		m["report_date"] = "2025-13-45"
		sections := m["sections"].([]any)
		sections[0].(map[string]any)["section"] = "999"
	})
	status, _, body := post(t, w.url, "police", doc)
	if status != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400; body %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "urn:sangam:problem:invalid-message" {
		t.Errorf("problem type = %q", p.Type)
	}
	want := map[string]string{ // pointer -> rule
		"/accused":            "required",
		"/report_date":        "format",
		"/sections/0/section": "section",
	}
	for pointer, rule := range want {
		if !hasViolation(p, pointer, rule) {
			t.Errorf("no %q violation at %q in %+v", rule, pointer, p.Errors)
		}
	}
	if !strings.Contains(string(body), "accused") {
		t.Errorf("errors do not name the missing accused: %s", body)
	}

	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=police", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal holds %d messages after a rejected one", len(found.Messages))
	}
	if n := len(w.agency.court.Received()); n != 0 {
		t.Errorf("court received %d filings after a rejected message", n)
	}
}

func hasViolation(p problem.Problem, pointer, rule string) bool {
	for _, v := range p.Errors {
		if v.Pointer == pointer && v.Rule == rule {
			return true
		}
	}
	return false
}

func TestRetryOnServerErrorThenDeliver(t *testing.T) {
	w := newWorld(t, Config{}, 5)
	w.agency.court.FailNext(2, http.StatusServiceUnavailable)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "delivered" {
		t.Fatalf("status = %s, want delivered", j.Status)
	}
	attempts := j.Deliveries[0].Attempts
	if len(attempts) != 3 {
		t.Fatalf("%d attempts, want 3: %+v", len(attempts), attempts)
	}
	for i, a := range attempts[:2] {
		if a.StatusCode != http.StatusServiceUnavailable || a.Result != journal.StatusPending {
			t.Errorf("attempt %d = %+v, want 503 pending", i+1, a)
		}
	}
	if attempts[2].Result != journal.StatusDelivered {
		t.Errorf("last attempt = %+v, want delivered", attempts[2])
	}
}

func TestClientErrorDeadLettersAtOnce(t *testing.T) {
	w := newWorld(t, Config{}, 5)
	w.agency.court.FailNext(1, http.StatusUnprocessableEntity)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "dead" {
		t.Fatalf("status = %s, want dead", j.Status)
	}
	d := j.Deliveries[0]
	if len(d.Attempts) != 1 {
		t.Errorf("%d attempts, want 1", len(d.Attempts))
	}
	if !strings.Contains(d.Reason, "422") {
		t.Errorf("reason %q does not name the status", d.Reason)
	}
}

func TestRetriesExhaustedDeadLetters(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	w.agency.court.FailNext(10, http.StatusBadGateway)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "dead" {
		t.Fatalf("status = %s, want dead", j.Status)
	}
	d := j.Deliveries[0]
	if len(d.Attempts) != 3 {
		t.Errorf("%d attempts, want 3", len(d.Attempts))
	}
	if !strings.Contains(d.Reason, "gave up after 3 attempts") {
		t.Errorf("reason = %q", d.Reason)
	}
}

func TestUnknownAgencyAndMissingMessage(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	status, _, body := post(t, w.url, "astrologers", []byte(`{}`))
	if status != http.StatusNotFound || !strings.Contains(string(body), "unknown-agency") {
		t.Errorf("unknown agency: status %d body %s", status, body)
	}
	var j journal.Journey
	const unknownID = "0193c9e4-0000-7000-8000-000000000000"
	if code := getJSON(t, w.url, "/api/v1/messages/"+unknownID, &j); code != http.StatusNotFound {
		t.Errorf("missing message: status %d, want 404", code)
	}
	if code := getJSON(t, w.url, "/api/v1/messages/nope", &j); code != http.StatusBadRequest {
		t.Errorf("message id not a UUID: status %d, want 400", code)
	}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/no/such/endpoint", http.StatusNotFound},
		{http.MethodDelete, "/api/v1/messages/x", http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(c.method, w.url+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s: Content-Type %q, want problem details", c.method, c.path, ct)
		}
	}
}
