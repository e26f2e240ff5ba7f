package delivery_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/outbound/outboundtest"
)

// testToken is the bearer token of these tests, long enough to find in
// any text that repeats it.
const testToken = "tok-7f3a9c1e5b2d4a6c8e0f"

// guardedDestination is an agency server on loopback that accepts a
// request only with the Authorization header want. It rejects any other
// with 401 and a body that repeats the header it got, as some servers'
// error pages do.
type guardedDestination struct {
	url  string
	want string

	mu       sync.Mutex // guards received
	received []string   // each request's Authorization header
}

func newGuardedDestination(t *testing.T, want string) *guardedDestination {
	t.Helper()
	g := &guardedDestination{want: want}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	g.url = srv.URL + "/notifications"
	return g
}

func (g *guardedDestination) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	got := r.Header.Get("Authorization")
	g.mu.Lock()
	g.received = append(g.received, got)
	g.mu.Unlock()
	if got != g.want {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "invalid credentials: Authorization: %s", got)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (g *guardedDestination) headers() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.received...)
}

// secretFile writes content to a new file and returns its path.
func secretFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// captureLog makes f's worker log to a buffer at every level, and
// returns the buffer.
func captureLog(f *fixture) *bytes.Buffer {
	var buf bytes.Buffer
	f.worker.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &buf
}

func TestHandleSendsBearerToken(t *testing.T) {
	dest := newGuardedDestination(t, "Bearer "+testToken)
	f := newFixture(t, target{agency: "police", url: dest.url,
		settings: "    bearer_token_file: " + secretFile(t, testToken+"\n") + "\n"})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("status = %q (%s), want delivered", got.Status, got.Reason)
	}
	if h := dest.headers(); len(h) != 1 || h[0] != "Bearer "+testToken {
		t.Errorf("destination received Authorization headers %q, want the bearer token once", h)
	}
}

func TestHandleSendsBasicAuth(t *testing.T) {
	req := &http.Request{Header: http.Header{}}
	req.SetBasicAuth("kochi-hub", "s3cret pass")
	dest := newGuardedDestination(t, req.Header.Get("Authorization"))
	f := newFixture(t, target{agency: "police", url: dest.url,
		settings: "    basic_auth: {username: kochi-hub, password_file: " +
			secretFile(t, "s3cret pass\n") + "}\n"})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("status = %q (%s), want delivered", got.Status, got.Reason)
	}
	if n := len(dest.headers()); n != 1 {
		t.Errorf("destination received %d requests, want 1", n)
	}
}

