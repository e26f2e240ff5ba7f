package police_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	adapter "github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
	mpassport "github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/schemas"
)

// request returns a verification request as the hub delivers it to the
// station, with hub id hubID and the given matches.
func request(t *testing.T, hubID string, matches ...canonical.CaseMatch) []byte {
	t.Helper()
	a, err := adapter.New(adapter.Config{AadhaarKey: []byte("mock police test key of 32 bytes")})
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	for _, s := range mpassport.Samples() {
		if s.Name == "request-fresh" {
			body = s.Body
		}
	}
	d, err := a.Decode(body, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	m := d.Messages[0]
	m.ID, m.Source = hubID, "passport"
	m.VerificationRequest.PoliceStation = "EKM0420"
	m.VerificationRequest.Matches = matches
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Body
}

// reportHub is a hub that accepts police documents, failing the first
// failures of them with 503, and keeps the accepted ones.
type reportHub struct {
	mu       sync.Mutex
	failures int
	posts    int
	accepted [][]byte
}

func (h *reportHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var doc json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil || r.URL.Path != "/api/v1/inbound/police" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.posts++
	if h.posts <= h.failures {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	h.accepted = append(h.accepted, doc)
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]string{"message_id": "report-" + string(rune('0'+len(h.accepted)))})
}

func (h *reportHub) reports() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, d := range h.accepted {
		var m map[string]any
		_ = json.Unmarshal(d, &m)
		out = append(out, m)
	}
	return out
}

// answeringStation starts a station answering as a, with a's HubURL set
// to hub.
func answeringStation(t *testing.T, hub *reportHub, a police.Answering) (*police.Station, string) {
	t.Helper()
	hubServer := httptest.NewServer(hub)
	t.Cleanup(hubServer.Close)
	station := police.New(nil)
	a.HubURL = hubServer.URL
	station.Answer(a)
	srv := httptest.NewServer(station)
	t.Cleanup(func() { station.Close(); srv.Close() })
	return station, srv.URL
}

