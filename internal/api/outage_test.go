package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postgresDSN returns the server to test against, from
// SANGAM_TEST_POSTGRES.
func postgresDSN() string {
	if dsn := os.Getenv("SANGAM_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// postgresSchema creates a schema of a random name, drops it when t ends
// and returns its name. It skips t when the server is unreachable.
func postgresSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, postgresDSN())
	if err != nil {
		t.Skipf("PostgreSQL unreachable, set SANGAM_TEST_POSTGRES: %v", err)
	}
	defer conn.Close(ctx)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "api_test_" + hex.EncodeToString(suffix)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, postgresDSN())
		if err != nil {
			t.Errorf("connecting to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// cutProxy forwards loopback TCP connections to a PostgreSQL server.
// While it is cut, it closes the connections it forwards and every new
// one at once, as a server that restarts or a dropped network would.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening: %v", err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		_ = ln.Close()
		p.setCut(true)
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			_ = client.Close()
			continue
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		p.conns[client], p.conns[server] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(server, client) })
		p.wg.Go(func() { p.pipe(client, server) })
	}
}

// pipe copies from src to dst until either closes, then closes both.
func (p *cutProxy) pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range []net.Conn{dst, src} {
		_ = c.Close()
		delete(p.conns, c)
	}
}

// setCut cuts the proxy, closing every connection, or restores it.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			_ = c.Close()
		}
	}
}

// throughProxy returns dsn with search_path set to schema and its host
// replaced by a cutProxy's, with the proxy.
func throughProxy(t *testing.T, dsn, schema string) (string, *cutProxy) {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parsing SANGAM_TEST_POSTGRES: %v", err)
	}
	if strings.HasPrefix(cfg.Host, "/") {
		t.Skip("the test PostgreSQL server is on a Unix socket; the proxy needs TCP")
	}
	p := startCutProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	host, port, _ := net.SplitHostPort(p.ln.Addr().String())
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return fmt.Sprintf("%s host=%s port=%s search_path=%s", dsn, host, port, schema), p
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parsing SANGAM_TEST_POSTGRES: %v", err)
	}
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), p
}

