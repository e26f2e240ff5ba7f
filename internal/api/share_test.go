package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/problem"
)

// Bearer tokens of two police token holders, for the tests of the
// senders' shares of the inbound budget.
const (
	hogToken   = "hog-token"
	otherToken = "other-token"
)

// holdIDs blocks in Enrich, for the messages whose sender message ids it
// lists, until release is closed, after telling entered. It lets the
// other messages through.
type holdIDs struct {
	ids     map[string]bool
	entered chan struct{}
	release chan struct{}
}

func (h holdIDs) Enrich(_ context.Context, m *canonical.Message) error {
	if !h.ids[m.SenderMessageID] {
		return nil
	}
	h.entered <- struct{}{}
	<-h.release
	return nil
}

// shareServer serves the API of f's ingest service and journal on
// loopback, logging to f.logs, with bodies of at most paddedBodySize and
// a budget of eight such bodies, so that each sender's share is two. With
// tokens it accepts hogToken and otherToken. Messages of the ids listed in
// heldIDs wait in Enrich until the returned function is called, or the
// test ends.
func shareServer(t *testing.T, f *fixture, tokens bool, heldIDs ...string) (url string, free func()) {
	t.Helper()
	hold := holdIDs{ids: map[string]bool{}, entered: make(chan struct{}, len(heldIDs)),
		release: make(chan struct{})}
	for _, id := range heldIDs {
		hold.ids[id] = true
	}

	f.ingest.Enrichers = []ingest.Enricher{hold}
	// Enough decode turns for the held messages and one more.
	f.ingest.Admission = ingest.NewAdmission(len(heldIDs)+1, time.Minute)
	server := &api.Server{Ingest: f.ingest, Store: f.store,
		Log:     slog.New(slog.NewJSONHandler(f.logs, nil)),
		MaxBody: paddedBodySize, InboundBudget: 8 * paddedBodySize}
	if tokens {
		doc := "tokens:\n" +
			"  - {name: hog, agency: police, sha256: " + digestOf(hogToken) + "}\n" +
			"  - {name: other, agency: police, sha256: " + digestOf(otherToken) + "}\n"
		parsed, err := auth.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("parsing tokens: %v", err)
		}
		server.Tokens = parsed
	}

	srv := httptest.NewServer(server.Handler())
	var once bool
	free = func() {
		if !once {
			once = true
			close(hold.release)
		}
	}
	t.Cleanup(func() {
		free()
		srv.Close()
	})
	return srv.URL + "/api/v1/inbound/police", free
}

// postToken posts body to url as JSON with token, or with none when token
// is "". It returns the error, not failing t, so that other goroutines
// than the test's may call it.
func postToken(url, token string, body io.Reader) (response, error) {
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), data, resp.Header}, err
}

// holdShare posts, with token, the two padded FIRs of ids, which the
// server holds in Enrich, and returns once both are there, with the
// channel of their responses.
func holdShare(t *testing.T, f *fixture, url, token string, ids ...string) <-chan response {
	t.Helper()
	responses := make(chan response, len(ids))
	for _, id := range ids {
		body := paddedFIR(t, id)
		go func() {
			r, err := postToken(url, token, bytes.NewReader(body))
			if err != nil {
				r = response{status: -1, body: []byte(err.Error())}
			}
			responses <- r
		}()
	}
	hold := f.ingest.Enrichers[0].(holdIDs)
	for range ids {
		select {
		case <-hold.entered:
		case r := <-responses:
			t.Fatalf("a post to hold got %d before it was decoded: %s", r.status, r.body)
		}
	}
	return responses
}

// wantShareBusy fails t unless r is the 503 of a post beyond its sender's
// share.
func wantShareBusy(t *testing.T, r response) {
	t.Helper()
	p := wantProblem(t, r, problem.Busy)
	if !p.Retryable {
		t.Errorf("retryable = false, want true")
	}
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if want := "this sender's own posts in flight take its share of 64 KiB"; !strings.Contains(p.Detail, want) {
		t.Errorf("detail %q lacks %q", p.Detail, want)
	}
}

