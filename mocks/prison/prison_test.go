package prison_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/mocks/prison"
	"github.com/sangam-hub/sangam/schemas"
)

var testKey = []byte("mock prison test key of 32 bytes")

func newAdapter(t *testing.T) *prisons.Adapter {
	t.Helper()
	a, err := prisons.New(prisons.Config{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// order returns a valid production warrant, encoded by the prisons
// adapter as the hub would deliver it.
func order(t *testing.T) []byte {
	t.Helper()
	ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	m := canonical.Message{
		ID: "hub-1", Type: canonical.TypeCourtOrder, Source: "courts",
		SenderMessageID: "KLER10-ORD-2025-000451", CaseKey: ref.Key(),
		OccurredAt:    time.Date(2025, 10, 1, 15, 40, 0, 0, time.FixedZone("IST", 19800)),
		SchemaVersion: canonical.SchemaVersion,
		CourtOrder: &canonical.CourtOrder{
			Kind: canonical.OrderProductionWarrant, Number: "PW 45/2025",
			Court: canonical.Court{Code: "KLER10"},
			Prisoner: canonical.Prisoner{
				PrisonCode: "KLSJEKM", Number: "UT-2231-2025",
				Person: canonical.Person{Names: []canonical.Name{{Full: "Shibu K. R."}}},
			},
			Case:     canonical.CaseRef{FIR: &ref},
			AppearOn: "2025-10-03", OrderedOn: "2025-10-01",
		},
	}
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Body
}

func post(t *testing.T, url, key string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/orders", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		t.Fatalf("decoding reply: %v", err)
	}
	return resp.StatusCode, reply
}

func TestPrisonRecordsOrder(t *testing.T) {
	p := prison.New(nil)
	srv := httptest.NewServer(p)
	defer srv.Close()
	body := order(t)

	status, reply := post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK {
		t.Fatalf("first delivery: status %d, reply %v", status, reply)
	}
	if reply["repeat"] != false {
		t.Errorf("first delivery: repeat = %v, want false", reply["repeat"])
	}
	status, reply = post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK || reply["repeat"] != true {
		t.Errorf("repeat delivery: status %d, reply %v; want 200 and repeat true", status, reply)
	}

	items := p.Received()
	if len(items) != 1 {
		t.Fatalf("Received has %d items, want 1", len(items))
	}
	if items[0].Repeats != 1 {
		t.Errorf("Repeats = %d, want 1", items[0].Repeats)
	}
	if string(items[0].Body) != string(body) {
		t.Error("recorded body differs from the delivered one")
	}

	resp, err := http.Get(srv.URL + "/received")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var listed []struct {
		Key string `json:"key"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].Key != "delivery-1" {
		t.Errorf("GET /received = %+v, want one item with key delivery-1", listed)
	}
}

func TestPrisonRejectsBadDeliveries(t *testing.T) {
	p := prison.New(nil)
	srv := httptest.NewServer(p)
	defer srv.Close()

	status, reply := post(t, srv.URL, "", order(t))
	if status != http.StatusBadRequest || !strings.Contains(reply["error"].(string), "Idempotency-Key") {
		t.Errorf("without key: status %d, reply %v; want 400 naming Idempotency-Key", status, reply)
	}

	var doc map[string]any
	if err := json.Unmarshal(order(t), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "appear_on")
	doc["ordered_on"] = "01-10-2025"
	bad, _ := json.Marshal(doc)
	status, reply = post(t, srv.URL, "delivery-2", bad)
	if status != http.StatusBadRequest {
		t.Fatalf("invalid body: status %d, want 400", status)
	}
	if violations, _ := reply["violations"].([]any); len(violations) != 2 {
		t.Errorf("invalid body: violations = %v, want 2", reply["violations"])
	}

	status, _ = post(t, srv.URL, "delivery-3", []byte(`{"document_type":`))
	if status != http.StatusBadRequest {
		t.Errorf("malformed body: status %d, want 400", status)
	}
	if n := len(p.Received()); n != 0 {
		t.Errorf("prison recorded %d rejected deliveries", n)
	}
}

// fakeHub responds to POST /api/v1/inbound/prisons as the hub does, and
// keeps the last request.
type fakeHub struct {
	status      int
	reply       string
	contentType string
	body        []byte
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/inbound/prisons" {
		http.NotFound(w, r)
		return
	}
	h.contentType = r.Header.Get("Content-Type")
	h.body, _ = io.ReadAll(r.Body)
	w.WriteHeader(h.status)
	io.WriteString(w, h.reply)
}

func TestPushReturnsHubMessageID(t *testing.T) {
	hub := &fakeHub{status: http.StatusAccepted, reply: `{"message_id":"01K6J0XH"}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	event := prison.Samples()[0].Body

	id, err := prison.Push(context.Background(), srv.URL+"/", event)
	if err != nil {
		t.Fatalf("Push: %v", err)
	}
	if id != "01K6J0XH" {
		t.Errorf("message id = %q, want 01K6J0XH", id)
	}
	if hub.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", hub.contentType)
	}
	if string(hub.body) != string(event) {
		t.Error("the hub received a different body")
	}

	hub.status = http.StatusOK
	if id, err := prison.Push(context.Background(), srv.URL, event); err != nil || id != "01K6J0XH" {
		t.Errorf("duplicate: Push = %q, %v; want the original id", id, err)
	}
}

func TestPushReportsRejection(t *testing.T) {
	hub := &fakeHub{status: http.StatusBadRequest, reply: `{"errors":[]}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	_, err := prison.Push(context.Background(), srv.URL, []byte(`{}`))
	var hubErr *prison.HubError
	if !errors.As(err, &hubErr) {
		t.Fatalf("Push error = %v, want a *HubError", err)
	}
	if hubErr.StatusCode != http.StatusBadRequest {
		t.Errorf("StatusCode = %d, want 400", hubErr.StatusCode)
	}

	hub.status, hub.reply = http.StatusAccepted, `{}`
	if _, err := prison.Push(context.Background(), srv.URL, []byte(`{}`)); err == nil {
		t.Error("Push accepted a 202 reply without message_id")
	}
}

func TestSamplesDecode(t *testing.T) {
	a := newAdapter(t)
	fir1187 := "FIR/KL/EKM/EKM0412/2025/1187"
	fir402 := "FIR/KL/EKM/EKM0420/2023/402"
	want := map[string]struct {
		kind    canonical.MovementKind
		caseKey string
	}{
		"admission-undertrial":        {canonical.MoveAdmission, fir1187},
		"court-production-undertrial": {canonical.MoveCourtProductionOut, fir1187},
		"release-on-bail":             {canonical.MoveRelease, fir1187},
		"release-foreign-national":    {canonical.MoveRelease, fir402},
		"escape-from-hospital":        {canonical.MoveEscape, fir402},
		"death-in-custody":            {canonical.MoveDeath, fir402},
	}
	invalid := 0
	for _, s := range prison.Samples() {
		d, err := a.Decode(s.Body, prisons.ContentType)
		if s.Invalid {
			invalid++
			if n := len(schemas.Violations(err)); n < 3 {
				t.Errorf("%s: error = %v, want several violations", s.Name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		w, ok := want[s.Name]
		if !ok {
			t.Errorf("unexpected sample %s", s.Name)
			continue
		}
		delete(want, s.Name)
		m := d.Messages[0]
		if m.Movement.Kind != w.kind || m.CaseKey != w.caseKey {
			t.Errorf("%s: kind %s, case %s; want %s, %s", s.Name, m.Movement.Kind, m.CaseKey, w.kind, w.caseKey)
		}
		if m.Movement.Kind == canonical.MoveCourtProductionOut && m.Movement.Prisoner.Status != canonical.CustodyUndertrial {
			t.Errorf("%s: custody status %q, want undertrial", s.Name, m.Movement.Prisoner.Status)
		}
	}
	for name := range want {
		t.Errorf("missing sample %s", name)
	}
	if invalid != 1 {
		t.Errorf("%d invalid samples, want 1", invalid)
	}
}

func TestSampleForeignNational(t *testing.T) {
	for _, s := range prison.Samples() {
		if s.Name != "release-foreign-national" {
			continue
		}
		d, err := newAdapter(t).Decode(s.Body, prisons.ContentType)
		if err != nil {
			t.Fatal(err)
		}
		mv := d.Messages[0].Movement
		if mv.Prisoner.Person.Nationality != "BD" || mv.ReleaseGround != canonical.ReleaseDeportation {
			t.Errorf("nationality %q, ground %q; want BD and deportation",
				mv.Prisoner.Person.Nationality, mv.ReleaseGround)
		}
		return
	}
	t.Fatal("no release-foreign-national sample")
}

func TestPrisonChecksAddressee(t *testing.T) {
	p := prison.New(nil)
	srv := httptest.NewServer(p)
	defer srv.Close()
	body := order(t)

	status, reply := post(t, srv.URL+"/prisons/KLSJEKM", "delivery-1", body)
	if status != http.StatusOK {
		t.Fatalf("order to its prison: status %d, reply %v", status, reply)
	}
	status, reply = post(t, srv.URL+"/prisons/KLSJEKM", "delivery-1", body)
	if status != http.StatusOK || reply["repeat"] != true {
		t.Errorf("repeat delivery: status %d, reply %v; want 200 and repeat true", status, reply)
	}

	status, reply = post(t, srv.URL+"/prisons/KLCJVIY", "delivery-2", body)
	if status != http.StatusBadRequest {
		t.Fatalf("order to another prison: status %d, want 400", status)
	}
	reason, _ := reply["error"].(string)
	if !strings.Contains(reason, `"KLSJEKM"`) || !strings.Contains(reason, `"KLCJVIY"`) {
		t.Errorf("rejection %q does not name both prisons", reason)
	}

	if got := len(p.Received()); got != 1 {
		t.Errorf("Received has %d items, want 1", got)
	}
	if got := len(p.OrdersFor("KLSJEKM")); got != 1 {
		t.Errorf("OrdersFor(KLSJEKM) has %d items, want 1", got)
	}
	if got := len(p.OrdersFor("KLCJVIY")); got != 0 {
		t.Errorf("OrdersFor(KLCJVIY) has %d items, want 0", got)
	}
}
