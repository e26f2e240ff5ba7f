package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
)

// wantOneLine returns the only line of logs with message msg, or fails t.
func wantOneLine(t *testing.T, logs *lockedBuffer, msg string) map[string]any {
	t.Helper()
	lines := logs.lines(t, msg)
	if len(lines) != 1 {
		t.Fatalf("%d lines %q, want 1: %v", len(lines), msg, lines)
	}
	return lines[0]
}

func TestReadsLoggedWithPrincipal(t *testing.T) {
	for _, tc := range []struct {
		path, token, principal, endpoint string
		status                           float64
	}{
		{"/api/v1/messages/" + unknownID, operatorToken, "ops", "GET /api/v1/messages/{id}", 404},
		{"/api/v1/messages?case_key=FIR/1", operatorToken, "ops", "GET /api/v1/messages", 200},
		{"/api/v1/deadletters", operatorToken, "ops", "GET /api/v1/deadletters", 200},
		{"/api/v1/verifications", passportToken, "rpo", "GET /api/v1/verifications", 200},
	} {
		h := newSampleHub(t, true)
		r := send(t, http.MethodGet, h.url+tc.path, tc.token, nil)
		if r.status != int(tc.status) {
			t.Fatalf("GET %s: status %d, want %v; body %s", tc.path, r.status, tc.status, r.body)
		}
		line := wantOneLine(t, h.logs, "journal read")
		if line["level"] != "INFO" {
			t.Errorf("GET %s: level %v, want INFO", tc.path, line["level"])
		}
		if line["principal"] != tc.principal {
			t.Errorf("GET %s: principal %v, want %s", tc.path, line["principal"], tc.principal)
		}
		if line["endpoint"] != tc.endpoint {
			t.Errorf("GET %s: endpoint %v, want %s", tc.path, line["endpoint"], tc.endpoint)
		}
		if remote, _ := line["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
			t.Errorf("GET %s: remote %q, want the client's loopback address", tc.path, remote)
		}
		if line["status"] != tc.status {
			t.Errorf("GET %s: status %v, want %v", tc.path, line["status"], tc.status)
		}
	}
}

func TestReadDeniedNotLoggedAsRead(t *testing.T) {
	h := newSampleHub(t, true)
	r := send(t, http.MethodGet, h.url+"/api/v1/messages/"+unknownID, policeToken, nil)
	if r.status != http.StatusForbidden {
		t.Fatalf("status %d, want 403", r.status)
	}
	if lines := h.logs.lines(t, "journal read"); len(lines) != 0 {
		t.Errorf("a denied read logged %v", lines)
	}
}

// requestWithMatches returns the canonical verification request of the
// passport adapter's golden file with two cases matched by Aadhaar and
// one by passport number.
func requestWithMatches(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../../adapters/passport/testdata/request_fresh.golden.json")
	if err != nil {
		t.Fatalf("reading request: %v", err)
	}
	var msgs []map[string]any
	if err := json.Unmarshal(raw, &msgs); err != nil {
		t.Fatalf("decoding request: %v", err)
	}
	m := msgs[0]
	m["source"] = "passport"
	m["verification_request"].(map[string]any)["matches"] = []any{
		map[string]any{"case": map[string]any{"cnr": "KLER010001232025"}, "matched_by": "aadhaar_token"},
		map[string]any{"case": map[string]any{"cnr": "KLER010001242025"}, "matched_by": "aadhaar_token"},
		map[string]any{"case": map[string]any{"cnr": "KLER010001252025"}, "matched_by": "passport_number"},
	}
	return m
}

func TestExplainLogsMatchCounts(t *testing.T) {
	h := newSampleHub(t, true)
	body := jsonBody(t, map[string]any{"message": requestWithMatches(t)})
	r := send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, body)
	if r.status != http.StatusOK {
		t.Fatalf("explain: status %d; body %s", r.status, r.body)
	}
	line := wantOneLine(t, h.logs, "journal read")
	if line["principal"] != "ops" {
		t.Errorf("principal %v, want ops", line["principal"])
	}
	if line["endpoint"] != "POST /api/v1/routes/explain" {
		t.Errorf("endpoint %v, want POST /api/v1/routes/explain", line["endpoint"])
	}
	if line["matches"] != 3.0 {
		t.Errorf("matches %v, want 3", line["matches"])
	}
	if line["matched_by"] != "aadhaar_token,passport_number" {
		t.Errorf("matched_by %v, want aadhaar_token,passport_number", line["matched_by"])
	}
	encoded, _ := json.Marshal(line)
	for _, secret := range []string{"2345", "KLER0100012"} {
		if strings.Contains(string(encoded), secret) {
			t.Errorf("the line %s contains %q", encoded, secret)
		}
	}
}