func TestInboundShareKeepsOtherSendersIn(t *testing.T) {
	f := newFixture(t, 0)
	url, free := shareServer(t, f, true, "HOG-FIR-1", "HOG-FIR-2")

	heldPosts := holdShare(t, f, url, hogToken, "HOG-FIR-1", "HOG-FIR-2")
	// The hog's two bodies in flight take its share, a quarter of the
	// budget, so its next post is turned away at once.
	r, err := postToken(url, hogToken, bytes.NewReader(paddedFIR(t, "HOG-FIR-3")))
	if err != nil {
		t.Fatalf("POST beyond the share: %v", err)
	}
	wantShareBusy(t, r)
	lines := f.logs.lines(t, "inbound message rejected because the hub is busy")
	if len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), "sender token hog") {
		t.Errorf("busy log lines %v, want 1 that names the sender token hog", lines)
	}
	// Another token holder's post gets in meanwhile.
	r, err = postToken(url, otherToken, bytes.NewReader(paddedFIR(t, "OTHER-FIR-1")))
	if err != nil {
		t.Fatalf("POST of the other sender: %v", err)
	}
	if r.status != http.StatusAccepted {
		t.Errorf("the other sender's post got %d, want 202: %s", r.status, r.body)
	}

	// The share frees once the hog's posts get their responses.
	free()
	for range 2 {
		if r := <-heldPosts; r.status != http.StatusAccepted {
			t.Errorf("a held post got %d, want 202: %s", r.status, r.body)
		}
	}
	r, err = postToken(url, hogToken, bytes.NewReader(paddedFIR(t, "HOG-FIR-3")))
	if err != nil {
		t.Fatalf("POST after the held posts: %v", err)
	}
	if r.status != http.StatusAccepted {
		t.Errorf("the hog's post after its held ones got %d, want 202: %s", r.status, r.body)
	}
}

func TestInboundShareByAddressWithoutTokens(t *testing.T) {
	f := newFixture(t, 0)
	url, free := shareServer(t, f, false, "LOCAL-FIR-1", "LOCAL-FIR-2")

	heldPosts := holdShare(t, f, url, "", "LOCAL-FIR-1", "LOCAL-FIR-2")
	// Every post comes from 127.0.0.1, one sender.
	r, err := postToken(url, "", bytes.NewReader(paddedFIR(t, "LOCAL-FIR-3")))
	if err != nil {
		t.Fatalf("POST beyond the share: %v", err)
	}
	wantShareBusy(t, r)
	free()
	for range 2 {
		if r := <-heldPosts; r.status != http.StatusAccepted {
			t.Errorf("a held post got %d, want 202: %s", r.status, r.body)
		}
	}
}

func TestInboundSenderKey(t *testing.T) {
	request := func(remote string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/inbound/police", nil)
		r.RemoteAddr = remote
		return r
	}
	for _, c := range []struct {
		name string
		r    *http.Request
		want string
	}{
		{"IPv4", request("192.0.2.7:40001"), "address 192.0.2.7"},
		{"same IPv4, other port", request("192.0.2.7:51234"), "address 192.0.2.7"},
		{"other IPv4", request("192.0.2.8:40001"), "address 192.0.2.8"},
		{"IPv6", request("[2001:db8::1]:40001"), "address 2001:db8::1"},
		{"no port", request("192.0.2.9"), "address 192.0.2.9"},
		// A token holder is one sender from any address.
		{"token holder", api.WithPrincipal(request("192.0.2.7:40001"),
			auth.Principal{Name: "cctns", Agency: "police"}), "token cctns"},
		{"token holder elsewhere", api.WithPrincipal(request("198.51.100.1:443"),
			auth.Principal{Name: "cctns", Agency: "police"}), "token cctns"},
	} {
		if got := api.SenderOf(c.r); got != c.want {
			t.Errorf("%s: sender %q, want %q", c.name, got, c.want)
		}
	}
}
