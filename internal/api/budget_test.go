package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// paddedBodySize is the length of the FIRs of the budget tests, padded
// with white space after the JSON object.
const paddedBodySize = 32 << 10

// paddedFIR returns the test FIR of sender, padded to paddedBodySize.
func paddedFIR(t *testing.T, sender string) []byte {
	t.Helper()
	body := firBody(t, sender, nil)
	if len(body) > paddedBodySize {
		t.Fatalf("the FIR has %d bytes, more than %d", len(body), paddedBodySize)
	}
	return append(body, bytes.Repeat([]byte(" "), paddedBodySize-len(body))...)
}

// startBudgetServer serves the API of f's ingest service and journal
// on loopback with the given inbound budget.
func startBudgetServer(t *testing.T, f *fixture, budget int64) string {
	t.Helper()
	server := &api.Server{Ingest: f.ingest, Store: f.store, Log: slog.New(slog.DiscardHandler),
		InboundBudget: budget}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// postBody posts body to url as JSON. It returns the error, not failing
// t, so that other goroutines than the test's may call it.
func postBody(url string, body io.Reader) (response, error) {
	resp, err := http.Post(url, "application/json", body)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), data, resp.Header}, err
}

// postInBackground posts body to url as JSON from another goroutine and
// returns the channel that receives the response. A failed post gets
// status -1 and the error as its body.
func postInBackground(url string, body []byte) <-chan response {
	responses := make(chan response, 1)
	go func() {
		r, err := postBody(url, bytes.NewReader(body))
		if err != nil {
			r = response{status: -1, body: []byte(err.Error())}
		}
		responses <- r
	}()
	return responses
}

func TestInboundBudgetRejectsExcessPosts(t *testing.T) {
	const posts, fitting = 8, 3
	f := newFixture(t, 0)
	hold := holdEnricher{entered: make(chan struct{}, posts), release: make(chan struct{})}
	f.ingest.Enrichers = []ingest.Enricher{hold}
	// The bodies that fit stay in flight, in the enricher, until the test
	// releases them.
	// A body of known length reserves its length and one byte.
	url := startBudgetServer(t, f, fitting*(paddedBodySize+1)) + "/api/v1/inbound/police"

	responses := make(chan response, posts)
	for i := range posts {
		body := paddedFIR(t, fmt.Sprintf("EKM0412-FIR-%d", 500+i))
		go func() {
			r, err := postBody(url, bytes.NewReader(body))
			if err != nil {
				r = response{status: -1, body: []byte(err.Error())}
			}
			responses <- r
		}()
	}
	// The server rejects the posts beyond the budget while the others hold it.
	for range posts - fitting {
		r := <-responses
		p := wantProblem(t, r, problem.Busy)
		if !p.Retryable {
			t.Errorf("retryable = false, want true")
		}
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After = %q, want 1", got)
		}
	}
	close(hold.release)
	for range fitting {
		if r := <-responses; r.status != http.StatusAccepted {
			t.Errorf("a post within the budget got %d, want 202: %s", r.status, r.body)
		}
	}

	found, err := f.store.Find(context.Background(), journal.Query{Source: "police"})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if len(found) != fitting {
		t.Errorf("journal has %d messages, want the %d posts within the budget", len(found), fitting)
	}
	// Every post has returned its reservation.
	r, err := postBody(url, bytes.NewReader(paddedFIR(t, "EKM0412-FIR-599")))
	if err != nil {
		t.Fatalf("POST after the others: %v", err)
	}
	if r.status != http.StatusAccepted {
		t.Errorf("a post after the others got %d, want 202: %s", r.status, r.body)
	}
}

// unsized hides the length of a reader from net/http, which then sends
// the body in chunks without a Content-Length.
type unsized struct{ io.Reader }

func TestInboundBudgetStopsUnsizedBody(t *testing.T) {
	f := newFixture(t, 0)
	url := startBudgetServer(t, f, paddedBodySize/2) + "/api/v1/inbound/police"

	r, err := postBody(url, unsized{bytes.NewReader(paddedFIR(t, "EKM0412-FIR-600"))})
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	wantProblem(t, r, problem.Busy)
	f.wantNothingJournaled(t)
}

func TestInboundBudgetAdmitsUnsizedBody(t *testing.T) {
	f := newFixture(t, 0)
	url := startBudgetServer(t, f, 2*paddedBodySize) + "/api/v1/inbound/police"

	r, err := postBody(url, unsized{bytes.NewReader(paddedFIR(t, "EKM0412-FIR-601"))})
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	if r.status != http.StatusAccepted {
		t.Errorf("status %d, want 202: %s", r.status, r.body)
	}
}

// startLimitedServer serves the API of f's ingest service and journal
// on loopback with the given largest body and inbound budget.
func startLimitedServer(t *testing.T, f *fixture, maxBody, budget int64) string {
	t.Helper()
	server := &api.Server{Ingest: f.ingest, Store: f.store, Log: slog.New(slog.DiscardHandler),
		MaxBody: maxBody, InboundBudget: budget}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestInboundBudgetTakesLargestBody(t *testing.T) {
	f := newFixture(t, 0)
	// The budget is the largest body, the least that serve allows.
	url := startLimitedServer(t, f, paddedBodySize, paddedBodySize) + "/api/v1/inbound/police"

	for i, body := range []io.Reader{
		bytes.NewReader(paddedFIR(t, "EKM0412-FIR-610")),
		unsized{bytes.NewReader(paddedFIR(t, "EKM0412-FIR-611"))},
	} {
		r, err := postBody(url, body)
		if err != nil {
			t.Fatalf("POST %d: %v", i, err)
		}
		if r.status != http.StatusAccepted {
			t.Errorf("post %d of the largest body: status %d, want 202: %s", i, r.status, r.body)
		}
	}
}

func TestInboundOversizedBodyTooLarge(t *testing.T) {
	f := newFixture(t, 0)
	hold := holdEnricher{entered: make(chan struct{}, 1), release: make(chan struct{})}
	f.ingest.Enrichers = []ingest.Enricher{hold}
	url := startLimitedServer(t, f, paddedBodySize, paddedBodySize) + "/api/v1/inbound/police"

	first := postInBackground(url, paddedFIR(t, "EKM0412-FIR-620"))
	select {
	case <-hold.entered:
	case r := <-first:
		t.Fatalf("the first post of the largest body got %d before it was decoded: %s", r.status, r.body)
	}

	// A body longer than the limit never fits, so the hub returns 413, not
	// a 503 that tells the sender to retry.
	over := append(paddedFIR(t, "EKM0412-FIR-621"), ' ')
	r, err := postBody(url, bytes.NewReader(over))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	p := wantProblem(t, r, problem.TooLarge)
	if p.Retryable {
		t.Errorf("retryable = true, want false")
	}

	close(hold.release)
	if r := <-first; r.status != http.StatusAccepted {
		t.Errorf("the held post got %d, want 202: %s", r.status, r.body)
	}
}