func TestInboundLinesNamePrincipal(t *testing.T) {
	h := newSampleHub(t, true)
	for _, tc := range []struct {
		msg  string
		body []byte
	}{
		{"message accepted", firBody(t, "AUDIT-FIR-1", nil)},
		{"invalid message rejected", firBody(t, "AUDIT-FIR-2", func(doc map[string]any) {
			delete(doc, "sections")
		})},
		{"malformed message rejected", []byte("{")},
		{"reused sender message id rejected", firBody(t, "AUDIT-FIR-1", func(doc map[string]any) {
			doc["delay_reason"] = "The complainant was in hospital."
		})},
	} {
		postAs(t, h.url, "police", policeToken, tc.body)
		line := wantOneLine(t, h.logs, tc.msg)
		if line["principal"] != "cctns" {
			t.Errorf("%s: principal %v, want cctns", tc.msg, line["principal"])
		}
		if line["agency"] != "police" {
			t.Errorf("%s: agency %v, want police", tc.msg, line["agency"])
		}
	}
}

func TestDeniedLinesNameRemote(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "AUDIT-FIR-3", nil)
	postAs(t, h.url, "police", "no-such-token", fir)
	postAs(t, h.url, "prisons", policeToken, fir)
	for _, msg := range []string{"request without a valid token", "token used for another agency"} {
		line := wantOneLine(t, h.logs, msg)
		if remote, _ := line["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
			t.Errorf("%s: remote %q, want the client's loopback address", msg, remote)
		}
	}
}

// newClockedHandler returns the API's handler with the sample tokens,
// logging as JSON to the returned buffer at the returned stopped clock.
func newClockedHandler(t *testing.T) (http.Handler, *lockedBuffer, *stoppedClock) {
	t.Helper()
	logs := &lockedBuffer{}
	clock := &stoppedClock{now: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	server := &api.Server{Log: slog.New(slog.NewJSONHandler(logs, nil)), Tokens: sampleTokens(t)}
	server.SetClock(clock.Now)
	return server.Handler(), logs, clock
}

// startClockedServer serves newClockedHandler's handler on loopback.
func startClockedServer(t *testing.T) (*httptest.Server, *lockedBuffer, *stoppedClock) {
	t.Helper()
	handler, logs, clock := newClockedHandler(t)
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv, logs, clock
}

func TestDeniedLinesRateLimited(t *testing.T) {
	srv, logs, clock := startClockedServer(t)

	fir := firBody(t, "AUDIT-FIR-4", nil)
	for range 42 {
		r := postAs(t, srv.URL, "police", "no-such-token", fir)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", r.status)
		}
	}
	if n := len(logs.lines(t, "request without a valid token")); n != 1 {
		t.Errorf("42 requests with an unknown token within a second logged %d lines, want 1", n)
	}

	clock.advance(5 * time.Second)
	postAs(t, srv.URL, "police", "no-such-token", fir)
	lines := logs.lines(t, "request without a valid token")
	if len(lines) != 2 {
		t.Fatalf("%d lines after 5 s, want 2", len(lines))
	}
	if _, ok := lines[0]["suppressed"]; ok {
		t.Errorf("the first line has suppressed %v, want none", lines[0]["suppressed"])
	}
	if lines[1]["suppressed"] != 41.0 {
		t.Errorf("the second line has suppressed %v, want 41", lines[1]["suppressed"])
	}
	if lines[1]["suppressed_key"] != "remote:127.0.0.1" {
		t.Errorf("the second line has suppressed_key %v, want remote:127.0.0.1", lines[1]["suppressed_key"])
	}
}

// wantAttr fails t unless line has want as the value of key.
func wantAttr(t *testing.T, line map[string]any, key string, want any) {
	t.Helper()
	if line[key] != want {
		t.Errorf("%s = %v, want %v; line %v", key, line[key], want, line)
	}
}

