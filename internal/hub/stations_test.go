package hub

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
)

// stationTokenFile is a token file with a token for each of stations
// EKM0412 and EKM0420, one for every police station, the passport
// office's and an operator's. ekm0412Stations is the stations list of
// EKM0412's token.
func stationTokenFile(ekm0412Stations string) []byte {
	return []byte(fmt.Sprintf(`tokens:
  - name: station-ekm0412
    agency: police
    stations: %s
    sha256: %s
  - {name: station-ekm0420, agency: police, stations: [EKM0420], sha256: %s}
  - {name: crime-records-bureau, agency: police, sha256: %s}
  - {name: passport-office, agency: passport, sha256: %s}
  - {name: oncall, operator: true, sha256: %s}
`, ekm0412Stations, digestOf("ekm0412-token"), digestOf("ekm0420-token"),
		digestOf("bureau-token"), digestOf("passport-token"), digestOf("ops-token")))
}

// postAs posts a JSON body to the hub as agency with token.
func postAs(t *testing.T, hubURL, agency, token string, body []byte) (int, []byte) {
	t.Helper()
	return postTypedAs(t, hubURL, agency, token, "application/json", body)
}

// postTypedAs posts body of media type contentType to the hub as agency
// with token.
func postTypedAs(t *testing.T, hubURL, agency, token, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, hubURL+"/api/v1/inbound/"+agency,
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data
}

// getAsOperator reads path from the hub with the operator's token into v.
func getAsOperator(t *testing.T, hubURL, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, hubURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer ops-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decoding GET %s: %v", path, err)
	}
}

// journaledPolice returns how many police messages with sender id
// senderID the journal contains.
func journaledPolice(t *testing.T, hubURL, senderID string) int {
	t.Helper()
	var found api.FindResponse
	getAsOperator(t, hubURL, "/api/v1/messages?source=police&sender_message_id="+senderID, &found)
	return len(found.Messages)
}

// wantStationRejected checks that the hub rejected a post with 403 and a
// station-scope violation at pointer, and that the detail names station
// in a sentence without the pointer.
func wantStationRejected(t *testing.T, label string, code int, body []byte, pointer, station string) {
	t.Helper()
	p, ok := forbiddenProblem(t, label, code, body)
	if !ok {
		return
	}
	if !hasViolation(p, pointer, api.RuleStationScope) {
		t.Errorf("%s: no %s violation at %s in %+v", label, api.RuleStationScope, pointer, p.Errors)
	}
	if !strings.Contains(p.Detail, `police station "`+station+`"`) {
		t.Errorf("%s: detail %q does not name station %s", label, p.Detail, station)
	}
	wantScopeDetail(t, label, p)
}

// forbiddenProblem checks that the hub rejected a post with a 403
// forbidden problem and returns it, or false for another status.
func forbiddenProblem(t *testing.T, label string, code int, body []byte) (problem.Problem, bool) {
	t.Helper()
	if code != http.StatusForbidden {
		t.Errorf("%s: status %d, want 403; %s", label, code, body)
		return problem.Problem{}, false
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%s: decoding problem: %v", label, err)
	}
	if p.Type != "urn:sangam:problem:forbidden" {
		t.Errorf("%s: problem type %q, want forbidden", label, p.Type)
	}
	return p, true
}

func TestStationTokensSQLite(t *testing.T) {
	testStationTokens(t, Config{})
}

func TestStationTokensPostgres(t *testing.T) {
	testStationTokens(t, Config{PostgresDSN: postgresDSN(t)})
}

