package api_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
)

// startStallServer serves the API of f's ingest service and journal on
// loopback with the given stall and read timeouts, and a budget of one
// padded FIR. It returns the server's host and port.
func startStallServer(t *testing.T, f *fixture, stall, readTimeout time.Duration) string {
	t.Helper()
	server := &api.Server{Ingest: f.ingest, Store: f.store, Log: slog.New(slog.DiscardHandler),
		MaxBody: paddedBodySize, InboundBudget: paddedBodySize,
		BodyStall: stall, ReadTimeout: readTimeout}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// postSlowly posts body to the police inbound endpoint at addr over a
// connection of its own, sending the first byte with the headers and the
// rest in parts, with pause before each. It stops sending once the
// server responds, and returns the response and how long it took.
func postSlowly(t *testing.T, addr string, body []byte, parts int, pause time.Duration) (response, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	head := fmt.Sprintf("POST /api/v1/inbound/police HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	if _, err := io.WriteString(conn, head+string(body[:1])); err != nil {
		t.Fatalf("sending the headers: %v", err)
	}

	responded := make(chan struct{})
	go func() {
		rest := body[1:]
		for i := range parts {
			select {
			case <-responded:
				return
			case <-time.After(pause):
			}
			end := len(rest) * (i + 1) / parts
			if _, err := conn.Write(rest[len(rest)*i/parts : end]); err != nil {
				return
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	close(responded)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	took := time.Since(start)
	return readResponse(t, resp), took
}

func TestInboundStalledBodyCutOff(t *testing.T) {
	const stall = 200 * time.Millisecond
	f := newFixture(t, 0)
	addr := startStallServer(t, f, stall, 0)

	// The body's first byte comes with the headers, and no other follows.
	r, took := postSlowly(t, addr, paddedFIR(t, "EKM0412-FIR-630"), 1, time.Minute)
	p := wantProblem(t, r, problem.BadRequest)
	if want := "no byte of the body arrived for 200ms"; !strings.Contains(p.Detail, want) {
		t.Errorf("detail %q lacks %q", p.Detail, want)
	}
	if took > 10*stall {
		t.Errorf("the stalled post was answered after %s, want about %s", took, stall)
	}
	f.wantNothingJournaled(t)

	// The stalled body's reservation, the whole budget, is free again.
	r, err := postBody("http://"+addr+"/api/v1/inbound/police",
		strings.NewReader(string(paddedFIR(t, "EKM0412-FIR-631"))))
	if err != nil {
		t.Fatalf("POST after the stalled one: %v", err)
	}
	if r.status != http.StatusAccepted {
		t.Errorf("a post after the stalled one got %d, want 202: %s", r.status, r.body)
	}
}

func TestInboundSlowBodyNotCutOff(t *testing.T) {
	const stall = time.Second
	f := newFixture(t, 0)
	addr := startStallServer(t, f, stall, 0)

	// Each part comes well within the stall timeout, and the whole body
	// takes longer than it.
	r, took := postSlowly(t, addr, paddedFIR(t, "EKM0412-FIR-632"), 6, stall/4)
	if r.status != http.StatusAccepted {
		t.Errorf("a slow post that keeps sending got %d, want 202: %s", r.status, r.body)
	}
	if took < stall {
		t.Errorf("the slow post took %s, want more than %s for the test to hold", took, stall)
	}
}

func TestInboundStallKeepsReadTimeout(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	f := newFixture(t, 0)
	// The stall timeout is longer than the read timeout, which bounds the
	// whole body.
	addr := startStallServer(t, f, time.Minute, readTimeout)

	r, took := postSlowly(t, addr, paddedFIR(t, "EKM0412-FIR-633"), 8, readTimeout/4)
	p := wantProblem(t, r, problem.BadRequest)
	if strings.Contains(p.Detail, "no byte of the body arrived") ||
		!strings.Contains(p.Detail, "did not arrive within 300ms") {
		t.Errorf("detail %q, want it to name the read timeout, not a stall", p.Detail)
	}
	if took > 5*time.Second {
		t.Errorf("the slow post was answered after %s, want about %s", took, readTimeout)
	}
	f.wantNothingJournaled(t)
}