func TestDeniedLinesLimitedPerPrincipal(t *testing.T) {
	const msg = "agency token used for an operator endpoint"
	srv, logs, clock := startClockedServer(t)
	deny := func(token string) {
		t.Helper()
		if r := send(t, http.MethodGet, srv.URL+"/api/v1/deadletters", token, nil); r.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", r.status)
		}
	}
	for _, token := range []string{policeToken, stationToken, policeToken, passportToken, stationToken, policeToken} {
		deny(token)
	}
	lines := logs.lines(t, msg)
	var principals []any
	for _, line := range lines {
		principals = append(principals, line["principal"])
	}
	if want := []any{"cctns", "ekm0420", "rpo"}; !slices.Equal(principals, want) {
		t.Fatalf("lines name principals %v, want %v", principals, want)
	}

	clock.advance(5 * time.Second)
	deny(policeToken)
	lines = logs.lines(t, msg)
	if len(lines) != 5 {
		t.Fatalf("%d lines after 5 s, want 5: %v", len(lines), lines)
	}
	// The entry of ekm0420, with one request held back, expires at the
	// next denial and gets its own line. That of rpo held back none.
	held := lines[3]
	wantAttr(t, held, "suppressed", 1.0)
	wantAttr(t, held, "suppressed_key", "principal:ekm0420")
	wantAttr(t, held, "suppressed_since", "2026-12-06T10:00:00Z")
	if _, ok := held["remote"]; ok {
		t.Errorf("held-back line has remote %v, want none: it reports requests held back, not one request", held["remote"])
	}
	last := lines[4]
	wantAttr(t, last, "principal", "cctns")
	wantAttr(t, last, "suppressed", 2.0)
	wantAttr(t, last, "suppressed_key", "principal:cctns")
}

// denyHost sends handler a request with an unknown token from host,
// which must be denied with 401.
func denyHost(t *testing.T, handler http.Handler, host string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/deadletters", nil)
	req.RemoteAddr = host + ":40000"
	req.Header.Set("Authorization", "Bearer no-such-token")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", rec.Code)
	}
}

func TestDeniedLinesSharedWhenKeysFull(t *testing.T) {
	const msg = "request without a valid token"
	handler, logs, clock := newClockedHandler(t)
	deny := func(host string) {
		t.Helper()
		denyHost(t, handler, host)
	}
	// Each of 256 hosts gets a line of its own.
	for i := range 256 {
		deny(fmt.Sprintf("198.51.100.%d", i))
	}
	lines := logs.lines(t, msg)
	if len(lines) != 256 {
		t.Fatalf("256 hosts logged %d lines, want 256", len(lines))
	}
	for _, line := range lines {
		if _, ok := line["rate_limit"]; ok {
			t.Fatalf("line within the table has rate_limit %v: %v", line["rate_limit"], line)
		}
	}

	// The table is full, so three more hosts share one line.
	for _, host := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
		deny(host)
	}
	lines = logs.lines(t, msg)
	if len(lines) != 257 {
		t.Fatalf("3 hosts beyond the table logged %d lines, want 1", len(lines)-256)
	}
	shared := lines[256]
	wantAttr(t, shared, "rate_limit", "shared")
	wantAttr(t, shared, "remote", "203.0.113.1:40000")

	clock.advance(5 * time.Second)
	deny("203.0.113.4")
	lines = logs.lines(t, msg)
	if len(lines) != 259 {
		t.Fatalf("%d lines after 5 s, want 259", len(lines))
	}
	held := lines[257]
	wantAttr(t, held, "suppressed", 2.0)
	wantAttr(t, held, "suppressed_key", "shared")
	// The entries expired, so the new host has one again.
	if _, ok := lines[258]["rate_limit"]; ok {
		t.Errorf("line after the entries expired has rate_limit %v", lines[258]["rate_limit"])
	}
}

