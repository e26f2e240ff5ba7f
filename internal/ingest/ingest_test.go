package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	journalsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// testKey is the Aadhaar masking key of the test adapters.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// firPath is a police FIR that the police adapter accepts.
const firPath = "../../adapters/police/testdata/fir.json"

// ist is India Standard Time, UTC+05:30.
var ist = time.FixedZone("IST", 5*3600+30*60)

// testRoutes sends FIRs to the station, chargesheets to the court, and
// has one route whose condition fails on an FIR.
const testRoutes = `
version: ingest-test
destinations:
  - name: station
    agency: police
    concurrency: 1
    url: http://127.0.0.1:9/notifications
  - name: court
    agency: courts
    concurrency: 1
    url: http://127.0.0.1:9/ecf
routes:
  - name: fir-to-station
    when: message.type == "fir"
    to: [station]
  - name: chargesheet-to-court
    when: message.type == "chargesheet"
    to: [court]
  - name: numbered-case-to-court
    when: int(message.case_key) > 0
    to: [court]
`

// fixture is an ingest service over a SQLite journal in a temporary
// folder, with the shipped adapters and a fixed clock.
type fixture struct {
	db      *sql.DB
	store   journal.Store
	service *ingest.Service
	clock   time.Time
}

func newFixture(t *testing.T) *fixture {
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
	table, err := routes.Load([]byte(testRoutes))
	if err != nil {
		t.Fatalf("loading routes: %v", err)
	}
	for _, d := range table.Config().Destinations {
		if err := sqlitebus.InitializeTopic(ctx, db, delivery.Topic(d.Name, 0)); err != nil {
			t.Fatalf("initializing topic: %v", err)
		}
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}

	f := &fixture{db: db, store: store, clock: time.Date(2026, 3, 15, 4, 30, 0, 0, time.UTC)}
	f.service = &ingest.Service{
		Adapters: set, Store: store, Log: log,
		Routes: func() *routes.Table { return table },
		Now:    func() time.Time { return f.clock },
	}
	return f
}

// accept accepts body as a police JSON document and fails t on an error.
func (f *fixture) accept(t *testing.T, body []byte) ingest.Result {
	t.Helper()
	results, err := f.service.Accept(context.Background(), "police", body, "application/json")
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	if len(results) != 1 {
		t.Fatalf("Accept returned %d results, want 1", len(results))
	}
	return results[0]
}

// find returns the journaled messages that q selects.
func (f *fixture) find(t *testing.T, q journal.Query) []journal.Summary {
	t.Helper()
	found, err := f.store.Find(context.Background(), q)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	return found
}

// outboxCount returns how many commands were published on destination's
// topic.
func (f *fixture) outboxCount(t *testing.T, destination string) int {
	t.Helper()
	var n int
	table := sqlitebus.Schema{}.MessagesTable(delivery.Topic(destination, 0))
	if err := f.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("counting the outbox of %s: %v", destination, err)
	}
	return n
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

func TestAcceptJournals(t *testing.T) {
	f := newFixture(t)
	r := f.accept(t, firBody(t, "EKM0412-FIR-1", nil))

	if r.MessageID == "" || r.SenderMessageID != "EKM0412-FIR-1" || r.Duplicate {
		t.Errorf("Result = %+v, want a new message id for sender id EKM0412-FIR-1", r)
	}
	if !r.ReceivedAt.Equal(f.clock) {
		t.Errorf("Result.ReceivedAt = %v, want the clock %v", r.ReceivedAt, f.clock)
	}
	j, err := f.store.Journey(context.Background(), r.MessageID)
	if err != nil {
		t.Fatalf("Journey: %v", err)
	}
	if j.Source != "police" || j.Type != "fir" || j.SenderMessageID != "EKM0412-FIR-1" {
		t.Errorf("journey: source %q, type %q, sender id %q; want police, fir, EKM0412-FIR-1",
			j.Source, j.Type, j.SenderMessageID)
	}
	if j.CaseKey == "" || j.Message.CaseKey != j.CaseKey {
		t.Errorf("journey CaseKey = %q, message CaseKey = %q; want the same, not empty",
			j.CaseKey, j.Message.CaseKey)
	}
	if j.RoutesVersion != "ingest-test" {
		t.Errorf("RoutesVersion = %q, want ingest-test", j.RoutesVersion)
	}
	if len(j.Deliveries) != 1 {
		t.Fatalf("%d deliveries, want 1", len(j.Deliveries))
	}
	if d := j.Deliveries[0]; d.Destination != "station" || d.Route != "fir-to-station" {
		t.Errorf("delivery to %s by %s, want to station by fir-to-station", d.Destination, d.Route)
	}
	if n := f.outboxCount(t, "station"); n != 1 {
		t.Errorf("outbox of station has %d commands, want 1", n)
	}
	if n := f.outboxCount(t, "court"); n != 0 {
		t.Errorf("outbox of court has %d commands, want none", n)
	}
}