// testStationTokens posts police documents and a verification report
// with tokens limited to one station, and with one for every station.
func testStationTokens(t *testing.T, cfg Config) {
	tokens, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Tokens = tokens
	w := newVerificationWorld(t, cfg)

	code, body := postAs(t, w.url, "police", "ekm0412-token", sample(t, "fir-kaloor-snatching"))
	if code != http.StatusAccepted {
		t.Errorf("EKM0412's FIR with EKM0412's token: status %d, want 202; %s", code, body)
	}

	otherFIR := editJSON(t, sample(t, "fir-kaloor-snatching"), func(m map[string]any) {
		m["message_id"] = "EKM0420-FIR-2025-000311"
		m["fir"].(map[string]any)["police_station"] = "EKM0420"
		delete(m["fir"].(map[string]any), "national_id")
	})
	code, body = postAs(t, w.url, "police", "ekm0412-token", otherFIR)
	wantStationRejected(t, "EKM0420's FIR with EKM0412's token", code, body,
		"/fir/police_station", "EKM0420")
	if n := journaledPolice(t, w.url, "EKM0420-FIR-2025-000311"); n != 0 {
		t.Errorf("the rejected FIR was journaled %d times", n)
	}

	code, body = postAs(t, w.url, "police", "ekm0420-token", sample(t, "arrest-kaloor-snatching"))
	wantStationRejected(t, "EKM0412's arrest memo with EKM0420's token", code, body,
		"/fir/police_station", "EKM0412")

	code, body = postAs(t, w.url, "police", "bureau-token", otherFIR)
	if code != http.StatusAccepted {
		t.Errorf("EKM0420's FIR with the token of every station: status %d, want 202; %s", code, body)
	}
	if n := journaledPolice(t, w.url, "EKM0420-FIR-2025-000311"); n != 1 {
		t.Errorf("the FIR posted with the token of every station was journaled %d times, want 1", n)
	}

	testStationReport(t, w)
}