func TestDeniedHeldBackFlushedWithoutDenial(t *testing.T) {
	const msg = "request without a valid token"
	logs := &lockedBuffer{}
	clock := &stoppedClock{now: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	server := &api.Server{Log: slog.New(slog.NewJSONHandler(logs, nil)), Tokens: sampleTokens(t)}
	server.SetClock(clock.Now)
	ticks := make(chan time.Time)
	server.SetDeniedFlushTicks(ticks)
	handler := server.Handler()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.RunDeniedFlush(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	deny := func(host string) {
		t.Helper()
		denyHost(t, handler, host)
	}
	// The loop takes the second tick only once the first one's flush has
	// returned.
	flush := func() {
		ticks <- clock.Now()
		ticks <- clock.Now()
	}

	deny("192.0.2.1")
	deny("192.0.2.1")
	deny("192.0.2.2")
	flush()
	if lines := logs.lines(t, msg); len(lines) != 2 {
		t.Fatalf("%d lines before the interval ends, want 2: %v", len(lines), lines)
	}

	clock.advance(5 * time.Second)
	flush()
	lines := logs.lines(t, msg)
	if len(lines) != 3 {
		t.Fatalf("%d lines after the interval, want 3: only 192.0.2.1 had a request held back: %v",
			len(lines), lines)
	}
	held := lines[2]
	wantAttr(t, held, "suppressed", 1.0)
	wantAttr(t, held, "suppressed_key", "remote:192.0.2.1")
	wantAttr(t, held, "suppressed_since", "2026-12-06T10:00:00Z")

	clock.advance(5 * time.Second)
	flush()
	if lines := logs.lines(t, msg); len(lines) != 3 {
		t.Errorf("%d lines after a second interval, want 3: each count is logged once", len(lines))
	}
}

func TestDeniedRequestsCounted(t *testing.T) {
	h := newSampleHub(t, true)
	for _, token := range []string{policeToken, policeToken, stationToken, "no-such-token", policeToken, ""} {
		r := send(t, http.MethodGet, h.url+"/api/v1/deadletters", token, nil)
		if r.status != http.StatusForbidden && r.status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401 or 403", r.status)
		}
	}

	scrape := metricstest.Get(t, h.url+"/metrics", metricsToken)
	for _, tc := range []struct {
		kind, principal string
		want            float64
	}{
		// Every request counts, those whose lines were held back too.
		{"operator_endpoint", "cctns", 3},
		{"operator_endpoint", "ekm0420", 1},
		{"unauthenticated", "", 2},
	} {
		labels := []string{"kind", tc.kind, "principal", tc.principal}
		if got, ok := scrape.Value("sangam_denied_requests_total", labels...); got != tc.want || !ok {
			t.Errorf("sangam_denied_requests_total%v = %v (present %v), want %v", labels, got, ok, tc.want)
		}
	}
}

func TestTwoAuthorizationLinesRateLimited(t *testing.T) {
	const msg = "request with more than one Authorization header"
	srv, logs, _ := startClockedServer(t)
	fir := firBody(t, "AUDIT-FIR-5", nil)
	for range 3 {
		resp := postTwoAuthorizations(t, srv.URL, fir)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	}
	lines := logs.lines(t, msg)
	if len(lines) != 1 {
		t.Fatalf("3 requests within a second logged %d lines, want 1", len(lines))
	}
	if remote, _ := lines[0]["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
		t.Errorf("remote %q, want the client's loopback address", remote)
	}
}

func TestConfigReadsLogged(t *testing.T) {
	for _, tc := range []struct {
		path, endpoint string
		status         float64
	}{
		{"/api/v1/destinations", "GET /api/v1/destinations", 200},
		{"/api/v1/routes", "GET /api/v1/routes", 200},
		{"/api/v1/routes/versions", "GET /api/v1/routes/versions", 200},
		{"/api/v1/routes/versions?limit=0", "GET /api/v1/routes/versions", 400},
		{"/api/v1/routes/versions/1", "GET /api/v1/routes/versions/{n}", 200},
		{"/api/v1/routes/versions/99", "GET /api/v1/routes/versions/{n}", 404},
	} {
		h := newSampleHub(t, true)
		r := send(t, http.MethodGet, h.url+tc.path, operatorToken, nil)
		if r.status != int(tc.status) {
			t.Fatalf("GET %s: status %d, want %v; body %s", tc.path, r.status, tc.status, r.body)
		}
		line := wantOneLine(t, h.logs, "config read")
		if line["level"] != "INFO" {
			t.Errorf("GET %s: level %v, want INFO", tc.path, line["level"])
		}
		if line["principal"] != "ops" {
			t.Errorf("GET %s: principal %v, want ops", tc.path, line["principal"])
		}
		if line["endpoint"] != tc.endpoint {
			t.Errorf("GET %s: endpoint %v, want %s", tc.path, line["endpoint"], tc.endpoint)
		}
		if path, _, _ := strings.Cut(tc.path, "?"); line["path"] != path {
			t.Errorf("GET %s: path %v, want %s", tc.path, line["path"], path)
		}
		if remote, _ := line["remote"].(string); !strings.HasPrefix(remote, "127.0.0.1:") {
			t.Errorf("GET %s: remote %q, want the client's loopback address", tc.path, remote)
		}
		if line["status"] != tc.status {
			t.Errorf("GET %s: status %v, want %v", tc.path, line["status"], tc.status)
		}
		// The line has only these attributes, so no destination's URL,
		// credentials or policy can reach the log through it.
		for key := range line {
			switch key {
			case "time", "level", "msg", "principal", "endpoint", "path", "query", "remote", "status":
			default:
				t.Errorf("GET %s: unexpected attribute %s=%v", tc.path, key, line[key])
			}
		}
		if lines := h.logs.lines(t, "journal read"); len(lines) != 0 {
			t.Errorf("GET %s: logged a journal read: %v", tc.path, lines)
		}
	}
}

func TestConfigReadDeniedNotLogged(t *testing.T) {
	h := newSampleHub(t, true)
	for _, path := range []string{"/api/v1/destinations", "/api/v1/routes/versions"} {
		r := send(t, http.MethodGet, h.url+path, policeToken, nil)
		if r.status != http.StatusForbidden {
			t.Fatalf("GET %s: status %d, want 403", path, r.status)
		}
	}
	if lines := h.logs.lines(t, "config read"); len(lines) != 0 {
		t.Errorf("a denied read logged %v", lines)
	}
}