func TestHandleRejectedCredentialsHidesSecret(t *testing.T) {
	dest := newGuardedDestination(t, "Bearer another-token")
	path := secretFile(t, testToken)
	f := newFixture(t, target{agency: "police", url: dest.url,
		settings: "    bearer_token_file: " + path + "\n"})
	logs := captureLog(f)
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusDead {
		t.Errorf("status = %q, want dead", got.Status)
	}
	want := "destination rejected the hub's credentials (the bearer token in " + path + "): HTTP 401: " +
		"invalid credentials: Authorization: Bearer [redacted]"
	if got.Reason != want {
		t.Errorf("Reason = %q, want %q", got.Reason, want)
	}
	if len(got.Attempts) != 1 || got.Attempts[0].StatusCode != http.StatusUnauthorized {
		t.Errorf("attempts = %+v, want one with HTTP 401", got.Attempts)
	}
	for _, a := range got.Attempts {
		if strings.Contains(a.Error, testToken) {
			t.Errorf("attempt %d's error repeats the token: %q", a.Number, a.Error)
		}
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("the worker's log repeats the token:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "dead-lettered") {
		t.Errorf("the worker's log has no dead letter, so the check above saw nothing:\n%s", logs)
	}
}

func TestHandleRejectedTokenWithDigitsHidden(t *testing.T) {
	// The token contains 234567890124, which passes the Aadhaar check
	// digit, so masking it first would hide it from redaction.
	token := "tok-234567890124-" + testToken
	dest := newGuardedDestination(t, "Bearer another-token")
	path := secretFile(t, token)
	f := newFixture(t, target{agency: "police", url: dest.url,
		settings: "    bearer_token_file: " + path + "\n"})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if !strings.HasSuffix(got.Reason, "Authorization: Bearer [redacted]") {
		t.Errorf("Reason = %q, want the token replaced by [redacted]", got.Reason)
	}
	for _, part := range []string{"tok-", testToken} {
		if strings.Contains(got.Reason, part) {
			t.Errorf("Reason repeats %q of the token: %q", part, got.Reason)
		}
	}
}

// TestHandleTransportErrorHidesSecret has the destination respond with a
// malformed header line that repeats the request's Authorization header.
// Go's client quotes that line in its error, which the journal, the log
// and the breaker then show without the token.
func TestHandleTransportErrorHidesSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 503 Service Unavailable\r\n%s\r\nContent-Length: 0\r\n\r\n",
			r.Header.Get("Authorization"))
		_ = buf.Flush()
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, target{agency: "police", url: srv.URL + "/notifications", maxAttempts: 3,
		settings: "    bearer_token_file: " + secretFile(t, testToken) + "\n"})
	logs := captureLog(f)
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if len(got.Attempts) != 1 || !strings.Contains(got.Attempts[0].Error, "Bearer [redacted]") {
		t.Fatalf("attempts = %+v, want one whose error quotes the redacted header", got.Attempts)
	}
	if strings.Contains(got.Attempts[0].Error, testToken) {
		t.Errorf("the attempt's error repeats the token: %q", got.Attempts[0].Error)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("the worker's log repeats the token:\n%s", logs)
	}
	for _, st := range f.worker.Breakers.States() {
		if st.LastFailure == "" || strings.Contains(st.LastFailure, testToken) {
			t.Errorf("breaker %s last failure = %q, want it without the token", st.Destination, st.LastFailure)
		}
	}
}

func TestHandleUnauthorizedWithoutCredentials(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		dest := newDestination(t, reply{status, "sign in first"})
		f := newFixture(t, target{agency: "police", url: dest.url})
		d := f.acceptFIR(t)
		f.mustHandle(t, d)

		got := f.reload(t, d)
		if got.Status != journal.StatusDead {
			t.Errorf("HTTP %d: status = %q, want dead", status, got.Status)
		}
		want := fmt.Sprintf("destination rejected the delivery, which carried no credentials: "+
			"give the destination bearer_token_file, basic_auth or a tls client certificate "+
			"in the routes: HTTP %d: sign in first", status)
		if got.Reason != want {
			t.Errorf("HTTP %d: Reason = %q, want %q", status, got.Reason, want)
		}
	}
}

func TestHandleTokenFileRemoved(t *testing.T) {
	dest := newGuardedDestination(t, "Bearer "+testToken)
	path := secretFile(t, testToken)
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 3,
		settings: "    bearer_token_file: " + path + "\n"})
	d := f.acceptFIR(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusPending {
		t.Errorf("status = %q, want pending, to try again once the file is back", got.Status)
	}
	want := `not sent: destination "station": bearer_token_file: stat ` + path
	if len(got.Attempts) != 1 || !strings.HasPrefix(got.Attempts[0].Error, want) {
		t.Errorf("attempts = %+v, want one whose error starts with %q", got.Attempts, want)
	}
	if len(got.Attempts) == 1 && !got.Attempts[0].NotSent {
		t.Error("the attempt without the token file has NotSent = false, want true")
	}
	if n := len(dest.headers()); n != 0 {
		t.Errorf("destination received %d requests, want none", n)
	}

	// The file is back: the next attempt reads it and is delivered.
	if err := os.WriteFile(path, []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	f.later()
	f.mustHandle(t, d)
	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("status after the file came back = %q (%s), want delivered", got.Status, got.Reason)
	}
}

