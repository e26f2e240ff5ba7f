package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/logmask"
	"github.com/sangam-hub/sangam/internal/problem"
)

const (
	badEscapeDetail = `query: invalid URL escape "%zz": write a % in a value as %25`
	semicolonDetail = "query: invalid semicolon separator: separate parameters with &, " +
		"and write a ; in a value as %3B"
)

// TestListingsRejectMalformedQuery checks that a query string that does
// not parse gets 400 from every listing, where url.URL.Query would drop
// the pair it cannot decode and list everything.
func TestListingsRejectMalformedQuery(t *testing.T) {
	h := newSampleHub(t, true)
	for _, tc := range []struct{ path, token, want string }{
		{"/api/v1/messages?case_key=KL%2FEKM%zz&limit=2", operatorToken, badEscapeDetail},
		{"/api/v1/messages?case_key=x;y", operatorToken, semicolonDetail},
		{"/api/v1/deadletters?destination=%zz", operatorToken, badEscapeDetail},
		{"/api/v1/deadletters?replayed=false;destination=registry", operatorToken, semicolonDetail},
		{"/api/v1/verifications?due_after=2025-11-%zz", passportToken, badEscapeDetail},
		{"/api/v1/verifications?state=open;overdue=true", operatorToken, semicolonDetail},
		{"/api/v1/routes/versions?before=%zz", operatorToken, badEscapeDetail},
		{"/api/v1/routes/versions?limit=1;before=2", operatorToken, semicolonDetail},
	} {
		r := send(t, http.MethodGet, h.url+tc.path, tc.token, nil)
		p := wantProblem(t, r, problem.BadRequest)
		if p.Detail != tc.want {
			t.Errorf("GET %s: detail %q, want %q", tc.path, p.Detail, tc.want)
		}
	}
}

// TestEscapedFilterStillSelects checks that a well-formed query, with
// escapes that url.ParseQuery decodes, filters as before.
func TestEscapedFilterStillSelects(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	rf.postFIRTo(t, "EKM0412-FIR-981")
	all := findMessages(t, rf.fixture, "/api/v1/messages").Messages
	if len(all) != 1 {
		t.Fatalf("listed %d messages, want the 1 posted", len(all))
	}
	caseKey := all[0].CaseKey
	if !strings.Contains(caseKey, "/") {
		t.Fatalf("case key %q has no /, so escaping it checks nothing", caseKey)
	}

	path := "/api/v1/messages?limit=2&case_key=" + url.QueryEscape(caseKey)
	if found := findMessages(t, rf.fixture, path).Messages; len(found) != 1 || found[0].CaseKey != caseKey {
		t.Errorf("GET %s: listed %+v, want the message of case %s", path, found, caseKey)
	}
	path = "/api/v1/messages?case_key=" + url.QueryEscape(caseKey+"/other")
	if found := findMessages(t, rf.fixture, path).Messages; len(found) != 0 {
		t.Errorf("GET %s: listed %+v, want none", path, found)
	}
}

func TestMalformedQueryLoggedRaw(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.get(t, "/api/v1/messages?case_key=KL%2FEKM%zz&limit=2")
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", r.status, r.body)
	}
	line := oneRecord(t, rf, "journal read")
	if want := "case_key=KL/EKM%zz&limit=2"; line["malformed_query"] != want {
		t.Errorf("malformed_query %q, want %q", line["malformed_query"], want)
	}
	if query, ok := line["query"]; ok {
		t.Errorf("query %q logged for a query string that does not parse", query)
	}
	if line["status"] != "400" {
		t.Errorf("status %q, want 400", line["status"])
	}
}

// TestMalformedQueryLogMasksAadhaar checks that the hub's logger masks an
// Aadhaar number in a query string that does not parse, escaped digits
// included.
func TestMalformedQueryLogMasksAadhaar(t *testing.T) {
	records := &recordingHandler{}
	server := &api.Server{Log: logmask.Logger(slog.New(records))}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)

	r := send(t, http.MethodGet, srv.URL+"/api/v1/messages?case_key=%349187362+5403%zz", "", nil)
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", r.status, r.body)
	}
	lines := records.withMessage("journal read")
	if len(lines) != 1 {
		t.Fatalf("%d lines journal read, want 1: %v", len(lines), lines)
	}
	if want := "case_key=XXXXXXXX5403%zz"; lines[0]["malformed_query"] != want {
		t.Errorf("malformed_query %q, want %q", lines[0]["malformed_query"], want)
	}
}
