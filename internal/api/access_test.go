package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postAs posts body to the inbound endpoint of agency with token.
func postAs(t *testing.T, base, agency, token string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/inbound/"+agency,
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST inbound/%s: %v", agency, err)
	}
	return readResponse(t, resp)
}

func TestInboundUnknownAgencyBeforeGrant(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "ACCESS-FIR-1", nil)
	for _, token := range []string{operatorToken, policeToken, strangerToken} {
		r := postAs(t, h.url, "nosuch", token, fir)
		p := wantProblem(t, r, problem.UnknownAgency)
		lines := h.logs.lines(t, "inbound message for an unknown agency rejected")
		line := lines[len(lines)-1]
		if line["agency"] != "nosuch" || line["principal"] == nil {
			t.Errorf("token %s: line %v, want agency nosuch and the principal", token, line)
		}
		if remote, _ := line["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
			t.Errorf("token %s: remote %q, want the client's loopback address", token, remote)
		}
		for _, want := range []string{`unknown agency "nosuch"`,
			"known agencies are courts, passport, police, prisons"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("token %s: detail %q lacks %q", token, p.Detail, want)
			}
		}
	}
}

func TestInboundKnownAgencyWrongToken(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "ACCESS-FIR-2", nil)
	for _, token := range []string{operatorToken, prisonsToken} {
		r := postAs(t, h.url, "police", token, fir)
		p := wantProblem(t, r, problem.Forbidden)
		if want := "may not post messages as agency police"; !strings.Contains(p.Detail, want) {
			t.Errorf("token %s: detail %q lacks %q", token, p.Detail, want)
		}
	}
}

func TestInboundUnknownAgencyNeedsToken(t *testing.T) {
	h := newSampleHub(t, true)
	r := postAs(t, h.url, "nosuch", "", firBody(t, "ACCESS-FIR-3", nil))
	wantProblem(t, r, problem.Unauthenticated)
}

// send makes a request to the hub with token and an optional JSON body.
func send(t *testing.T, method, url, token string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return readResponse(t, resp)
}

func TestMetricsTokenReadsMetrics(t *testing.T) {
	h := newSampleHub(t, true)
	for _, token := range []string{metricsToken, operatorToken} {
		r := send(t, http.MethodGet, h.url+"/metrics", token, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET /metrics with %s: status %d, want 200; body %s", token, r.status, r.body)
		}
		if !strings.Contains(string(r.body), "sangam_journal_up") {
			t.Errorf("GET /metrics with %s: body lacks sangam_journal_up", token)
		}
		if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET /metrics with %s: X-Content-Type-Options = %q, want nosniff", token, got)
		}
	}
}

func TestMetricsTokenRejectedElsewhere(t *testing.T) {
	h := newSampleHub(t, true)
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes, Comment: "by a scraper", Expect: 1})
	for _, tc := range []struct {
		method, path string
		body         []byte
		detail       string
	}{
		{http.MethodGet, "/api/v1/destinations", nil, "this endpoint needs an operator's token"},
		{http.MethodGet, "/api/v1/routes", nil, "this endpoint needs an operator's token"},
		{http.MethodPut, "/api/v1/routes", change, "this endpoint needs an operator's token"},
		{http.MethodPost, "/api/v1/routes/versions/1/restore", change,
			"this endpoint needs an operator's token"},
		{http.MethodPost, "/api/v1/deliveries/1/replay", nil, "this endpoint needs an operator's token"},
		{http.MethodPost, "/api/v1/deadletters/replay", []byte(`{}`),
			"this endpoint needs an operator's token"},
		{http.MethodGet, "/api/v1/messages", nil, "this endpoint needs an operator's token"},
		{http.MethodPost, "/api/v1/inbound/police", firBody(t, "ACCESS-FIR-4", nil),
			"this token may not post messages as agency police; nothing was stored"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := send(t, tc.method, h.url+tc.path, metricsToken, tc.body)
			p := wantProblem(t, r, problem.Forbidden)
			if p.Detail != tc.detail {
				t.Errorf("detail %q, want %q", p.Detail, tc.detail)
			}
		})
	}

	// The rejected PUT and restore saved no routes version.
	r := send(t, http.MethodGet, h.url+"/api/v1/routes", operatorToken, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/routes with the operator's token: status %d; body %s", r.status, r.body)
	}
	var current api.RoutesVersion
	if err := json.Unmarshal(r.body, &current); err != nil {
		t.Fatalf("decoding routes: %v", err)
	}
	if current.Number != 1 {
		t.Errorf("routes version %d after the metrics token's change, want 1", current.Number)
	}
}

func TestAgencyTokenMetricsForbidden(t *testing.T) {
	h := newSampleHub(t, true)
	p := wantProblem(t, send(t, http.MethodGet, h.url+"/metrics", policeToken, nil), problem.Forbidden)
	if want := "this endpoint needs an operator's or a metrics token"; p.Detail != want {
		t.Errorf("detail %q, want %q", p.Detail, want)
	}
}