// TestMissingTokenFileOpensBreaker removes a destination's token file
// and handles its delivery more often than max_attempts allows. The
// breaker counts the unsent attempts, opens, names the file in its last
// failure and its log line, and parks the delivery, which stays pending.
func TestMissingTokenFileOpensBreaker(t *testing.T) {
	dest := newGuardedDestination(t, "Bearer "+testToken)
	path := secretFile(t, testToken)
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 2,
		settings: "    bearer_token_file: " + path + "\n"})
	var logs bytes.Buffer
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 3, OpenFor: time.Hour},
		slog.New(slog.NewTextHandler(&logs, nil)))
	d := f.acceptFIR(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		f.mustHandle(t, d)
		f.later()
	}

	got := f.reload(t, d)
	if got.Status != journal.StatusPending {
		t.Errorf("status = %q (%s), want pending until the file is back", got.Status, got.Reason)
	}
	if len(got.Attempts) != 3 {
		t.Errorf("%d attempts recorded, want the 3 that opened the breaker", len(got.Attempts))
	}
	want := `not sent: destination "station": bearer_token_file: stat ` + path
	states := f.worker.Breakers.States()
	if len(states) != 1 {
		t.Fatalf("breakers = %+v, want one", states)
	}
	if states[0].State != "open" || states[0].OpenedAfter != 3 {
		t.Errorf("breaker = %+v, want open after 3 failures", states[0])
	}
	if !strings.HasPrefix(states[0].LastFailure, want) {
		t.Errorf("breaker's last failure = %q, want it to start with %q", states[0].LastFailure, want)
	}
	if !strings.Contains(logs.String(), "last_failure=\""+strings.ReplaceAll(want, `"`, `\"`)) {
		t.Errorf("log does not name the file as the reason the breaker opened:\n%s", logs.String())
	}
	if n := len(dest.headers()); n != 0 {
		t.Errorf("destination received %d requests, want none", n)
	}
}

// TestMissingTokenFileSpendsNoAttempts removes a destination's token file
// under a breaker that does not open, and handles its delivery more often
// than max_attempts allows. The delivery stays pending, and once the file
// is back its attempts count from zero: one 503 does not dead-letter it,
// and the next attempt delivers it.
func TestMissingTokenFileSpendsNoAttempts(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "busy"}, reply{http.StatusOK, "ok"})
	f, d, path := acceptWithoutTokenFile(t, dest)
	for range 5 {
		f.mustHandle(t, d)
		f.later()
	}
	got := f.reload(t, d)
	if got.Status != journal.StatusPending || len(got.Attempts) != 5 {
		t.Fatalf("without the file: status %q with %d attempts (%s), want pending with 5",
			got.Status, len(got.Attempts), got.Reason)
	}

	if err := os.WriteFile(path, []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	f.mustHandle(t, d)
	f.later()
	if got := f.reload(t, d); got.Status != journal.StatusPending {
		t.Fatalf("after the first 503 with the file back: status %q (%s), want pending",
			got.Status, got.Reason)
	}
	f.mustHandle(t, d)
	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("status = %q (%s), want delivered", got.Status, got.Reason)
	}
	received := dest.received()
	if len(received) != 2 {
		t.Fatalf("destination received %d requests, want 2", len(received))
	}
	if auth := received[1].header.Get("Authorization"); auth != "Bearer "+testToken {
		t.Errorf("delivered with Authorization %q, want the token from the file", auth)
	}
}

// TestGiveUpReasonCountsSentAttempts dead-letters a delivery after
// max_attempts sent attempts that followed two not sent. The reason
// counts the sent attempts and names the ones not sent apart.
func TestGiveUpReasonCountsSentAttempts(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "busy"},
		reply{http.StatusServiceUnavailable, "busy"})
	f, d, path := acceptWithoutTokenFile(t, dest)
	for range 2 {
		f.mustHandle(t, d)
		f.later()
	}
	if err := os.WriteFile(path, []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		f.mustHandle(t, d)
		f.later()
	}

	got := f.reload(t, d)
	if got.Status != journal.StatusDead {
		t.Fatalf("status = %q (%s), want dead after 2 sent attempts", got.Status, got.Reason)
	}
	want := "gave up after 2 attempts (and 2 not sent): HTTP 503"
	if !strings.HasPrefix(got.Reason, want) {
		t.Errorf("reason = %q, want it to start with %q", got.Reason, want)
	}
}

