package police_test

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

	adapter "github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/schemas"
)

// notification returns a valid notification, encoded by the police
// adapter as the hub would deliver it.
func notification(t *testing.T) []byte {
	t.Helper()
	a, err := adapter.New(adapter.Config{AadhaarKey: []byte("mock police test key of 32 bytes")})
	if err != nil {
		t.Fatal(err)
	}
	ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	m := canonical.Message{
		ID: "hub-1", Type: canonical.TypeCourtRegistration, Source: "courts",
		SenderMessageID: "KLER10-REG-2025-004512", CaseKey: ref.Key(),
		OccurredAt:    time.Date(2025, 12, 2, 10, 40, 0, 0, time.FixedZone("IST", 19800)),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: "KLER100011872025", Court: canonical.Court{Code: "KLER10"}, FIR: &ref,
			NextHearing: "2026-01-15", Status: "accepted",
		},
	}
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Body
}

func post(t *testing.T, url, key string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/notifications", strings.NewReader(string(body)))
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

func TestStationRecordsNotification(t *testing.T) {
	station := police.New(nil)
	srv := httptest.NewServer(station)
	defer srv.Close()
	body := notification(t)

	status, reply := post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK {
		t.Fatalf("first delivery: status %d, reply %v", status, reply)
	}
	if reply["repeat"] != false {
		t.Errorf("first delivery: repeat = %v, want false", reply["repeat"])
	}
	status, reply = post(t, srv.URL, "delivery-1", body)
	if status != http.StatusOK {
		t.Fatalf("repeat delivery: status %d, reply %v", status, reply)
	}
	if reply["repeat"] != true {
		t.Errorf("repeat delivery: repeat = %v, want true", reply["repeat"])
	}

	items := station.Received()
	if len(items) != 1 {
		t.Fatalf("Received has %d items, want 1", len(items))
	}
	if items[0].Repeats != 1 {
		t.Errorf("Repeats = %d, want 1", items[0].Repeats)
	}
	if string(items[0].Body) != string(body) {
		t.Errorf("recorded body differs from the delivered one")
	}
}

func TestStationListsReceived(t *testing.T) {
	srv := httptest.NewServer(police.New(nil))
	defer srv.Close()
	post(t, srv.URL, "delivery-1", notification(t))

	resp, err := http.Get(srv.URL + "/received")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var items []struct {
		Key  string `json:"key"`
		Body []byte `json:"body"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Key != "delivery-1" {
		t.Errorf("GET /received = %+v, want one item with key delivery-1", items)
	}
}

func TestStationRejectsBadDeliveries(t *testing.T) {
	station := police.New(nil)
	srv := httptest.NewServer(station)
	defer srv.Close()

	status, reply := post(t, srv.URL, "", notification(t))
	if status != http.StatusBadRequest || !strings.Contains(reply["error"].(string), "Idempotency-Key") {
		t.Errorf("without key: status %d, reply %v; want 400 naming Idempotency-Key", status, reply)
	}

	var doc map[string]any
	if err := json.Unmarshal(notification(t), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "court")
	doc["next_hearing"] = "15-01-2026"
	bad, _ := json.Marshal(doc)
	status, reply = post(t, srv.URL, "delivery-2", bad)
	if status != http.StatusBadRequest {
		t.Fatalf("invalid body: status %d, want 400", status)
	}
	violations, _ := reply["violations"].([]any)
	if len(violations) != 2 {
		t.Errorf("invalid body: violations = %v, want 2", reply["violations"])
	}

	status, _ = post(t, srv.URL, "delivery-3", []byte(`{"document_type":`))
	if status != http.StatusBadRequest {
		t.Errorf("malformed body: status %d, want 400", status)
	}
	if n := len(station.Received()); n != 0 {
		t.Errorf("station recorded %d rejected deliveries", n)
	}
}

// fakeHub responds to POST /api/v1/inbound/police as the hub does, and
// keeps the last request.
type fakeHub struct {
	status      int
	reply       string
	contentType string
	body        []byte
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v1/inbound/police" {
		http.NotFound(w, r)
		return
	}
	h.contentType = r.Header.Get("Content-Type")
	h.body, _ = io.ReadAll(r.Body)
	w.WriteHeader(h.status)
	io.WriteString(w, h.reply)
}

func TestSendReturnsHubMessageID(t *testing.T) {
	hub := &fakeHub{status: http.StatusAccepted, reply: `{"message_id":"01JD3K8Q"}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	doc := police.Samples()[0].Body

	id, err := police.Send(context.Background(), srv.URL+"/", doc)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id != "01JD3K8Q" {
		t.Errorf("message id = %q, want 01JD3K8Q", id)
	}
	if hub.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", hub.contentType)
	}
	if string(hub.body) != string(doc) {
		t.Error("the hub received a different body")
	}
}

func TestSendReturnsOriginalIDOfDuplicate(t *testing.T) {
	hub := &fakeHub{status: http.StatusOK,
		reply: `{"message_id":"01JD3K8Q","messages":[{"message_id":"01JD3K8Q","duplicate":true}]}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	id, err := police.Send(context.Background(), srv.URL, police.Samples()[0].Body)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id != "01JD3K8Q" {
		t.Errorf("message id = %q, want the original 01JD3K8Q", id)
	}
}

func TestSendReportsRejection(t *testing.T) {
	hub := &fakeHub{status: http.StatusUnprocessableEntity, reply: `{"violations":[]}`}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	_, err := police.Send(context.Background(), srv.URL, []byte(`{}`))
	var hubErr *police.HubError
	if !errors.As(err, &hubErr) {
		t.Fatalf("Send error = %v, want a *HubError", err)
	}
	if hubErr.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("StatusCode = %d, want 422", hubErr.StatusCode)
	}

	hub.status, hub.reply = http.StatusAccepted, `{}`
	if _, err := police.Send(context.Background(), srv.URL, []byte(`{}`)); err == nil {
		t.Error("Send accepted a 202 reply without message_id")
	}
}

func TestSamplesDecode(t *testing.T) {
	a, err := adapter.New(adapter.Config{AadhaarKey: []byte("mock police test key of 32 bytes")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[canonical.Type]int{}
	invalid := 0
	for _, s := range police.Samples() {
		d, err := a.Decode(s.Body, adapter.ContentType)
		if s.Invalid {
			invalid++
			if len(schemas.Violations(err)) < 3 {
				t.Errorf("%s: error = %v, want several violations", s.Name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		kinds[d.Messages[0].Type]++
	}
	if kinds[canonical.TypeChargesheet] < 2 || kinds[canonical.TypeFIR] < 1 || kinds[canonical.TypeArrest] < 1 {
		t.Errorf("valid samples by type = %v, want 2 chargesheets, an FIR and an arrest", kinds)
	}
	if invalid != 1 {
		t.Errorf("%d invalid samples, want 1", invalid)
	}
}