func TestAcceptRoutingReasons(t *testing.T) {
	f := newFixture(t)
	r := f.accept(t, firBody(t, "EKM0412-FIR-2", nil))
	j, err := f.store.Journey(context.Background(), r.MessageID)
	if err != nil {
		t.Fatalf("Journey: %v", err)
	}
	if len(j.Routing) != 3 {
		t.Fatalf("journey has %d route decisions, want one per route, 3: %+v", len(j.Routing), j.Routing)
	}

	tests := []struct {
		route   string
		matched bool
		reason  string
		dests   string
	}{
		{"fir-to-station", true, `condition true: message.type == "fir"`, "station"},
		{"chargesheet-to-court", false, `condition false: message.type == "chargesheet"`, ""},
		{"numbered-case-to-court", false, "condition failed: ", ""},
	}
	for i, tc := range tests {
		d := j.Routing[i]
		if d.Route != tc.route || d.Matched != tc.matched {
			t.Errorf("decision %d = %s matched %t, want %s matched %t",
				i, d.Route, d.Matched, tc.route, tc.matched)
		}
		if !strings.HasPrefix(d.Reason, tc.reason) {
			t.Errorf("decision %s Reason = %q, want it to start with %q", d.Route, d.Reason, tc.reason)
		}
		if got := strings.Join(d.Destinations, ","); got != tc.dests {
			t.Errorf("decision %s Destinations = %q, want %q", d.Route, got, tc.dests)
		}
	}
}

func TestAcceptDuplicate(t *testing.T) {
	f := newFixture(t)
	body := firBody(t, "EKM0412-FIR-3", nil)
	first := f.accept(t, body)

	f.clock = f.clock.Add(time.Hour)
	again := f.accept(t, body)

	if !again.Duplicate {
		t.Errorf("second Accept: Duplicate = false, want true")
	}
	if again.MessageID != first.MessageID {
		t.Errorf("second Accept: MessageID = %q, want the first's %q", again.MessageID, first.MessageID)
	}
	if !again.ReceivedAt.Equal(first.ReceivedAt) {
		t.Errorf("second Accept: ReceivedAt = %v, want the first's %v",
			again.ReceivedAt, first.ReceivedAt)
	}
	if found := f.find(t, journal.Query{SenderMessageID: "EKM0412-FIR-3"}); len(found) != 1 {
		t.Errorf("journal has %d messages with the sender id, want 1", len(found))
	}
	if n := f.outboxCount(t, "station"); n != 1 {
		t.Errorf("outbox of station has %d commands, want only the first's", n)
	}
}

func TestAcceptReceivedInZone(t *testing.T) {
	f := newFixture(t)
	f.service.Zone = ist
	r := f.accept(t, firBody(t, "EKM0412-FIR-4", nil))

	j, err := f.store.Journey(context.Background(), r.MessageID)
	if err != nil {
		t.Fatalf("Journey: %v", err)
	}
	for name, got := range map[string]time.Time{
		"Result.ReceivedAt":          r.ReceivedAt,
		"Journey.Message.ReceivedAt": j.Message.ReceivedAt,
	} {
		if !got.Equal(f.clock) {
			t.Errorf("%s = %v, want %v", name, got, f.clock)
		}
		if _, offset := got.Zone(); offset != 5*3600+30*60 {
			t.Errorf("%s = %v, want it at the zone's offset +05:30", name, got)
		}
	}
}

func TestAcceptReceivedInUTC(t *testing.T) {
	f := newFixture(t)
	f.clock = f.clock.In(ist)
	r := f.accept(t, firBody(t, "EKM0412-FIR-5", nil))
	if r.ReceivedAt.Location() != time.UTC {
		t.Errorf("Result.ReceivedAt = %v without a zone, want UTC", r.ReceivedAt)
	}
}

