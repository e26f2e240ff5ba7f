package passport_test

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

	adapter "github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/schemas"
)

func newAdapter(t *testing.T) *adapter.Adapter {
	t.Helper()
	a, err := adapter.New(adapter.Config{AadhaarKey: []byte("mock passport test key, 32 bytes")})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// report returns a valid clear report, encoded by the passport adapter
// as the hub would deliver it.
func report(t *testing.T) []byte {
	t.Helper()
	m := canonical.Message{
		ID: "hub-7", Type: canonical.TypeVerificationReport, Source: "police",
		SenderMessageID: "EKM0412-PVR-2025-000802", CorrelationID: "hub-3",
		CaseKey:       canonical.PassportCaseKey("CO1075120587125"),
		OccurredAt:    time.Date(2025, 11, 20, 16, 0, 0, 0, time.FixedZone("IST", 19800)),
		SchemaVersion: canonical.SchemaVersion,
		VerificationReport: &canonical.VerificationReport{
			FileNumber: "CO1075120587125", Outcome: canonical.VerificationClear,
			PoliceStation: "EKM0412", Officer: canonical.Officer{Name: "Sreeja V."},
			ReportedOn: "2025-11-20",
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
	req, err := http.NewRequest(http.MethodPost, url+"/reports", strings.NewReader(string(body)))
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

func TestOfficeRecordsReport(t *testing.T) {
	office := passport.New(nil)
	srv := httptest.NewServer(office)
	defer srv.Close()
	body := report(t)

	status, reply := post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK || reply["repeat"] != false {
		t.Fatalf("first delivery: status %d, reply %v; want 200 and repeat false", status, reply)
	}
	status, reply = post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK || reply["repeat"] != true {
		t.Errorf("repeat delivery: status %d, reply %v; want 200 and repeat true", status, reply)
	}

	items := office.Received()
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

func TestOfficeRejectsBadDeliveries(t *testing.T) {
	office := passport.New(nil)
	srv := httptest.NewServer(office)
	defer srv.Close()

	status, reply := post(t, srv.URL, "", report(t))
	if status != http.StatusBadRequest || !strings.Contains(reply["error"].(string), "Idempotency-Key") {
		t.Errorf("without key: status %d, reply %v; want 400 naming Idempotency-Key", status, reply)
	}

	var doc map[string]any
	if err := json.Unmarshal(report(t), &doc); err != nil {
		t.Fatal(err)
	}
	doc["outcome"] = "adverse"
	doc["file_number"] = "CO/1"
	bad, _ := json.Marshal(doc)
	status, reply = post(t, srv.URL, "delivery-2", bad)
	if status != http.StatusBadRequest {
		t.Fatalf("invalid body: status %d, want 400", status)
	}
	if violations, _ := reply["violations"].([]any); len(violations) != 2 {
		t.Errorf("invalid body: violations = %v, want 2", reply["violations"])
	}
	if n := len(office.Received()); n != 0 {
		t.Errorf("office recorded %d rejected deliveries", n)
	}
}

// fakeHub responds to POST /api/v1/inbound/passport as the hub does, and
// keeps the last request.
type fakeHub struct {
	status int
	reply  string
	body   []byte
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/inbound/passport" ||
		r.Header.Get("Content-Type") != "application/json" {
		http.NotFound(w, r)
		return
	}
	h.body, _ = io.ReadAll(r.Body)
	w.WriteHeader(h.status)
	io.WriteString(w, h.reply)
}

func TestSendReturnsHubMessageID(t *testing.T) {
	hub := &fakeHub{status: http.StatusAccepted, reply: `{"message_id":"01K9A1RZ"}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	request := passport.Samples()[0].Body

	id, err := passport.Send(context.Background(), srv.URL+"/", request)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id != "01K9A1RZ" {
		t.Errorf("message id = %q, want 01K9A1RZ", id)
	}
	if string(hub.body) != string(request) {
		t.Error("the hub received a different body")
	}

	hub.status, hub.reply = http.StatusBadRequest, `{"errors":[]}`
	_, err = passport.Send(context.Background(), srv.URL, request)
	var hubErr *passport.HubError
	if !errors.As(err, &hubErr) || hubErr.StatusCode != http.StatusBadRequest {
		t.Errorf("Send error = %v, want a *HubError with status 400", err)
	}
}

func TestSamplesDecode(t *testing.T) {
	a := newAdapter(t)
	kinds := map[canonical.VerificationKind]int{}
	for _, s := range passport.Samples() {
		d, err := a.Decode(s.Body, adapter.ContentType)
		if s.Invalid {
			vs := schemas.Violations(err)
			if len(vs) == 0 {
				t.Fatalf("%s: error = %v, want violations", s.Name, err)
			}
			for _, v := range vs {
				if v.Pointer != "/old_passport/mrz" || v.Rule != "mrz-check-digit" {
					t.Errorf("%s: violation %v, want mrz-check-digit at /old_passport/mrz", s.Name, v)
				}
			}
			if !strings.Contains(vs[0].Message, "date of birth") {
				t.Errorf("%s: first violation %q does not name the date of birth", s.Name, vs[0].Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		r := d.Messages[0].VerificationRequest
		kinds[r.Kind]++
		if r.Kind == canonical.VerificationReissue {
			if r.OldPassport == nil || r.OldPassport.Format != "TD3" || r.OldPassport.DocumentNumber != "S7102455" {
				t.Errorf("%s: old passport = %+v, want TD3 S7102455", s.Name, r.OldPassport)
			}
		}
	}
	if kinds[canonical.VerificationFresh] != 1 || kinds[canonical.VerificationReissue] != 1 {
		t.Errorf("valid samples by kind = %v, want one fresh and one reissue", kinds)
	}
}
