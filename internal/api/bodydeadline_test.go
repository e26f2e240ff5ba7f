package api_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
)

// deadlineReadTimeout is the read timeout of startDeadlineServer's
// http.Server and api.Server. The tests expect each response, and the
// closing of its connection, well before it.
const deadlineReadTimeout = 30 * time.Second

// deadlineBound is how long a test's client waits for the response to a
// stalled request and for the server to close the connection after it.
const deadlineBound = 10 * time.Second

// startDeadlineServer serves the API of f's journal, with the sample
// tokens, on loopback with the given stall timeout and a read timeout of
// deadlineReadTimeout. It returns the server's host and port.
func startDeadlineServer(t *testing.T, f *fixture, stall time.Duration) string {
	t.Helper()
	server := &api.Server{Ingest: f.ingest, Store: f.store, Log: slog.New(slog.DiscardHandler),
		Tokens: sampleTokens(t), BodyStall: stall, ReadTimeout: deadlineReadTimeout}
	srv := httptest.NewUnstartedServer(server.Handler())
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Config.ReadTimeout = deadlineReadTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// stalledAnswer is the server's response to a request whose body
// stalled, and what followed it.
type stalledAnswer struct {
	response
	// closeHeader is set when the response has Connection: close.
	closeHeader bool
	// closed is set when the server closed the connection after the
	// response.
	closed bool
}

// dialBounded connects to addr, with reads and writes that fail after
// deadlineBound. The test closes the connection when it ends.
func dialBounded(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(deadlineBound)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// sendStalled sends the headers of a request with a body of 100 bytes,
// and the body's first byte, to addr over a connection of its own, then
// sends nothing more. It returns the response, and whether the server
// closed the connection after it, both within deadlineBound.
func sendStalled(t *testing.T, addr, method, path, token string) stalledAnswer {
	t.Helper()
	conn := dialBounded(t, addr)
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: 100\r\n", method, path, addr)
	if token != "" {
		head += "Authorization: Bearer " + token + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"\r\n{"); err != nil {
		t.Fatalf("sending the headers: %v", err)
	}
	in := bufio.NewReader(conn)
	resp, err := http.ReadResponse(in, nil)
	if err != nil {
		t.Fatalf("%s %s: no response within %s: %v", method, path, deadlineBound, err)
	}
	answer := stalledAnswer{response: readResponse(t, resp), closeHeader: resp.Close}
	// io.EOF or a reset both mean closed, and only the client's own
	// deadline means open.
	_, err = in.ReadByte()
	answer.closed = err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
	return answer
}

func TestStalledBodyDeadlineEveryEndpoint(t *testing.T) {
	const stall = 200 * time.Millisecond
	f := newFixture(t, 0)
	addr := startDeadlineServer(t, f, stall)
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		kind   problem.Kind
	}{
		{"inbound without token", "POST", "/api/v1/inbound/police", "", problem.Unauthenticated},
		{"inbound with unknown token", "POST", "/api/v1/inbound/police", "no-such-token",
			problem.Unauthenticated},
		{"inbound as another agency", "POST", "/api/v1/inbound/prisons", policeToken,
			problem.Forbidden},
		{"inbound", "POST", "/api/v1/inbound/police", policeToken, problem.BadRequest},
		{"routes change without token", "PUT", "/api/v1/routes", "", problem.Unauthenticated},
		{"routes change", "PUT", "/api/v1/routes", operatorToken, problem.BadRequest},
		{"replay without token", "POST", "/api/v1/deadletters/replay", "", problem.Unauthenticated},
		{"replay", "POST", "/api/v1/deadletters/replay", operatorToken, problem.BadRequest},
		{"restore", "POST", "/api/v1/routes/versions/1/restore", operatorToken,
			problem.BadRequest},
		{"explain without token", "POST", "/api/v1/routes/explain", "", problem.Unauthenticated},
		{"explain", "POST", "/api/v1/routes/explain", operatorToken, problem.BadRequest},
		{"unknown endpoint", "POST", "/api/v1/no-such-endpoint", "", problem.NotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			answer := sendStalled(t, addr, c.method, c.path, c.token)
			p := wantProblem(t, answer.response, c.kind)
			if !answer.closeHeader {
				t.Error("the response lacks Connection: close")
			}
			if c.kind == problem.BadRequest && !strings.Contains(p.Detail, "no byte of the body arrived") {
				t.Errorf("detail %q does not name the stall", p.Detail)
			}
			if !answer.closed {
				t.Errorf("the server kept the connection open for %s after its response", deadlineBound)
			}
		})
	}
	f.wantNothingJournaled(t)
}

func TestReadBodyKeepsConnection(t *testing.T) {
	f := newFixture(t, 0)
	addr := startDeadlineServer(t, f, time.Minute)
	conn := dialBounded(t, addr)
	// A request whose body the endpoint reads to its end leaves the
	// connection open for the next request.
	body := `{"destination": "station"}`
	request := fmt.Sprintf("POST /api/v1/deadletters/replay HTTP/1.1\r\nHost: %s\r\n"+
		"Authorization: Bearer %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\n\r\n%s", addr, operatorToken, len(body), body)
	in := bufio.NewReader(conn)

	for i := range 2 {
		if _, err := io.WriteString(conn, request); err != nil {
			t.Fatalf("sending request %d: %v", i+1, err)
		}
		resp, err := http.ReadResponse(in, nil)
		if err != nil {
			t.Fatalf("reading response %d: %v", i+1, err)
		}
		r := readResponse(t, resp)
		if r.status == http.StatusUnauthorized || r.status == http.StatusNotFound {
			t.Errorf("response %d: status %d, want the replay's: %s", i+1, r.status, r.body)
		}
		if resp.Close {
			t.Errorf("response %d has Connection: close", i+1)
		}
	}
}