func postTo(t *testing.T, url, key string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitReports waits until the station has made n reports.
func waitReports(t *testing.T, s *police.Station, n int) []police.SentReport {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Reports()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("station made %d reports, want %d", len(s.Reports()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s.Reports()
}

func TestStationReportsClear(t *testing.T) {
	hub := &reportHub{failures: 2}
	station, url := answeringStation(t, hub, police.Answering{Outcome: police.AnswerClear})
	if status := postTo(t, url+"/verifications", "d-1", request(t, "hub-1")); status != http.StatusOK {
		t.Fatalf("request delivery: status %d", status)
	}
	if status := postTo(t, url+"/verifications", "d-1", request(t, "hub-1")); status != http.StatusOK {
		t.Fatalf("repeat delivery: status %d", status)
	}

	sent := waitReports(t, station, 1)
	if sent[0].Error != "" || sent[0].HubMessageID != "report-1" {
		t.Errorf("report = %+v, want accepted after the hub's two failures", sent[0])
	}
	station.Close()
	got := hub.reports()
	if len(got) != 1 {
		t.Fatalf("hub accepted %d reports, want 1 for a request delivered twice", len(got))
	}
	r := got[0]
	if r["in_reply_to"] != "hub-1" || r["outcome"] != "clear" || r["police_station"] != "EKM0420" {
		t.Errorf("report = %v, want clear from EKM0420 in reply to hub-1", r)
	}
	if r["file_number"] != "CO1075120411325" {
		t.Errorf("report file number = %v", r["file_number"])
	}
}

func TestStationReportsAdverseWithMatches(t *testing.T) {
	hub := &reportHub{}
	station, url := answeringStation(t, hub, police.Answering{Outcome: police.AnswerAdverse})
	fir := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	match := canonical.CaseMatch{Case: canonical.CaseRef{FIR: &fir}, MatchedBy: "aadhaar_token"}
	postTo(t, url+"/verifications", "d-1", request(t, "hub-1", match))
	postTo(t, url+"/verifications", "d-2", request(t, "hub-2"))

	sent := waitReports(t, station, 2)
	station.Close()
	byRequest := map[string]police.SentReport{}
	for _, s := range sent {
		byRequest[s.InReplyTo] = s
	}
	if byRequest["hub-1"].Error != "" {
		t.Errorf("adverse report with a match failed: %s", byRequest["hub-1"].Error)
	}
	if !strings.Contains(byRequest["hub-2"].Error, "no matching case") {
		t.Errorf("adverse report without matches: error %q, want it to name the missing cases",
			byRequest["hub-2"].Error)
	}
	got := hub.reports()
	if len(got) != 1 {
		t.Fatalf("hub accepted %d reports, want 1", len(got))
	}
	cases, _ := got[0]["cases"].([]any)
	if len(cases) != 1 || !strings.Contains(mustJSON(t, cases[0]), `"number":1187`) {
		t.Errorf("adverse cases = %v, want the matched FIR 1187", got[0]["cases"])
	}
}

func TestStationReportsNotVerifiedAfterDelay(t *testing.T) {
	hub := &reportHub{}
	station, url := answeringStation(t, hub, police.Answering{
		Outcome: police.AnswerNotVerified, Reason: "house locked on three visits",
		Delay: 50 * time.Millisecond,
	})
	postTo(t, url+"/verifications", "d-1", request(t, "hub-1"))
	waitReports(t, station, 1)
	station.Close()
	got := hub.reports()
	if len(got) != 1 || got[0]["reason"] != "house locked on three visits" {
		t.Errorf("reports = %v, want one not_verified with the configured reason", got)
	}
}

func TestSilentStationSendsNothing(t *testing.T) {
	hub := &reportHub{}
	station, url := answeringStation(t, hub, police.Answering{Outcome: police.AnswerSilent})
	postTo(t, url+"/verifications", "d-1", request(t, "hub-1"))
	station.Answer(police.Answering{Outcome: police.AnswerClear, Delay: time.Hour, HubURL: "http://127.0.0.1:1"})
	postTo(t, url+"/verifications", "d-2", request(t, "hub-2"))
	station.Close() // Stops the hour's wait.
	if n := len(station.Verifications()); n != 2 {
		t.Errorf("station recorded %d requests, want 2", n)
	}
	if n := len(station.Reports()); n != 0 {
		t.Errorf("station made %d reports, want none", n)
	}
}

func TestStationRecordsEscalationsAndMovements(t *testing.T) {
	station := police.New(nil)
	srv := httptest.NewServer(station)
	defer srv.Close()
	if status := postTo(t, srv.URL+"/escalations", "e-1", request(t, "hub-9")); status != http.StatusOK {
		t.Errorf("escalation: status %d, want 200", status)
	}
	if status := postTo(t, srv.URL+"/movements", "m-1", request(t, "hub-9")); status != http.StatusBadRequest {
		t.Errorf("a request posted as a movement: status %d, want 400", status)
	}
	if len(station.Escalations()) != 1 || len(station.Movements()) != 0 {
		t.Errorf("escalations %d, movements %d; want 1 and 0",
			len(station.Escalations()), len(station.Movements()))
	}
	if err := schemas.Validate("passport/verification_request.json", station.Escalations()[0].Body); err != nil {
		t.Errorf("recorded escalation is not the request: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStationReportsByHand(t *testing.T) {
	hub := &reportHub{}
	station, url := answeringStation(t, hub, police.Answering{Outcome: police.AnswerSilent})
	postTo(t, url+"/verifications", "d-1", request(t, "hub-1"))
	if _, err := station.Report("hub-9", police.AnswerClear); err == nil {
		t.Error("Report on an unknown request succeeded")
	}
	sent, err := station.Report("hub-1", police.AnswerClear)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	if sent.HubMessageID != "report-1" || sent.InReplyTo != "hub-1" {
		t.Errorf("report = %+v, want accepted in reply to hub-1", sent)
	}
	if got := hub.reports(); len(got) != 1 || got[0]["outcome"] != "clear" {
		t.Errorf("hub received %v, want one clear report", got)
	}
}

func TestStationListsNoReportsAsEmpty(t *testing.T) {
	srv := httptest.NewServer(police.New(slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/reports")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(body)); got != "[]" {
		t.Errorf("GET /reports of a new station = %s, want []", got)
	}
}