// testStationReport posts reports on a request that the hub assigns to
// station EKM0420.
func testStationReport(t *testing.T, w *vworld) {
	const file = "CO1075120400017"
	code, body := postAs(t, w.url, "passport", "passport-token", freshRequest(t, "RPO-17", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	var request api.InboundResponse
	if err := json.Unmarshal(body, &request); err != nil {
		t.Fatal(err)
	}
	sampleReport, err := os.ReadFile("../../adapters/passport/testdata/report_clear.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Format(time.RFC3339)
	report := editJSON(t, sampleReport, func(m map[string]any) {
		m["message_id"], m["in_reply_to"] = "EKM0420-PVR-17", request.MessageID
		m["file_number"], m["police_station"] = file, "EKM0420"
		m["officer"].(map[string]any)["police_station"] = "EKM0420"
		m["sent_at"], m["reported_at"] = now, now
	})

	code, body = postAs(t, w.url, "police", "ekm0412-token", report)
	wantStationRejected(t, "EKM0420's report with EKM0412's token", code, body,
		"/police_station", "EKM0420")
	if n := journaledPolice(t, w.url, "EKM0420-PVR-17"); n != 0 {
		t.Errorf("the rejected report was journaled %d times", n)
	}
	var status verification.Status
	getAsOperator(t, w.url, "/api/v1/verifications/"+file, &status)
	if status.State != verification.StatePending || status.ReportID != "" {
		t.Errorf("after the rejected report: status %s, report %q; want pending, none",
			status.State, status.ReportID)
	}

	// The passport adapter reads reports, but the passport office may
	// not post a station's report itself.
	code, body = postAs(t, w.url, "passport", "passport-token", report)
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("EKM0420's report with the passport office's token: decoding %s: %v", body, err)
	}
	if code != http.StatusBadRequest || !hasViolation(p, "/document_type", verification.RuleReportSource) {
		t.Errorf("EKM0420's report with the passport office's token: status %d, errors %+v; "+
			"want 400 with %s at the document's /document_type", code, p.Errors, verification.RuleReportSource)
	}
	getAsOperator(t, w.url, "/api/v1/verifications/"+file, &status)
	if status.State != verification.StatePending || status.ReportID != "" {
		t.Errorf("after the passport office's report: status %s, report %q; want pending, none",
			status.State, status.ReportID)
	}

	code, body = postAs(t, w.url, "police", "ekm0420-token", report)
	if code != http.StatusAccepted {
		t.Fatalf("EKM0420's report with EKM0420's token: status %d, want 202; %s", code, body)
	}
	getAsOperator(t, w.url, "/api/v1/verifications/"+file, &status)
	if status.State != verification.StateReported {
		t.Errorf("after EKM0420's report: status %s, want %s", status.State, verification.StateReported)
	}
}

func TestStationTokensReloaded(t *testing.T) {
	tokens, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	w := newVerificationWorld(t, Config{Tokens: tokens})
	otherFIR := editJSON(t, sample(t, "fir-kaloor-snatching"), func(m map[string]any) {
		m["message_id"] = "EKM0420-FIR-2025-000312"
		m["fir"].(map[string]any)["police_station"] = "EKM0420"
		delete(m["fir"].(map[string]any), "national_id")
	})
	code, body := postAs(t, w.url, "police", "ekm0412-token", otherFIR)
	wantStationRejected(t, "before the reload", code, body, "/fir/police_station", "EKM0420")

	if err := w.hub.ReloadTokens(stationTokenFile("[EKM0412, EKM0420]")); err != nil {
		t.Fatalf("ReloadTokens: %v", err)
	}
	code, body = postAs(t, w.url, "police", "ekm0412-token", otherFIR)
	if code != http.StatusAccepted {
		t.Errorf("after the reload that adds EKM0420: status %d, want 202; %s", code, body)
	}

	err = w.hub.ReloadTokens(stationTokenFile("[EKM0412, EKM0412]"))
	if err == nil || !strings.Contains(err.Error(), "EKM0412 is listed twice") {
		t.Errorf("ReloadTokens with a duplicate station: error %v, want one naming the duplicate", err)
	}
	second := editJSON(t, otherFIR, func(m map[string]any) { m["message_id"] = "EKM0420-FIR-2025-000313" })
	code, body = postAs(t, w.url, "police", "ekm0412-token", second)
	if code != http.StatusAccepted {
		t.Errorf("after a rejected reload: status %d, want 202 by the tokens in force; %s", code, body)
	}
}

// TestReloadNarrowsPostInFlight narrows a token's stations while its post
// waits to send the body. The post sends Expect: 100-continue, and the
// hub responds 100 Continue when its handler first reads the body, after
// it identified the caller, so the reload comes between the two.
func TestReloadNarrowsPostInFlight(t *testing.T) {
	tokens, err := auth.Parse(stationTokenFile("[EKM0412, EKM0420]"))
	if err != nil {
		t.Fatal(err)
	}
	w := newVerificationWorld(t, Config{Tokens: tokens})
	fir := editJSON(t, sample(t, "fir-kaloor-snatching"), func(m map[string]any) {
		m["message_id"] = "EKM0420-FIR-2025-000412"
		m["fir"].(map[string]any)["police_station"] = "EKM0420"
		delete(m["fir"].(map[string]any), "national_id")
	})

	conn, err := net.Dial("tcp", strings.TrimPrefix(w.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = fmt.Fprintf(conn, "POST /api/v1/inbound/police HTTP/1.1\r\nHost: hub\r\n"+
		"Authorization: Bearer ekm0412-token\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(fir))
	if err != nil {
		t.Fatalf("sending the headers: %v", err)
	}
	reader := bufio.NewReader(conn)
	status, err := reader.ReadString('\n')
	if err != nil || !strings.Contains(status, " 100 ") {
		t.Fatalf("waiting for 100 Continue: got %q, %v", status, err)
	}
	if _, err := reader.ReadString('\n'); err != nil { // the blank line after it
		t.Fatalf("reading 100 Continue: %v", err)
	}

	if err := w.hub.ReloadTokens(stationTokenFile("[EKM0412]")); err != nil {
		t.Fatalf("ReloadTokens: %v", err)
	}
	if _, err := conn.Write(fir); err != nil {
		t.Fatalf("sending the body: %v", err)
	}
	resp, err := http.ReadResponse(reader, nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	wantStationRejected(t, "after a reload during the post", resp.StatusCode, body,
		"/fir/police_station", "EKM0420")
	if n := journaledPolice(t, w.url, "EKM0420-FIR-2025-000412"); n != 0 {
		t.Errorf("the journal has %d messages with the rejected id, want 0", n)
	}
}

// TestVerificationStatusRefusalLogged reads a verification's status with
// a station's token: 403, and a warning naming the token's holder.
func TestVerificationStatusRefusalLogged(t *testing.T) {
	tokens, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	log, logs := capturedLog()
	w := newVerificationWorld(t, Config{Tokens: tokens, Log: log})
	req, err := http.NewRequest(http.MethodGet, w.url+"/api/v1/verifications/CO1075120411325", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer ekm0412-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "used for passport verifications") ||
		!strings.Contains(logs.String(), "principal=station-ekm0412") {
		t.Errorf("log lacks the refusal naming station-ekm0412:\n%s", logs.String())
	}
}