func TestAcceptUnknownAgency(t *testing.T) {
	f := newFixture(t)
	_, err := f.service.Accept(context.Background(), "no-such-agency", []byte(`{}`), "application/json")
	if !errors.Is(err, ingest.ErrUnknownAgency) {
		t.Fatalf("Accept for an unknown agency: error = %v, want ErrUnknownAgency", err)
	}
	if !strings.Contains(err.Error(), `"no-such-agency"`) {
		t.Errorf("error %q does not name the agency", err)
	}
	if ingest.IsInvalid(err) {
		t.Errorf("IsInvalid(%v) = true, want false: the agency is the hub's configuration", err)
	}
	if found := f.find(t, journal.Query{}); len(found) != 0 {
		t.Errorf("journal has %d messages, want none", len(found))
	}
}

func TestAcceptMalformed(t *testing.T) {
	tests := []struct {
		name, body, contentType string
	}{
		{"truncated JSON", `{"message_id": "EKM0412-FIR-6", "document_`, "application/json"},
		{"JSON array", `[]`, "application/json"},
		{"XML content type", `{"message_id": "EKM0412-FIR-6"}`, "application/xml"},
	}
	for _, tc := range tests {
		f := newFixture(t)
		_, err := f.service.Accept(context.Background(), "police", []byte(tc.body), tc.contentType)
		if !errors.Is(err, adapters.ErrMalformed) {
			t.Errorf("Accept of %s: error = %v, want ErrMalformed", tc.name, err)
			continue
		}
		if !ingest.IsInvalid(err) {
			t.Errorf("IsInvalid of %s = false, want true", tc.name)
		}
		if found := f.find(t, journal.Query{}); len(found) != 0 {
			t.Errorf("Accept of %s journaled %d messages, want none", tc.name, len(found))
		}
	}
}

func TestAcceptInvalid(t *testing.T) {
	f := newFixture(t)
	body := firBody(t, "EKM0412-FIR-7", func(doc map[string]any) {
		delete(doc, "first_information")
		doc["fir"].(map[string]any)["year"] = 1800
	})
	_, err := f.service.Accept(context.Background(), "police", body, "application/json")

	vs := schemas.Violations(err)
	if len(vs) == 0 {
		t.Fatalf("Accept of an invalid FIR: error = %v, want a validation error", err)
	}
	if !ingest.IsInvalid(err) {
		t.Errorf("IsInvalid = false for a validation error, want true")
	}
	pointers := fmt.Sprint(vs)
	for _, want := range []string{"first_information", "/fir/year"} {
		if !strings.Contains(pointers, want) {
			t.Errorf("violations %v do not name %s", vs, want)
		}
	}
	if found := f.find(t, journal.Query{SenderMessageID: "EKM0412-FIR-7"}); len(found) != 0 {
		t.Errorf("journal has %d messages with the sender id, want none", len(found))
	}
	if n := f.outboxCount(t, "station"); n != 0 {
		t.Errorf("outbox of station has %d commands, want none", n)
	}
}

func TestAcceptRejectsDocumentsAgencyReceives(t *testing.T) {
	cases := []struct {
		agency, path, contentType, pointer string
	}{
		{"prisons", "../../adapters/prisons/testdata/court_order_production.json",
			"application/json", "/document_type"},
		{"courts", "../../adapters/courts/testdata/kochi_chargesheet.xml",
			"application/xml", "/CoreFilingMessage"},
	}
	for _, c := range cases {
		t.Run(c.agency, func(t *testing.T) {
			f := newFixture(t)
			body, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatalf("reading %s: %v", c.path, err)
			}
			_, err = f.service.Accept(context.Background(), c.agency, body, c.contentType)

			vs := schemas.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("Accept: error = %v, want one violation", err)
			}
			if vs[0].Rule != ingest.RuleDocumentSource {
				t.Errorf("rule %q, want %q", vs[0].Rule, ingest.RuleDocumentSource)
			}
			if vs[0].Pointer != c.pointer {
				t.Errorf("pointer %q, want %q", vs[0].Pointer, c.pointer)
			}
			if found := f.find(t, journal.Query{Source: c.agency}); len(found) != 0 {
				t.Errorf("journal has %d messages from %s, want none", len(found), c.agency)
			}
		})
	}
}

func TestAcceptReportsSourceWithOtherViolations(t *testing.T) {
	f := newFixture(t)
	body, err := os.ReadFile("../../adapters/prisons/testdata/court_order_production.json")
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte("{"), []byte(`{"bogus": 1,`), 1)
	_, err = f.service.Accept(context.Background(), "prisons", body, "application/json")

	got := map[string]string{}
	for _, v := range schemas.Violations(err) {
		got[v.Pointer] = v.Rule
	}
	want := map[string]string{"/document_type": ingest.RuleDocumentSource, "/bogus": "not-allowed"}
	if !maps.Equal(got, want) {
		t.Errorf("violations = %v, want %v (%v)", got, want, err)
	}
}