func TestInboundStationTokenOtherStation(t *testing.T) {
	h := newSampleHub(t, true)
	r := postAs(t, h.url, "police", stationToken, firBody(t, "ACCESS-FIR-4", nil))
	p := wantProblem(t, r, problem.Forbidden)
	if len(p.Errors) != 1 {
		t.Fatalf("errors %+v, want one", p.Errors)
	}
	v := p.Errors[0]
	if v.Pointer != "/fir/police_station" {
		t.Errorf("pointer %q, want /fir/police_station", v.Pointer)
	}
	if v.Rule != api.RuleStationScope {
		t.Errorf("rule %q, want %s", v.Rule, api.RuleStationScope)
	}
	want := `this token may not post for police station "EKM0412", only for EKM0420; ` +
		`nothing was stored`
	if p.Detail != want {
		t.Errorf("detail %q, want %q", p.Detail, want)
	}

	found, err := h.store.Find(context.Background(),
		journal.Query{Source: "police", SenderMessageID: "ACCESS-FIR-4"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Errorf("the rejected FIR was journaled: %+v", found)
	}

	scrape := metricstest.Get(t, h.url+"/metrics", operatorToken)
	labels := []string{"agency", "police", "outcome", "forbidden"}
	if got, ok := scrape.Value("sangam_inbound_messages_total", labels...); got != 1 || !ok {
		t.Errorf("sangam_inbound_messages_total%v = %v (present %v), want 1", labels, got, ok)
	}
}

func TestInboundStationTokenOwnStation(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "ACCESS-FIR-5", func(doc map[string]any) {
		doc["fir"].(map[string]any)["police_station"] = "EKM0420"
	})
	r := postAs(t, h.url, "police", stationToken, fir)
	if r.status != http.StatusAccepted {
		t.Errorf("status %d, want 202; body %s", r.status, r.body)
	}
}

// TestInboundRecordsTokenHolder posts a FIR with the all-stations token,
// whose holder the journey names, and then the same message id with
// other content from the EKM0420 station's token. The 409 does not give
// the station the hub id of the other holder's message.
func TestInboundRecordsTokenHolder(t *testing.T) {
	h := newSampleHub(t, true)
	r := postAs(t, h.url, "police", policeToken, firBody(t, "ACCESS-FIR-6", nil))
	if r.status != http.StatusAccepted {
		t.Fatalf("status %d, want 202; body %s", r.status, r.body)
	}
	var accepted api.InboundResponse
	if err := json.Unmarshal(r.body, &accepted); err != nil {
		t.Fatal(err)
	}
	j, err := h.store.Journey(context.Background(), accepted.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if j.PostedBy != "cctns" {
		t.Errorf("journey posted_by = %q, want cctns, the token's holder", j.PostedBy)
	}

	squat := firBody(t, "ACCESS-FIR-6", func(doc map[string]any) {
		doc["fir"].(map[string]any)["police_station"] = "EKM0420"
	})
	p := wantProblem(t, postAs(t, h.url, "police", stationToken, squat), problem.Conflict)
	if strings.Contains(p.Detail, accepted.MessageID) || !strings.Contains(p.Detail, "another token holder") {
		t.Errorf("detail %q, want it to say another holder used the id without naming %s",
			p.Detail, accepted.MessageID)
	}
}

func TestInboundCompressedBodyRejected(t *testing.T) {
	h := newSampleHub(t, true)
	for _, enc := range []string{"gzip", "br", "identity, gzip", "identity\ngzip"} {
		req, err := http.NewRequest(http.MethodPost, h.url+"/api/v1/inbound/police",
			bytes.NewReader(firBody(t, "ACCESS-FIR-GZ-"+strings.Fields(enc)[0], nil)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for _, line := range strings.Split(enc, "\n") {
			req.Header.Add("Content-Encoding", line)
		}
		req.Header.Set("Authorization", "Bearer "+policeToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(body), "gzip") &&
			!strings.Contains(string(body), "br") {
			t.Errorf("Content-Encoding %s: status %d, body %s; want 415 naming it", enc, resp.StatusCode, body)
		}
		if !strings.Contains(string(body), "nothing was stored") {
			t.Errorf("Content-Encoding %s: body %s, want it to say nothing was stored, as the other 415s do",
				enc, body)
		}
		found, err := h.store.Find(context.Background(),
			journal.Query{Source: "police", SenderMessageID: "ACCESS-FIR-GZ-" + strings.Fields(enc)[0]})
		if err != nil || len(found) != 0 {
			t.Errorf("Content-Encoding %s: journal holds %d messages (%v), want none", enc, len(found), err)
		}
	}
	// Each rejection is logged, as the other 415s are, with its holder.
	lines := h.logs.lines(t, "compressed message rejected")
	if len(lines) != 4 || lines[0]["content_encoding"] != "gzip" || lines[0]["principal"] != "cctns" {
		t.Errorf("log lines %v, want 4, the first with content_encoding gzip and principal cctns", lines)
	}
}

// TestRefusedRoutesChangesLogged changes the routes with an agency's
// token, with an invalid document and from an old version: each refusal
// leaves a warning in the log that names who tried.
func TestRefusedRoutesChangesLogged(t *testing.T) {
	h := newSampleHub(t, true)
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes + "\n# edited\n", Expect: 1})
	wantProblem(t, send(t, http.MethodPut, h.url+"/api/v1/routes", policeToken, change), problem.Forbidden)
	lines := h.logs.lines(t, "agency token used for an operator endpoint")
	if len(lines) != 1 || lines[0]["principal"] != "cctns" || lines[0]["path"] != "/api/v1/routes" {
		t.Errorf("log of the police token's change: %v, want one line naming cctns and the path", lines)
	}

	invalid := jsonBody(t, api.RoutesChange{Document: "version: x\nroutes: 7\n", Expect: 1})
	wantProblem(t, send(t, http.MethodPut, h.url+"/api/v1/routes", operatorToken, invalid), problem.InvalidRoutes)
	if lines := h.logs.lines(t, "routes change rejected as invalid"); len(lines) != 1 || lines[0]["by"] != "ops" {
		t.Errorf("log of the invalid change: %v, want one line by ops", lines)
	}

	stale := jsonBody(t, api.RoutesChange{Document: sampleRoutes + "\n# edited\n", Expect: 7})
	wantProblem(t, send(t, http.MethodPut, h.url+"/api/v1/routes", operatorToken, stale), problem.Conflict)
	lines = h.logs.lines(t, "routes change rejected: another version was saved since the one it is based on")
	if len(lines) != 1 || lines[0]["expect"] != float64(7) || lines[0]["current"] != float64(1) ||
		lines[0]["by"] != "ops" {
		t.Errorf("log of the stale change: %v, want one line by ops with expect 7 and current 1", lines)
	}
}

// TestRoutesChangeNeedsExpect changes the routes without saying which
// version the change is based on: 400 names expect and the current
// version, and nothing is saved.
func TestRoutesChangeNeedsExpect(t *testing.T) {
	h := newSampleHub(t, true)
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes + "\n# edited\n"})
	p := wantProblem(t, send(t, http.MethodPut, h.url+"/api/v1/routes", operatorToken, change), problem.Invalid)
	if len(p.Errors) != 1 || p.Errors[0].Rule != "change" ||
		!strings.HasPrefix(p.Errors[0].Message, "expect: missing") || !strings.Contains(p.Errors[0].Message, "such as 1") {
		t.Errorf("errors %+v, want one change error naming expect and version 1", p.Errors)
	}
	if len(p.Errors) == 1 && p.Errors[0].Pointer != "/expect" {
		t.Errorf("error at pointer %q, want /expect", p.Errors[0].Pointer)
	}
	if lines := h.logs.lines(t, "routes change rejected: it does not say which version it is based on"); len(lines) != 1 || lines[0]["by"] != "ops" {
		t.Errorf("log of the change without expect: %v, want one line by ops", lines)
	}
	var current api.RoutesVersion
	r := send(t, http.MethodGet, h.url+"/api/v1/routes", operatorToken, nil)
	if err := json.Unmarshal(r.body, &current); err != nil || current.Number != 1 {
		t.Errorf("current version %d (%v) after the rejected change, want 1", current.Number, err)
	}
}