// TestMissingClientKeySendsNothing removes the client key of a mutual TLS
// destination. The attempt fails before a connection is made, names the
// file, and leaves the delivery pending.
func TestMissingClientKeySendsNothing(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	f := newFixture(t, target{agency: "police", url: "https://127.0.0.1:9/notifications",
		maxAttempts: 1, settings: "    tls: {ca_file: " + pki.CAFile + ", cert_file: " +
			pki.CertFile + ", key_file: " + pki.KeyFile + "}\n"})
	d := f.acceptFIR(t)
	if err := os.Remove(pki.KeyFile); err != nil {
		t.Fatal(err)
	}
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusPending {
		t.Errorf("status = %q (%s), want pending", got.Status, got.Reason)
	}
	want := `not sent: destination "station": tls.key_file: stat ` + pki.KeyFile
	if len(got.Attempts) != 1 || !strings.HasPrefix(got.Attempts[0].Error, want) {
		t.Errorf("attempts = %+v, want one whose error starts with %q", got.Attempts, want)
	}
}

func TestHandleMutualTLS(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	var mu sync.Mutex
	var clients []string
	srv := pki.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		clients = append(clients, r.TLS.PeerCertificates[0].Subject.CommonName)
		mu.Unlock()
	}))

	f := newFixture(t, target{agency: "police", url: srv.URL + "/notifications",
		settings: "    tls: {ca_file: " + pki.CAFile + ", cert_file: " + pki.CertFile +
			", key_file: " + pki.KeyFile + "}\n"})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)
	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("with the client certificate: status = %q (%v), want delivered",
			got.Status, got.Attempts)
	}
	mu.Lock()
	if len(clients) != 1 || clients[0] != "sangam-hub" {
		t.Errorf("server saw clients %q, want sangam-hub once", clients)
	}
	mu.Unlock()

	// Without the client certificate the server ends the handshake, so
	// the attempt fails and waits for a retry. With TLS 1.3 the client
	// learns it only once it writes the request, so the error may be a
	// broken connection instead of a TLS alert.
	f = newFixture(t, target{agency: "police", url: srv.URL + "/notifications",
		settings: "    tls: {ca_file: " + pki.CAFile + "}\n"})
	d = f.acceptFIR(t)
	f.mustHandle(t, d)
	got := f.reload(t, d)
	if got.Status != journal.StatusPending || len(got.Attempts) != 1 {
		t.Fatalf("without the client certificate: status %q with %d attempts, want pending with 1",
			got.Status, len(got.Attempts))
	}
	if got.Attempts[0].StatusCode != 0 || got.Attempts[0].Error == "" {
		t.Errorf("attempt = HTTP %d, error %q; want no response and an error",
			got.Attempts[0].StatusCode, got.Attempts[0].Error)
	}
	mu.Lock()
	if len(clients) != 1 {
		t.Errorf("server handled %d requests, want only the first one", len(clients))
	}
	mu.Unlock()
}

// acceptWithoutTokenFile accepts a FIR for dest, configured with
// max_attempts 2 and a bearer_token_file, then removes that file. The
// worker's breaker opens only after 100 failures. It returns the fixture,
// the delivery and the file's path.
func acceptWithoutTokenFile(t *testing.T, dest *destination) (*fixture, journal.Delivery, string) {
	t.Helper()
	path := secretFile(t, testToken)
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 2,
		settings: "    bearer_token_file: " + path + "\n"})
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 100},
		slog.New(slog.DiscardHandler))
	d := f.acceptFIR(t)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	return f, d, path
}
