package hub

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
)

// closedURL returns the URL of a loopback port that nothing listens on,
// so that every connection to it is refused.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatalf("closing listener: %v", err)
	}
	return "http://" + addr
}

// getWithToken sends GET url with token as bearer token, when token is
// not empty, and returns the status and body.
func getWithToken(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestMetricsDuringDestinationOutage sends chargesheets of one case to a
// court that refuses connections, on PostgreSQL, and scrapes /metrics as
// Prometheus would. The breaker opens after two failed attempts and
// stays open, so the figures stop changing once it has opened.
func TestMetricsDuringDestinationOutage(t *testing.T) {
	tokens, err := auth.Parse([]byte(fmt.Sprintf(`tokens:
  - {name: cctns, agency: police, sha256: %s}
  - {name: oncall, operator: true, sha256: %s}
`, digestOf("police-token"), digestOf("ops-token"))))
	if err != nil {
		t.Fatal(err)
	}
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	ag.courtURL = closedURL(t)
	started := time.Now()
	h := startHub(t, Config{
		Routes: ag.routesFor(100), DataDir: t.TempDir(), PostgresDSN: postgresDSN(t),
		Tokens:          tokens,
		Breaker:         delivery.BreakerConfig{Failures: 2, OpenFor: time.Hour},
		MetricsCacheFor: time.Millisecond,
	})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	for i := range 3 {
		doc := withMessageID(t, "chargesheet-2023-ipc", fmt.Sprintf("outage-%d", i))
		if i > 0 {
			doc = supplementary(t, doc, i)
		}
		req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/inbound/police", strings.NewReader(string(doc)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer police-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("posting chargesheet %d: status %d, want 202", i, resp.StatusCode)
		}
	}

	const court = "ecourts-kerala"
	// The breaker opens before the worker records the attempt that
	// opened it, so the wait is for both.
	waitFor(t, "the court's breaker to open and both attempts to be recorded", func() bool {
		s := metricstest.Get(t, url+"/metrics", "ops-token")
		state, _ := s.Value("sangam_breaker_state", "destination", court)
		attempts, _ := s.Value("sangam_delivery_attempts_total", "destination", court,
			"result", "retry")
		return state == 2 && attempts == 2
	})
	s := metricstest.Get(t, url+"/metrics", "ops-token")
	for _, tc := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sangam_breaker_state", []string{"destination", court}, 2},
		{"sangam_breaker_state", []string{"destination", "cctns-kerala"}, 0},
		// The first chargesheet failed twice, and the others wait behind
		// it in their case, untried.
		{"sangam_delivery_attempts_total", []string{"destination", court, "result", "retry"}, 2},
		{"sangam_delivery_attempt_duration_seconds", []string{"destination", court}, 2},
		{"sangam_pending_deliveries", []string{"destination", court}, 3},
		{"sangam_retrying_deliveries", []string{"destination", court}, 1},
		{"sangam_dead_letters", []string{"destination", court}, 0},
		{"sangam_pending_deliveries", []string{"destination", "cctns-kerala"}, 0},
		{"sangam_inbound_messages_total", []string{"agency", "police", "outcome", "accepted"}, 3},
		{"sangam_journal_up", nil, 1},
	} {
		got, ok := s.Value(tc.name, tc.labels...)
		if !ok {
			t.Errorf("%s%v is missing", tc.name, tc.labels)
			continue
		}
		if got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	oldest, ok := s.Value("sangam_oldest_pending_delivery_timestamp_seconds", "destination", court)
	if !ok {
		t.Errorf("sangam_oldest_pending_delivery_timestamp_seconds{destination=%q} is missing", court)
	} else if at := time.UnixMicro(int64(oldest * 1e6)); at.Before(started.Add(-time.Second)) || at.After(time.Now()) {
		t.Errorf("oldest pending delivery created at %v, want between the test's start %v and now",
			at, started)
	}
	for _, name := range []string{"sangam_bus_handler_execution_time_seconds",
		"sangam_bus_subscriber_messages_received_total", "go_goroutines",
		"process_resident_memory_bytes"} {
		if _, ok := s[name]; !ok {
			t.Errorf("%s is missing", name)
		}
	}
	handled := false
	for _, m := range s["sangam_bus_handler_execution_time_seconds"].GetMetric() {
		for _, l := range m.GetLabel() {
			handled = handled || (l.GetName() == "handler_name" &&
				strings.HasPrefix(l.GetValue(), "deliver-"+delivery.Topic(court, 0)))
		}
	}
	if !handled {
		t.Errorf("the bus figures have no handler of the topics of %s", court)
	}

	status, body := getWithToken(t, url+"/api/v1/destinations", "ops-token")
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/destinations: status %d, want 200; body %s", status, body)
	}
	var out struct {
		Destinations []api.DestinationStatus `json:"destinations"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decoding destinations: %v", err)
	}
	for _, d := range out.Destinations {
		if d.Name == court && (d.Pending != 3 || d.Retrying != 1 || d.OldestPendingAt.IsZero()) {
			t.Errorf("%s: pending %d, retrying %d, oldest %v; want 3, 1 and a time",
				court, d.Pending, d.Retrying, d.OldestPendingAt)
		}
	}
}

func TestMetricsRejectNonOperatorToken(t *testing.T) {
	tokens, err := auth.Parse([]byte(fmt.Sprintf(`tokens:
  - {name: cctns, agency: police, sha256: %s}
  - {name: oncall, operator: true, sha256: %s}
`, digestOf("police-token"), digestOf("ops-token"))))
	if err != nil {
		t.Fatal(err)
	}
	h := startHub(t, Config{DataDir: t.TempDir(), Tokens: tokens})
	url := "http://" + h.Addr() + "/metrics"
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"unknown token", "guess", http.StatusUnauthorized},
		{"agency token", "police-token", http.StatusForbidden},
	} {
		status, body := getWithToken(t, url, tc.token)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d; body %s", tc.name, status, tc.status, body)
		}
		if strings.Contains(string(body), "sangam_") {
			t.Errorf("%s: the response contains metrics: %s", tc.name, body)
		}
	}
	s := metricstest.Get(t, url, "ops-token")
	if _, ok := s.Value("sangam_journal_up"); !ok {
		t.Errorf("the operator's scrape lacks sangam_journal_up")
	}
}

func TestMetricsOpenWithoutTokens(t *testing.T) {
	h := startHub(t, Config{DataDir: t.TempDir()})
	s := metricstest.Get(t, "http://"+h.Addr()+"/metrics", "")
	if up, _ := s.Value("sangam_journal_up"); up != 1 {
		t.Errorf("sangam_journal_up = %v, want 1", up)
	}
}