// manyViolations is a prisons adapter whose Decode rejects every body
// with more violations than schemas.MaxViolations.
type manyViolations struct {
	adapters.Adapter
	adapters.Authorship
	adapters.DocumentTyper
}

func (manyViolations) Decode([]byte, string) (adapters.Decoded, error) {
	vs := make([]schemas.Violation, 2*schemas.MaxViolations)
	for i := range vs {
		vs[i] = schemas.Violation{Pointer: fmt.Sprintf("/bogus%d", i), Rule: "not-allowed"}
	}
	return adapters.Decoded{}, schemas.Invalid(vs...)
}

func TestSourceViolationKeepsCap(t *testing.T) {
	f := newFixture(t)
	a, _ := f.service.Adapters.Adapter("prisons")
	set, err := registry.NewSet(manyViolations{a, a.(adapters.Authorship), a.(adapters.DocumentTyper)})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	f.service.Adapters = set
	body, err := os.ReadFile("../../adapters/prisons/testdata/court_order_production.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.service.Accept(context.Background(), "prisons", body, "application/json")

	vs := schemas.Violations(err)
	if len(vs) != schemas.MaxViolations+1 {
		t.Fatalf("%d violations, want %d", len(vs), schemas.MaxViolations+1)
	}
	if vs[0].Rule != ingest.RuleDocumentSource {
		t.Errorf("first rule %q, want %q", vs[0].Rule, ingest.RuleDocumentSource)
	}
	if last := vs[len(vs)-1]; last.Rule != schemas.RuleTooManyErrors || last.Omitted != schemas.MaxViolations+1 {
		t.Errorf("last violation %+v, want %s counting %d", last, schemas.RuleTooManyErrors,
			schemas.MaxViolations+1)
	}
}

func TestAcceptStoreFailure(t *testing.T) {
	f := newFixture(t)
	if err := f.db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}
	_, err := f.service.Accept(context.Background(), "police",
		firBody(t, "EKM0412-FIR-8", nil), "application/json")
	if err == nil {
		t.Fatalf("Accept with the database closed succeeded, want an error")
	}
	if ingest.IsInvalid(err) {
		t.Errorf("IsInvalid(%v) = true, want false: the sender is not at fault", err)
	}
}

