package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/problem"
)

// explainRequest returns an explain request that carries the padded test
// FIR of sender as the police's body.
func explainRequest(t *testing.T, sender string) []byte {
	t.Helper()
	req, err := json.Marshal(map[string]string{"agency": "police", "body": string(paddedFIR(t, sender)),
		"content_type": "application/json"})
	if err != nil {
		t.Fatalf("encoding the explain request: %v", err)
	}
	return req
}

// startExplainServer serves the API of f's ingest service and journal,
// explain included, on loopback with the given inbound budget.
func startExplainServer(t *testing.T, f *fixture, budget int64) string {
	t.Helper()
	server := &api.Server{Ingest: f.ingest, Store: f.store, Adapters: f.ingest.Adapters,
		Routes: f.ingest.Routes, Log: slog.New(slog.DiscardHandler), InboundBudget: budget}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestExplainReservesInboundBudget(t *testing.T) {
	f := newFixture(t, 0)
	hold := holdEnricher{entered: make(chan struct{}, 2), release: make(chan struct{})}
	f.ingest.Enrichers = []ingest.Enricher{hold}
	first := explainRequest(t, "EKM0412-FIR-700")
	// The budget fits the first request, which reserves its length and
	// one byte, and no second one.
	url := startExplainServer(t, f, int64(len(first))+1+paddedBodySize/2)
	explainURL := url + "/api/v1/routes/explain"

	responses := postInBackground(explainURL, first)
	select {
	case <-hold.entered:
	case r := <-responses:
		t.Fatalf("the first explain request got %d before it was prepared: %s", r.status, r.body)
	}

	// The first request holds its reservation while it is prepared, so a
	// second explain request and an inbound post find the budget spent.
	second := postInBackground(explainURL, explainRequest(t, "EKM0412-FIR-701"))
	select {
	case r := <-second:
		p := wantProblem(t, r, problem.Busy)
		if !p.Retryable {
			t.Errorf("retryable = false, want true")
		}
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After = %q, want 1", got)
		}
	case <-hold.entered:
		t.Error("a second explain request was prepared beyond the inbound budget")
		close(hold.release)
		<-second
		<-responses
		return
	}
	r, err := postBody(url+"/api/v1/inbound/police", bytes.NewReader(paddedFIR(t, "EKM0412-FIR-702")))
	if err != nil {
		t.Fatalf("POST inbound: %v", err)
	}
	wantProblem(t, r, problem.Busy)

	close(hold.release)
	if r := <-responses; r.status != http.StatusOK {
		t.Errorf("the explain request within the budget got %d, want 200: %s", r.status, r.body)
	}
	// The first request has returned its reservation.
	r, err = postBody(explainURL, bytes.NewReader(explainRequest(t, "EKM0412-FIR-703")))
	if err != nil {
		t.Fatalf("POST explain after the first: %v", err)
	}
	if r.status != http.StatusOK {
		t.Errorf("an explain request after the first got %d, want 200: %s", r.status, r.body)
	}
}

func TestExplainLimitIsInboundBudget(t *testing.T) {
	f := newFixture(t, 0)
	req := explainRequest(t, "EKM0412-FIR-710")
	url := startExplainServer(t, f, int64(len(req))-1)

	// A request larger than the whole budget never fits, so it gets 413,
	// not a 503 that asks the caller to send it again.
	r, err := postBody(url+"/api/v1/routes/explain", bytes.NewReader(req))
	if err != nil {
		t.Fatalf("POST explain: %v", err)
	}
	wantProblem(t, r, problem.TooLarge)
}

func TestExplainOverBudgetNotLoggedAsRead(t *testing.T) {
	f := newFixture(t, 0)
	logs := &lockedBuffer{}
	req := explainRequest(t, "EKM0412-FIR-704")
	server := &api.Server{Ingest: f.ingest, Store: f.store, Adapters: f.ingest.Adapters,
		Routes: f.ingest.Routes, Log: slog.New(slog.NewJSONHandler(logs, nil)),
		InboundBudget: int64(len(req)) / 2}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)

	r, err := postBody(srv.URL+"/api/v1/routes/explain", bytes.NewReader(req))
	if err != nil {
		t.Fatalf("POST explain: %v", err)
	}
	if r.status != http.StatusServiceUnavailable && r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("explain request over the budget got %d, want 503 or 413: %s", r.status, r.body)
	}
	if lines := logs.lines(t, "journal read"); len(lines) != 0 {
		t.Errorf("explain request that was not read logged %v", lines)
	}
}
