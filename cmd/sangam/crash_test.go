package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/police"
)

// binDir holds the sangam binary that buildBinary compiles; TestMain
// removes it.
var binDir string

// TestMain runs the tests and removes the binary they built, about 40
// MB that each run would otherwise leave in the temporary folder.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildBinary compiles the sangam command once per test binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sangam-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "sangam")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// holdingCourt wraps the mock court. While holding, the first filing is
// handed to the court (when processFirst is set) or not, and then the
// response is withheld until release, so the hub can be killed while it
// waits for the response.
type holdingCourt struct {
	court        *court.Server
	processFirst bool
	holding      atomic.Bool
	arrived      chan struct{}
	release      chan struct{}
	once         sync.Once
}

func (h *holdingCourt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ecf" || !h.holding.Load() {
		h.court.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	if h.processFirst {
		h.court.ServeHTTP(rec, r)
	}
	h.once.Do(func() { close(h.arrived) })
	select {
	case <-h.release:
	case <-r.Context().Done():
	}
	http.Error(w, "held", http.StatusServiceUnavailable)
}

// syncBuffer is a bytes.Buffer that a process may write while a test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// hubProcess runs the sangam binary's serve command.
type hubProcess struct {
	t    *testing.T
	args []string
	cmd  *exec.Cmd
	url  string
	log  syncBuffer
}

func (p *hubProcess) start() {
	p.t.Helper()
	bin, err := buildBinary()
	if err != nil {
		p.t.Fatal(err)
	}
	p.cmd = exec.Command(bin, p.args...)
	p.cmd.Env = append(os.Environ(), "SANGAM_AADHAAR_KEY=crash-test-key-0123456789abcdef0123")
	p.cmd.Stderr = &p.log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("hub did not start: %v\n%s", err, p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *hubProcess) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestKilledHubDeliversOnceAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the sangam binary; skipped in -short mode")
	}
	for _, processFirst := range []bool{false, true} {
		name := "court not reached"
		if processFirst {
			name = "court processed the filing"
		}
		t.Run(name, func(t *testing.T) { testKillAndRestart(t, processFirst) })
	}
}

func testKillAndRestart(t *testing.T, processFirst bool) {
	hubAddr := freeAddr(t)
	hubURL := "http://" + hubAddr
	c, err := court.New(court.Config{HubURL: hubURL, RetryBase: 100 * time.Millisecond,
		RetryMax: time.Second, MaxAttempts: 60})
	if err != nil {
		t.Fatal(err)
	}
	holder := &holdingCourt{court: c, processFirst: processFirst,
		arrived: make(chan struct{}), release: make(chan struct{})}
	holder.holding.Store(true)
	courtServer := httptest.NewServer(holder)
	defer func() { close(holder.release); c.Close(); courtServer.Close() }()
	station := police.New(nil)
	stationServer := httptest.NewServer(station)
	defer stationServer.Close()

	dir := t.TempDir()
	routesFile := filepath.Join(dir, "routes.yaml")
	writeRoutes(t, routesFile, courtServer.URL, stationServer.URL)
	p := &hubProcess{t: t, url: hubURL, args: []string{"serve", "--listen", hubAddr,
		"--data", filepath.Join(dir, "data"), "--routes", routesFile}}
	p.start()

	id := postSample(t, hubURL, "chargesheet-2023-ipc")
	select {
	case <-holder.arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("the hub never tried to deliver\n%s", p.log.String())
	}
	p.kill()
	holder.holding.Store(false)
	p.start()
	defer p.kill()

	j := waitDelivered(t, hubURL, id)
	if len(c.Received()) != 1 {
		t.Errorf("court has %d distinct filings, want 1", len(c.Received()))
	}
	if regs := c.Registrations(); len(regs) != 1 {
		t.Errorf("court registered %d CNRs, want 1", len(regs))
	}
	if processFirst && c.Received()[0].Repeats < 1 {
		t.Error("the hub did not send the filing again after restart")
	}
	var found api.FindResponse
	waitUntil(t, "the CNR to reach the police station", func() bool {
		getJSONURL(t, hubURL+"/api/v1/messages?correlation_id="+id, &found)
		return len(found.Messages) == 1 && found.Messages[0].Status == "delivered"
	})
	if n := len(station.Received()); n != 1 {
		t.Errorf("police station received %d notifications, want 1", n)
	}
	t.Logf("chargesheet delivered after %d attempt(s); court saw %d repeat(s)",
		len(j.Deliveries[0].Attempts), c.Received()[0].Repeats)
}

func writeRoutes(t *testing.T, path, courtURL, stationURL string) {
	t.Helper()
	doc := fmt.Sprintf(`
destinations:
  - {name: ecourts-kerala, agency: courts, url: %s/ecf, timeout: 2s}
  - {name: cctns-kerala, agency: police, url: %s/notifications, timeout: 2s}
routes:
  - name: final-report-to-court
    when: message.type == "chargesheet" && message.source == "police"
    to: [ecourts-kerala]
  - name: court-registration-to-police
    when: message.type == "court_registration" && message.source == "courts"
    to: [cctns-kerala]
`, courtURL, stationURL)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
}

func postSample(t *testing.T, hubURL, name string) string {
	t.Helper()
	return postSampleAs(t, hubURL, "", name)
}

// postSampleAs posts the police sample name to the hub with token, or
// without a token when token is "", and returns the message's id.
func postSampleAs(t *testing.T, hubURL, token, name string) string {
	t.Helper()
	for _, s := range police.Samples() {
		if s.Name != name {
			continue
		}
		req, err := http.NewRequest(http.MethodPost, hubURL+"/api/v1/inbound/police",
			bytes.NewReader(s.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		authorize(req, token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("hub answered %d: %s", resp.StatusCode, body)
		}
		var res api.InboundResponse
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		return res.MessageID
	}
	t.Fatalf("no sample %q", name)
	return ""
}

func waitDelivered(t *testing.T, hubURL, id string) journal.Journey {
	t.Helper()
	var j journal.Journey
	waitUntil(t, "delivery of "+id, func() bool {
		getJSONURL(t, hubURL+"/api/v1/messages/"+id, &j)
		return j.Status == "delivered"
	})
	return j
}

func getJSONURL(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		_ = json.NewDecoder(resp.Body).Decode(v)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
