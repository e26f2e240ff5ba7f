package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/problem"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/routes"
)

// testKey is the Aadhaar masking key of the test adapters.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// firPath is a police FIR that the police adapter accepts.
const firPath = "../../adapters/police/testdata/fir.json"

// testRoutes sends every FIR to one police station.
const testRoutes = `
version: api-test
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

// fixture is the API over a SQLite journal in a temporary folder, served
// on loopback.
type fixture struct {
	db     *sql.DB
	store  journal.Store
	ingest *ingest.Service
	url    string
	logs   *lockedBuffer // the server's log, one JSON object per line
}

// newFixture starts the API with the given body limit, DefaultMaxBody
// when zero.
func newFixture(t *testing.T, maxBody int64) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := hubsqlite.Open(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	store, err := journalsqlite.New(ctx, db, journalsqlite.Config{Logger: log})
	if err != nil {
		t.Fatalf("opening journal: %v", err)
	}
	table, err := routes.Load([]byte(testRoutes))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	if err := sqlitebus.InitializeTopic(ctx, db, delivery.Topic("station", 0)); err != nil {
		t.Fatalf("initializing topic: %v", err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}

	svc := &ingest.Service{
		Adapters: set, Store: store, Log: log,
		Routes: func() *routes.Table { return table },
	}
	server := &api.Server{Ingest: svc, Store: store, Log: log, MaxBody: maxBody}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return &fixture{db: db, store: store, ingest: svc, url: srv.URL, logs: logs}
}

// response is an HTTP response with its body read.
type response struct {
	status      int
	contentType string
	body        []byte
	header      http.Header
}

func (f *fixture) post(t *testing.T, path string, body []byte) response {
	t.Helper()
	resp, err := http.Post(f.url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return readResponse(t, resp)
}

func (f *fixture) get(t *testing.T, path string) response {
	t.Helper()
	resp, err := http.Get(f.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return readResponse(t, resp)
}

func readResponse(t *testing.T, resp *http.Response) response {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), body, resp.Header}
}

// wantProblem decodes r as problem details and fails t unless it has
// the status and type of kind.
func wantProblem(t *testing.T, r response, kind problem.Kind) problem.Problem {
	t.Helper()
	if r.status != kind.Status {
		t.Errorf("status = %d, want %d; body %s", r.status, kind.Status, r.body)
	}
	if r.contentType != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", r.contentType)
	}
	var p problem.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decoding problem %s: %v", r.body, err)
	}
	if want := "urn:sangam:problem:" + kind.Code; p.Type != want {
		t.Errorf("problem type = %q, want %q", p.Type, want)
	}
	if p.Status != kind.Status || p.Retryable != kind.Retryable {
		t.Errorf("problem status %d, retryable %t; want %d, %t",
			p.Status, p.Retryable, kind.Status, kind.Retryable)
	}
	return p
}

// wantNothingJournaled fails t unless the journal has no message.
func (f *fixture) wantNothingJournaled(t *testing.T) {
	t.Helper()
	found, err := f.store.Find(context.Background(), journal.Query{})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if len(found) != 0 {
		t.Errorf("journal has %d messages, want none", len(found))
	}
}

// firBody returns the test FIR with message_id set to sender, after
// edit changes the decoded document when it is not nil.
func firBody(t *testing.T, sender string, edit func(doc map[string]any)) []byte {
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
	if edit != nil {
		edit(doc)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("encoding FIR: %v", err)
	}
	return body
}

// decodeInbound decodes r as an accepted inbound post.
func decodeInbound(t *testing.T, r response) api.InboundResponse {
	t.Helper()
	if r.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", r.contentType)
	}
	var in api.InboundResponse
	if err := json.Unmarshal(r.body, &in); err != nil {
		t.Fatalf("decoding response %s: %v", r.body, err)
	}
	if len(in.Messages) != 1 {
		t.Fatalf("response lists %d messages, want 1: %s", len(in.Messages), r.body)
	}
	if in.MessageID == "" || in.MessageID != in.Messages[0].MessageID {
		t.Errorf("message_id = %q, want the first message's %q", in.MessageID, in.Messages[0].MessageID)
	}
	return in
}

func TestInboundAccepted(t *testing.T) {
	f := newFixture(t, 0)
	r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-1", nil))

	if r.status != http.StatusAccepted {
		t.Fatalf("status = %d, want 202; body %s", r.status, r.body)
	}
	in := decodeInbound(t, r)
	if m := in.Messages[0]; m.SenderMessageID != "EKM0412-FIR-1" || m.Duplicate {
		t.Errorf("message = %+v, want sender id EKM0412-FIR-1, not a duplicate", m)
	}
	if _, err := f.store.Journey(context.Background(), in.MessageID); err != nil {
		t.Errorf("Journey of the accepted message: %v", err)
	}
}

func TestInboundDuplicate(t *testing.T) {
	f := newFixture(t, 0)
	body := firBody(t, "EKM0412-FIR-2", nil)
	first := decodeInbound(t, f.post(t, "/api/v1/inbound/police", body))

	r := f.post(t, "/api/v1/inbound/police", body)
	if r.status != http.StatusOK {
		t.Errorf("status of a duplicate = %d, want 200", r.status)
	}
	again := decodeInbound(t, r)
	if again.MessageID != first.MessageID {
		t.Errorf("duplicate message_id = %q, want the original's %q", again.MessageID, first.MessageID)
	}
	if !again.Messages[0].Duplicate {
		t.Errorf("duplicate = false, want true")
	}
}

func TestInboundReusedIDWithOtherContent(t *testing.T) {
	f := newFixture(t, 0)
	first := decodeInbound(t, f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-40", nil)))

	changed := firBody(t, "EKM0412-FIR-40", func(doc map[string]any) {
		doc["delay_reason"] = "The complainant was in hospital."
	})
	p := wantProblem(t, f.post(t, "/api/v1/inbound/police", changed), problem.Conflict)
	for _, want := range []string{"EKM0412-FIR-40", first.MessageID} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail = %q, want it to name %s", p.Detail, want)
		}
	}
	found, err := f.store.Find(context.Background(), journal.Query{SenderMessageID: "EKM0412-FIR-40"})
	if err != nil || len(found) != 1 || found[0].MessageID != first.MessageID {
		t.Errorf("Find = %+v, %v; want only the first message", found, err)
	}

	// The same document sent again, as after a lost response, is a
	// resend, even with a new sent_at.
	resent := firBody(t, "EKM0412-FIR-40", func(doc map[string]any) {
		doc["sent_at"] = "2026-03-15T10:00:00+05:30"
	})
	r := f.post(t, "/api/v1/inbound/police", resent)
	if r.status != http.StatusOK {
		t.Fatalf("resend: status %d, want 200: %s", r.status, r.body)
	}
	if again := decodeInbound(t, r); again.MessageID != first.MessageID {
		t.Errorf("resend message_id = %q, want the original's %q", again.MessageID, first.MessageID)
	}
}

func TestInboundTooLarge(t *testing.T) {
	for _, tc := range []struct {
		limit int64
		words string
	}{
		{1000, "1000 bytes"},
		{2 << 10, "2 KiB"},
		{3 << 20, "3 MiB"},
	} {
		f := newFixture(t, tc.limit)
		body := append(firBody(t, "EKM0412-FIR-3", nil), bytes.Repeat([]byte(" "), int(tc.limit))...)
		p := wantProblem(t, f.post(t, "/api/v1/inbound/police", body), problem.TooLarge)
		if !strings.Contains(p.Detail, tc.words) {
			t.Errorf("detail = %q, want it to state the limit as %q", p.Detail, tc.words)
		}
		f.wantNothingJournaled(t)
	}
}

func TestInboundMalformed(t *testing.T) {
	f := newFixture(t, 0)
	r := f.post(t, "/api/v1/inbound/police", []byte(`{"message_id": "EKM0412-FIR-4",`))
	p := wantProblem(t, r, problem.Malformed)
	const want = "invalid JSON at byte 31: the body ends before the JSON object does"
	if p.Detail != want+"; nothing was stored" {
		t.Errorf("detail = %q, want %q and that nothing was stored", p.Detail, want)
	}
	if len(p.Errors) != 1 || p.Errors[0].Rule != ingest.RuleMalformed || p.Errors[0].Pointer != "" ||
		p.Errors[0].Message != want {
		t.Errorf("errors = %+v, want one of rule %s with the message %q",
			p.Errors, ingest.RuleMalformed, want)
	}
	f.wantNothingJournaled(t)
}

func TestInboundInvalid(t *testing.T) {
	f := newFixture(t, 0)
	body := firBody(t, "EKM0412-FIR-5", func(doc map[string]any) {
		doc["fir"].(map[string]any)["year"] = 1800
	})
	p := wantProblem(t, f.post(t, "/api/v1/inbound/police", body), problem.Invalid)

	if len(p.Errors) == 0 {
		t.Fatalf("problem lists no errors, want the violations")
	}
	pointers := []string{}
	for _, v := range p.Errors {
		pointers = append(pointers, v.Pointer)
		if v.Rule == "" || v.Message == "" {
			t.Errorf("violation %+v lacks a rule or a message", v)
		}
	}
	if !strings.Contains(strings.Join(pointers, " "), "/fir/year") {
		t.Errorf("violations point at %v, want /fir/year among them", pointers)
	}
	f.wantNothingJournaled(t)
}

func TestInboundUnknownAgency(t *testing.T) {
	f := newFixture(t, 0)
	r := f.post(t, "/api/v1/inbound/no-such-agency", firBody(t, "EKM0412-FIR-6", nil))
	p := wantProblem(t, r, problem.UnknownAgency)
	if !strings.Contains(p.Detail, "no-such-agency") {
		t.Errorf("detail = %q, want it to name the agency", p.Detail)
	}
	if !strings.Contains(p.Detail, "known agencies are courts, passport, police, prisons") {
		t.Errorf("detail = %q, want it to list the known agencies", p.Detail)
	}
	f.wantNothingJournaled(t)
}

func TestInboundStoreFailure(t *testing.T) {
	f := newFixture(t, 0)
	if err := f.db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}
	r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-7", nil))
	p := wantProblem(t, r, problem.Unavailable)
	if !p.Retryable {
		t.Errorf("retryable = false, want true: the sender should send it again")
	}
}

// holdEnricher blocks in Enrich until release is closed, after telling
// entered.
type holdEnricher struct {
	entered chan struct{}
	release chan struct{}
}

func (h holdEnricher) Enrich(context.Context, *canonical.Message) error {
	h.entered <- struct{}{}
	<-h.release
	return nil
}

func TestInboundBusy(t *testing.T) {
	f := newFixture(t, 0)
	var hold ingesttest.Hold
	f.ingest.Adapters, hold = ingesttest.HoldDecoding(t, f.ingest.Adapters, "police", 1)
	f.ingest.Admission = ingest.NewAdmission(1, 20*time.Millisecond)

	first := make(chan response, 1)
	go func() { first <- f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-30", nil)) }()
	<-hold.Entered

	r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-31", nil))
	for i := range 4 {
		f.post(t, "/api/v1/inbound/police", firBody(t, fmt.Sprintf("EKM0412-FIR-4%d", i), nil))
	}
	if lines := f.logs.lines(t, "inbound message rejected because the hub is busy"); len(lines) != 1 ||
		lines[0]["level"] != "WARN" {
		t.Errorf("log lines for 5 busy rejections: %v, want 1 warning until the interval passes", lines)
	}
	p := wantProblem(t, r, problem.Busy)
	if !p.Retryable {
		t.Errorf("retryable = false, want true")
	}
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	close(hold.Release)
	if r := <-first; r.status != http.StatusAccepted {
		t.Errorf("the first message got %d, want 202: %s", r.status, r.body)
	}
	if found, err := f.store.Find(context.Background(),
		journal.Query{SenderMessageID: "EKM0412-FIR-31"}); err != nil || len(found) != 0 {
		t.Errorf("the busy message: Find = %v, %v; want nothing journaled", found, err)
	}
}

func TestFindMessages(t *testing.T) {
	f := newFixture(t, 0)
	in := decodeInbound(t, f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-8", nil)))

	r := f.get(t, "/api/v1/messages?source=police&sender_message_id=EKM0412-FIR-8&limit=5")
	if r.status != http.StatusOK || r.contentType != "application/json" {
		t.Fatalf("status %d, Content-Type %q; want 200, application/json", r.status, r.contentType)
	}
	var found api.FindResponse
	if err := json.Unmarshal(r.body, &found); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if len(found.Messages) != 1 || found.Messages[0].MessageID != in.MessageID {
		t.Errorf("messages = %+v, want the one accepted, %s", found.Messages, in.MessageID)
	}
	if found.Messages[0].Status != "in_progress" {
		t.Errorf("status = %q, want in_progress with a delivery pending", found.Messages[0].Status)
	}
}

func TestFindNothing(t *testing.T) {
	f := newFixture(t, 0)
	r := f.get(t, "/api/v1/messages?source=no-such-agency")
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", r.status)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &members); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if got := string(members["messages"]); got != "[]" {
		t.Errorf("messages = %s, want an empty array", got)
	}
}

func TestFindBadLimit(t *testing.T) {
	f := newFixture(t, 0)
	for _, limit := range []string{"0", "-1", "ten", "1.5", "1001"} {
		p := wantProblem(t, f.get(t, "/api/v1/messages?limit="+limit), problem.BadRequest)
		if !strings.HasPrefix(p.Detail, "limit: ") || !strings.Contains(p.Detail, limit) {
			t.Errorf("limit=%s: detail = %q, want it to name limit and the value", limit, p.Detail)
		}
	}
}

// findMessages gets path, a message listing, and decodes its 200.
func findMessages(t *testing.T, f *fixture, path string) api.FindResponse {
	t.Helper()
	r := f.get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %s", path, r.status, r.body)
	}
	var out api.FindResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("GET %s: decoding %s: %v", path, r.body, err)
	}
	return out
}

func summaryIDs(sums []journal.Summary) []string {
	ids := []string{}
	for _, s := range sums {
		ids = append(ids, s.MessageID)
	}
	return ids
}

func TestFindPages(t *testing.T) {
	f := newFixture(t, 0)
	for i := range 5 {
		decodeInbound(t, f.post(t, "/api/v1/inbound/police",
			firBody(t, fmt.Sprintf("EKM0412-FIR-97%d", i), nil)))
	}
	checkPages(t, "/api/v1/messages?source=police", func(t *testing.T, path string) ([]string, string) {
		page := findMessages(t, f, path)
		return summaryIDs(page.Messages), page.Next
	})
}

func TestFindRejectsUnknownAfter(t *testing.T) {
	f := newFixture(t, 0)
	decodeInbound(t, f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-980", nil)))
	p := wantProblem(t, f.get(t, "/api/v1/messages?after=no-such-message"), problem.BadRequest)
	want := `after: invalid value "no-such-message": want the next of the previous page, ` +
		"the id of a message"
	if p.Detail != want {
		t.Errorf("detail = %q, want %q", p.Detail, want)
	}
}

func TestFindStoreFailure(t *testing.T) {
	f := newFixture(t, 0)
	if err := f.db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}
	wantProblem(t, f.get(t, "/api/v1/messages"), problem.Unavailable)
}

func TestJourney(t *testing.T) {
	f := newFixture(t, 0)
	in := decodeInbound(t, f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-9", nil)))

	r := f.get(t, "/api/v1/messages/"+in.MessageID)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
	}
	var j journal.Journey
	if err := json.Unmarshal(r.body, &j); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if j.MessageID != in.MessageID || len(j.Deliveries) != 1 {
		t.Errorf("journey of %s with %d deliveries, want %s with 1",
			j.MessageID, len(j.Deliveries), in.MessageID)
	}
}

func TestJourneyNotFound(t *testing.T) {
	f := newFixture(t, 0)
	p := wantProblem(t, f.get(t, "/api/v1/messages/"+unknownID), problem.NotFound)
	if !strings.Contains(p.Detail, unknownID) {
		t.Errorf("detail = %q, want it to name the id", p.Detail)
	}
}

func TestReplayManyNeedsAFilter(t *testing.T) {
	f := newFixture(t, 0)
	const many = "/api/v1/deadletters/replay"
	tests := []struct {
		name, body, field string
	}{
		{"no body", ``, "filter"},
		{"empty object", `{}`, "filter"},
		{"only force", `{"force": true}`, "filter"},
		{"limit above the maximum", `{"destination": "station", "limit": 5000}`, "limit"},
		{"negative limit", `{"all": true, "limit": -1}`, "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, f.post(t, many, []byte(tc.body)), problem.Invalid)
			if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Message, tc.field+":") {
				t.Errorf("errors = %+v, want one that starts with %q", p.Errors, tc.field+":")
			}
		})
	}

	r := f.post(t, many, []byte(`{"all": true}`))
	if r.status != http.StatusOK {
		t.Errorf("replay of all: status %d, want 200: %s", r.status, r.body)
	}
}

func TestAdminBodyTooLarge(t *testing.T) {
	f := newFixture(t, 0)
	body := []byte(`{"destination": "` + strings.Repeat("x", 3<<20) + `"}`)
	p := wantProblem(t, f.post(t, "/api/v1/deadletters/replay", body), problem.TooLarge)
	if !strings.Contains(p.Detail, "2 MiB") {
		t.Errorf("detail = %q, want it to state the limit of 2 MiB", p.Detail)
	}
}

func TestReadyFollowsTheJournal(t *testing.T) {
	f := newFixture(t, 0)
	if r := f.get(t, "/readyz"); r.status != http.StatusOK || !strings.Contains(string(r.body), `"ready"`) {
		t.Fatalf("GET /readyz with the journal open: %d %s", r.status, r.body)
	}
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	r := f.get(t, "/readyz")
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "the journal does not answer") {
		t.Errorf("GET /readyz with the journal closed: %d %s, want 503 naming the journal", r.status, r.body)
	}
	if r.header.Get("Retry-After") == "" {
		t.Error("503 from /readyz has no Retry-After")
	}
	if r := f.get(t, "/healthz"); r.status != http.StatusOK {
		t.Errorf("GET /healthz with the journal closed: %d, want 200: the server still runs", r.status)
	}
}