// TestRoutesChangeByNameBesideHolder changes the routes with an
// operator's token and another name in by: the version records the
// token's holder with that name beside it, as a replay does.
func TestRoutesChangeByNameBesideHolder(t *testing.T) {
	h := newSampleHub(t, true)
	change := jsonBody(t, api.RoutesChange{Document: sampleRoutes + "\n# edited\n", Expect: 1, By: "mallory"})
	if r := send(t, http.MethodPut, h.url+"/api/v1/routes", operatorToken, change); r.status != http.StatusCreated {
		t.Fatalf("change: status %d, %s", r.status, r.body)
	}
	var current api.RoutesVersion
	r := send(t, http.MethodGet, h.url+"/api/v1/routes", operatorToken, nil)
	if err := json.Unmarshal(r.body, &current); err != nil {
		t.Fatal(err)
	}
	if current.Number != 2 || current.By != "ops (for mallory)" {
		t.Errorf("version %d by %q, want version 2 by %q", current.Number, current.By,
			"ops (for mallory)")
	}
}

// postTwoAuthorizations posts body as the police with two Authorization
// headers, the police's and the operator's tokens.
func postTwoAuthorizations(t *testing.T, url string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/api/v1/inbound/police", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("Authorization", "Bearer "+policeToken)
	req.Header.Add("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestTwoAuthorizationHeadersRejected(t *testing.T) {
	h := newSampleHub(t, true)
	resp := postTwoAuthorizations(t, h.url, firBody(t, "ACCESS-FIR-TWO-HEADERS", nil))
	p := wantProblem(t, readResponse(t, resp), problem.BadRequest)
	if want := "more than one Authorization header"; !strings.Contains(p.Detail, want) {
		t.Errorf("detail %q lacks %q", p.Detail, want)
	}
	again := postAs(t, h.url, "police", policeToken, firBody(t, "ACCESS-FIR-TWO-HEADERS", nil))
	if again.status != http.StatusAccepted {
		t.Errorf("post with one header after the rejected one: status %d, want 202 as nothing was stored; "+
			"body %s", again.status, again.body)
	}
}
