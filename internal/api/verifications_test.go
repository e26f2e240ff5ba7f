package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/verification"
)

// recordingLister is a VerificationLister that records the filters it
// receives and returns one file.
type recordingLister struct {
	mu      sync.Mutex
	filters []verification.RequestFilter
}

func (l *recordingLister) Requests(
	ctx context.Context,
	f verification.RequestFilter,
) (verification.RequestPage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.filters = append(l.filters, f)
	return verification.RequestPage{Requests: []verification.TrackedRequest{{
		FileNumber: sampleFileNumber, RequestID: "request-id", DueOn: "2025-12-22",
		State: verification.RequestOpen,
	}}}, nil
}

func (l *recordingLister) calls() []verification.RequestFilter {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.filters
}

// newListingServer serves the API with the sample tokens and lister.
func newListingServer(t *testing.T, lister *recordingLister) string {
	t.Helper()
	server := &api.Server{
		Log:                  slog.New(slog.DiscardHandler),
		Tokens:               sampleTokens(t),
		VerificationStatus:   sampleVerificationStatus,
		VerificationRequests: lister,
	}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestVerificationListRejectsBadParameters(t *testing.T) {
	lister := &recordingLister{}
	base := newListingServer(t, lister)
	cases := []struct {
		query, param string
	}{
		{"overdue=yes", "overdue"},
		{"overdue=false", "overdue"},
		{"state=pending", "state"},
		{"state=OPEN", "state"},
		{"overdue=true&state=reported", "overdue, state"},
		{"overdue=true&state=escalated&state=open", "state"},
		{"state=open&state=reported", "state"},
		{"limit=5&limit=6", "limit"},
		{"due_before=26-11-2025", "due_before"},
		{"due_before=2025-11-26T00:00:00Z", "due_before"},
		{"due_after=2025-02-30", "due_after"},
		{"due_after=2025-11-26&due_before=2025-11-27", "due_after, due_before"},
		{"due_after=2025-11-26&due_before=2025-11-20", "due_after, due_before"},
		{"after=CO1075120411325", "after"},
		{"after=2025-13-01/CO1075120411325", "after"},
		{"after=2025-11-26/co-1", "after"},
		{"limit=0", "limit"},
		{"limit=1001", "limit"},
		{"limit=ten", "limit"},
		{"file_number=CO1075120411325", "file_number"},
		{"state=open;overdue=true", "query"},
		{"due_after=2025-11-%zz", "query"},
	}
	for _, tc := range cases {
		r := send(t, http.MethodGet, base+"/api/v1/verifications?"+tc.query, passportToken, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body %s", tc.query, r.status, r.body)
			continue
		}
		var p struct {
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatalf("%s: decoding problem: %v", tc.query, err)
		}
		if !strings.HasPrefix(p.Detail, tc.param+": ") {
			t.Errorf("%s: detail %q does not start with the parameter %q", tc.query, p.Detail,
				tc.param)
		}
	}
	if calls := lister.calls(); len(calls) != 0 {
		t.Errorf("rejected requests reached the index with filters %+v", calls)
	}
}

// TestVerificationListRejectsReplaced checks that state=replaced, which
// no file's newest request can be in, gets 400 saying why.
func TestVerificationListRejectsReplaced(t *testing.T) {
	lister := &recordingLister{}
	base := newListingServer(t, lister)
	for _, query := range []string{"state=replaced", "overdue=true&state=replaced"} {
		r := send(t, http.MethodGet, base+"/api/v1/verifications?"+query, passportToken, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body %s", query, r.status, r.body)
			continue
		}
		var p struct {
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatalf("%s: decoding problem: %v", query, err)
		}
		if !strings.HasPrefix(p.Detail, "state: ") {
			t.Errorf("%s: detail %q does not start with the parameter state", query, p.Detail)
		}
		if !strings.Contains(p.Detail, "each file's newest request") {
			t.Errorf("%s: detail %q does not say the listing shows newest requests", query, p.Detail)
		}
	}
	if calls := lister.calls(); len(calls) != 0 {
		t.Errorf("rejected requests reached the index with filters %+v", calls)
	}
}

func TestVerificationListPassesFilter(t *testing.T) {
	lister := &recordingLister{}
	base := newListingServer(t, lister)
	query := "overdue=true&state=escalated&due_after=2025-11-01&due_before=2025-12-01" +
		"&after=2025-11-20/CO1075120411325&limit=50"
	r := send(t, http.MethodGet, base+"/api/v1/verifications?"+query, operatorToken, nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	want := verification.RequestFilter{Overdue: true, State: verification.RequestEscalated,
		DueAfter: "2025-11-01", DueBefore: "2025-12-01", After: "2025-11-20/CO1075120411325",
		Limit: 50}
	calls := lister.calls()
	if len(calls) != 1 || calls[0] != want {
		t.Errorf("filters %+v, want %+v", calls, want)
	}
}

// TestVerificationListAccess checks that the callers who may not read a
// file's status may not list files either, and that those who may read
// it may list.
func TestVerificationListAccess(t *testing.T) {
	lister := &recordingLister{}
	base := newListingServer(t, lister)
	targets := []string{"/api/v1/verifications/" + sampleFileNumber, "/api/v1/verifications"}
	for _, token := range []string{policeToken, stationToken, prisonsToken, metricsToken} {
		for _, target := range targets {
			r := send(t, http.MethodGet, base+target, token, nil)
			if r.status != http.StatusForbidden {
				t.Errorf("GET %s with %s: status %d, want 403; body %s", target, token, r.status, r.body)
			}
		}
	}
	if calls := lister.calls(); len(calls) != 0 {
		t.Errorf("forbidden callers reached the index with filters %+v", calls)
	}
	r := send(t, http.MethodGet, base+"/api/v1/verifications", policeToken, nil)
	if !strings.Contains(string(r.body), "their listing") {
		t.Errorf("403 of the listing does not name the listing: %s", r.body)
	}
	for _, token := range []string{passportToken, operatorToken} {
		for _, target := range targets {
			r := send(t, http.MethodGet, base+target, token, nil)
			if r.status != http.StatusOK {
				t.Errorf("GET %s with %s: status %d, want 200; body %s", target, token, r.status, r.body)
			}
		}
	}
	if calls := lister.calls(); len(calls) != 2 {
		t.Errorf("index listed %d times for the passport office and an operator, want 2", len(calls))
	}
}