func TestIsInvalid(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"malformed", fmt.Errorf("decoding: %w", adapters.ErrMalformed), true},
		{"violations", fmt.Errorf("decoding: %w", schemas.Invalid(schemas.Violation{
			Pointer: "/fir/year", Rule: "minimum", Message: "too early"})), true},
		{"unknown agency", fmt.Errorf("%w %q", ingest.ErrUnknownAgency, "x"), false},
		{"unsupported", adapters.ErrUnsupported, false},
		{"store failure", errors.New("database is locked"), false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		if got := ingest.IsInvalid(tc.err); got != tc.want {
			t.Errorf("IsInvalid(%s) = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// emptyAdapter decodes every body into no message.
type emptyAdapter struct{}

func (emptyAdapter) Agency() string { return "empty" }

func (emptyAdapter) Decode([]byte, string) (adapters.Decoded, error) {
	return adapters.Decoded{}, nil
}

func (emptyAdapter) Encode(*canonical.Message) (adapters.Encoded, error) {
	return adapters.Encoded{}, adapters.ErrUnsupported
}

func TestAcceptNoMessage(t *testing.T) {
	f := newFixture(t)
	set, err := registry.NewSet(emptyAdapter{})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	f.service.Adapters = set

	results, err := f.service.Accept(context.Background(), "empty", []byte(`{}`), "application/json")
	if !errors.Is(err, adapters.ErrMalformed) {
		t.Fatalf("Accept of a body without messages: results %v, error %v; want ErrMalformed",
			results, err)
	}
	if !strings.Contains(err.Error(), "no message") {
		t.Errorf("error %q does not say the body has no message", err)
	}
	if found := f.find(t, journal.Query{}); len(found) != 0 {
		t.Errorf("journal has %d messages, want none", len(found))
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

func TestAcceptBusyWhenEveryTurnIsTaken(t *testing.T) {
	f := newFixture(t)
	var hold ingesttest.Hold
	f.service.Adapters, hold = ingesttest.HoldDecoding(t, f.service.Adapters, "police", 1)
	f.service.Admission = ingest.NewAdmission(1, 50*time.Millisecond)

	first := make(chan error, 1)
	go func() {
		_, err := f.service.Accept(context.Background(), "police",
			firBody(t, "EKM0412-FIR-20", nil), "application/json")
		first <- err
	}()
	<-hold.Entered

	_, err := f.service.Accept(context.Background(), "police",
		firBody(t, "EKM0412-FIR-21", nil), "application/json")
	if !errors.Is(err, ingest.ErrBusy) {
		t.Fatalf("Accept while the only turn is taken: error = %v, want ErrBusy", err)
	}
	if ingest.IsInvalid(err) {
		t.Errorf("IsInvalid(%v) = true, want false: the sender is not at fault", err)
	}
	if got := f.find(t, journal.Query{SenderMessageID: "EKM0412-FIR-21"}); len(got) != 0 {
		t.Errorf("the busy request journaled %d messages, want none", len(got))
	}

	close(hold.Release)
	if err := <-first; err != nil {
		t.Fatalf("first Accept: %v", err)
	}
	// The turn is free again, so the same message is now accepted.
	go func() { <-hold.Entered }()
	f.accept(t, firBody(t, "EKM0412-FIR-21", nil))
}

// TestEnrichersTakeNoTurn holds a message in its enricher, which reads
// the journal in the hub, while the service has one turn: the next
// message is decoded meanwhile and reaches the enricher too.
func TestEnrichersTakeNoTurn(t *testing.T) {
	f := newFixture(t)
	hold := holdEnricher{entered: make(chan struct{}, 2), release: make(chan struct{})}
	f.service.Enrichers = []ingest.Enricher{hold}
	f.service.Admission = ingest.NewAdmission(1, 50*time.Millisecond)

	done := make(chan error, 2)
	for _, id := range []string{"EKM0412-FIR-22", "EKM0412-FIR-23"} {
		go func() {
			_, err := f.service.Accept(context.Background(), "police", firBody(t, id, nil),
				"application/json")
			done <- err
		}()
		select {
		case <-hold.entered:
		case err := <-done:
			t.Fatalf("Accept of %s returned %v before its enricher ran", id, err)
		}
	}
	close(hold.release)
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("Accept: %v, want both accepted", err)
		}
	}
}

// countEnricher counts the messages it enriches.
type countEnricher struct{ calls *int }

func (c countEnricher) Enrich(context.Context, *canonical.Message) error {
	*c.calls++
	return nil
}

func TestAcceptCheckedRejects(t *testing.T) {
	f := newFixture(t)
	enriched := 0
	f.service.Enrichers = []ingest.Enricher{countEnricher{&enriched}}
	var checked []canonical.Type
	check := func(m *canonical.Message) error {
		checked = append(checked, m.Type)
		return &ingest.ForbiddenError{Violations: []schemas.Violation{{
			Pointer: "/fir/ref/police_station", Rule: "station-scope", Message: "not this station",
		}}}
	}

	_, err := f.service.AcceptChecked(context.Background(), "police",
		firBody(t, "EKM0412-FIR-9", nil), "application/json", check)
	var forbidden *ingest.ForbiddenError
	if !errors.As(err, &forbidden) {
		t.Fatalf("AcceptChecked error = %v, want a *ForbiddenError", err)
	}
	if len(checked) != 1 || checked[0] != canonical.TypeFIR {
		t.Errorf("check saw %v, want one fir", checked)
	}
	if got := forbidden.Violations[0].Pointer; got != "/fir/police_station" {
		t.Errorf("violation pointer %q, want the document's /fir/police_station", got)
	}
	if ingest.IsInvalid(err) {
		t.Error("IsInvalid reports a forbidden message as invalid")
	}

	if enriched != 0 {
		t.Errorf("enrichers ran %d times on a rejected message, want 0", enriched)
	}
	if found := f.find(t, journal.Query{Source: "police", SenderMessageID: "EKM0412-FIR-9"}); len(found) != 0 {
		t.Errorf("the rejected message was journaled: %+v", found)
	}
	if n := f.outboxCount(t, "station"); n != 0 {
		t.Errorf("outbox of station has %d commands, want 0", n)
	}
}

func TestAcceptCheckedAccepts(t *testing.T) {
	f := newFixture(t)
	calls := 0
	check := func(m *canonical.Message) error {
		calls++
		return nil
	}
	results, err := f.service.AcceptChecked(context.Background(), "police",
		firBody(t, "EKM0412-FIR-10", nil), "application/json", check)
	if err != nil {
		t.Fatalf("AcceptChecked: %v", err)
	}
	if calls != 1 {
		t.Errorf("check ran %d times, want 1", calls)
	}
	if len(results) != 1 || results[0].Duplicate {
		t.Errorf("results %+v, want one new message", results)
	}
}