// stoppedClock is a clock that moves only when a test advances it.
type stoppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stoppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stoppedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far whose msg is msg.
func (b *lockedBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(b.buf.String(), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("decoding log line %q: %v", line, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// newPostgresFixture starts the API over a PostgreSQL journal that it
// reaches through a cutProxy, on clock, logging JSON to the returned
// buffer.
func newPostgresFixture(t *testing.T, clock *stoppedClock) (*fixture, *cutProxy, *lockedBuffer) {
	t.Helper()
	dsn, proxy := throughProxy(t, postgresDSN(), postgresSchema(t))
	store, svc := postgresIngest(t, dsn, slog.New(slog.DiscardHandler))

	logs := &lockedBuffer{}
	server := &api.Server{Ingest: svc, Store: store, Routes: svc.Routes,
		Breakers: delivery.NewBreakers(delivery.BreakerConfig{}, slog.New(slog.DiscardHandler)),
		Log:      slog.New(slog.NewJSONHandler(logs, nil))}
	server.SetClock(clock.Now)
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)
	return &fixture{store: store, ingest: svc, url: srv.URL}, proxy, logs
}

// TestJournalOutageLogsRuns cuts the connections to the PostgreSQL
// journal while FIRs are posted and the journal is read. Each operation
// must log its first failure, then no line per request until the
// interval has passed, and one line when it works again.
func TestJournalOutageLogsRuns(t *testing.T) {
	clock := &stoppedClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	f, proxy, logs := newPostgresFixture(t, clock)
	if r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-100", nil)); r.status != http.StatusAccepted {
		t.Fatalf("post before the outage: %d %s, want 202", r.status, r.body)
	}

	proxy.setCut(true)
	const posts = 40
	var wg sync.WaitGroup
	statuses := make(chan string, posts)
	for i := range posts {
		body := firBody(t, fmt.Sprintf("EKM0412-FIR-%d", 200+i), nil)
		wg.Go(func() {
			resp, err := http.Post(f.url+"/api/v1/inbound/police", "application/json",
				bytes.NewReader(body))
			if err != nil {
				statuses <- err.Error()
				return
			}
			_ = resp.Body.Close()
			statuses <- resp.Status
		})
	}
	wg.Wait()
	close(statuses)
	for status := range statuses {
		if status != "503 Service Unavailable" {
			t.Fatalf("a post during the outage got %s, want 503", status)
		}
	}
	for range 10 {
		wantProblem(t, f.get(t, "/api/v1/messages"), problem.Unavailable)
	}
	for range 3 {
		wantProblem(t, f.get(t, "/api/v1/deadletters"), problem.Unavailable)
		if r := f.get(t, "/api/v1/destinations"); r.status != http.StatusOK {
			t.Errorf("destinations during the outage: %d %s, want 200 without backlogs", r.status, r.body)
		}
	}

	failed := logs.lines(t, "storing inbound message failed")
	if len(failed) != 1 {
		t.Fatalf("%d posts that failed at one instant logged %d failure lines, want 1",
			posts, len(failed))
	}
	if text, _ := failed[0]["error"].(string); failed[0]["agency"] != "police" || text == "" ||
		failed[0]["failed_requests"] != 1.0 {
		t.Errorf("first failure line = %v, want agency police, the error and 1 failed request", failed[0])
	}
	if n := len(logs.lines(t, "finding messages failed")); n != 1 {
		t.Errorf("10 failed reads logged %d failure lines, want 1", n)
	}

	clock.advance(5 * time.Second)
	r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-300", nil))
	wantProblem(t, r, problem.Unavailable)
	failed = logs.lines(t, "storing inbound message failed")
	if len(failed) != 2 {
		t.Fatalf("a failed post an interval later: %d failure lines in all, want 2", len(failed))
	}
	if failed[1]["failed_requests"] != float64(posts+1) {
		t.Errorf("second failure line counts %v failed requests, want %d", failed[1]["failed_requests"], posts+1)
	}

	proxy.setCut(false)
	// Connections that the cut closed may still wait in the pool, and the
	// first post to take one fails.
	failures := posts + 1
	for i := 0; ; i++ {
		r := f.post(t, "/api/v1/inbound/police", firBody(t, fmt.Sprintf("EKM0412-FIR-%d", 400+i), nil))
		if r.status == http.StatusAccepted {
			break
		}
		failures++
		if i == 20 {
			t.Fatalf("21 posts after the journal came back failed; the last got %d %s", r.status, r.body)
		}
	}
	if r := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-500", nil)); r.status != http.StatusAccepted {
		t.Fatalf("second post after the outage: %d %s, want 202", r.status, r.body)
	}
	recovered := logs.lines(t, "storing inbound messages recovered")
	if len(recovered) != 1 {
		t.Fatalf("%d recovery lines after two stored posts, want 1", len(recovered))
	}
	if recovered[0]["failed_requests"] != float64(failures) || recovered[0]["level"] != "INFO" {
		t.Errorf("recovery line = %v, want INFO with %d failed requests", recovered[0], failures)
	}
	if n := len(logs.lines(t, "storing inbound message failed")); n != 2 {
		t.Errorf("%d failure lines in all, want 2", n)
	}
	if r := f.get(t, "/api/v1/messages"); r.status != http.StatusOK {
		t.Fatalf("read after the outage: %d %s, want 200", r.status, r.body)
	}
	if n := len(logs.lines(t, "finding messages recovered")); n != 1 {
		t.Errorf("%d recovery lines for reads, want 1", n)
	}
	// Listing dead letters and reading the backlog log their runs the
	// same way.
	if r := f.get(t, "/api/v1/deadletters"); r.status != http.StatusOK {
		t.Fatalf("dead letters after the outage: %d %s, want 200", r.status, r.body)
	}
	if r := f.get(t, "/api/v1/destinations"); r.status != http.StatusOK {
		t.Fatalf("destinations after the outage: %d %s, want 200", r.status, r.body)
	}
	for _, operation := range []string{"listing dead letters", "reading the backlog"} {
		if n := len(logs.lines(t, operation+" failed")); n != 1 {
			t.Errorf("%d %q lines for three failed requests, want 1", n, operation+" failed")
		}
		recovered := logs.lines(t, operation+" recovered")
		if len(recovered) != 1 {
			t.Errorf("%d %q lines, want 1", len(recovered), operation+" recovered")
		} else if recovered[0]["failed_requests"] != 3.0 {
			t.Errorf("%q line = %v, want 3 failed requests", operation+" recovered", recovered[0])
		}
	}
}
