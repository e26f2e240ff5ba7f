package hub

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/mocks/court"
)

// slowHandler delays every POST by delay and counts those in flight.
type slowHandler struct {
	next     http.Handler
	delay    time.Duration
	inFlight atomic.Int32
}

func (s *slowHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		time.Sleep(s.delay)
	}
	s.next.ServeHTTP(w, r)
}

func TestShutdownLetsAttemptFinish(t *testing.T) {
	c, err := court.New(court.Config{HubURL: "http://127.0.0.1:9", MaxAttempts: 1, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	slow := &slowHandler{next: c, delay: time.Second}
	courtServer := httptest.NewServer(slow)
	t.Cleanup(courtServer.Close)
	ag := &agencies{court: c, courtURL: courtServer.URL, stationURL: "http://127.0.0.1:9"}

	dir := t.TempDir()
	cfg := Config{Routes: ag.routesFor(3), DataDir: dir, ShutdownTimeout: 10 * time.Second,
		Listen: "127.0.0.1:0", AadhaarKey: testKey, Log: quietLog(),
		PollInterval: 20 * time.Millisecond, RequeueInterval: 20 * time.Millisecond}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	url := "http://" + h.Addr()
	_, res, _ := post(t, url, "police", sample(t, "chargesheet-2023-ipc"))
	waitFor(t, "the filing to be in flight", func() bool { return slow.inFlight.Load() == 1 })

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(c.Received()); n != 1 {
		t.Fatalf("court received %d filings, want the one in flight", n)
	}

	h2 := startHub(t, cfg)
	j := settledJourney(t, "http://"+h2.Addr(), res.MessageID)
	if j.Status != "delivered" || len(j.Deliveries[0].Attempts) != 1 {
		t.Errorf("after restart: status %s with %d attempts, want delivered by the one attempt "+
			"that shutdown let finish", j.Status, len(j.Deliveries[0].Attempts))
	}
	if c.Received()[0].Repeats != 0 {
		t.Errorf("the filing was sent again %d times after the restart", c.Received()[0].Repeats)
	}
}

// TestShutdownCutsOffHungAttempt stops a hub while its only attempt
// waits for a court that never responds: Run cuts the attempt off at
// the shutdown timeout, logs that with the error's text and no stack
// trace, and returns no error, and the next start delivers the filing.
func TestShutdownCutsOffHungAttempt(t *testing.T) {
	c, err := court.New(court.Config{HubURL: "http://127.0.0.1:9", MaxAttempts: 1, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var hang, canceled atomic.Bool
	var hung atomic.Int32
	hang.Store(true)
	courtServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && hang.Load() {
			hung.Add(1)
			// The server cancels r's context when the client closes the
			// connection only once the body has been read.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
			canceled.Store(true)
			return
		}
		c.ServeHTTP(w, r)
	}))
	t.Cleanup(courtServer.Close)
	ag := &agencies{court: c, courtURL: courtServer.URL, stationURL: "http://127.0.0.1:9"}

	cfg := Config{Routes: ag.routesFor(3), DataDir: t.TempDir(), ShutdownTimeout: 200 * time.Millisecond,
		Listen: "127.0.0.1:0", AadhaarKey: testKey, Log: quietLog(),
		PollInterval: 20 * time.Millisecond, RequeueInterval: 20 * time.Millisecond}
	firstLog, firstLogs := capturedLog()
	first := cfg
	first.Log = firstLog
	h, err := Open(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	_, res, _ := post(t, "http://"+h.Addr(), "police", sample(t, "chargesheet-2023-ipc"))
	waitFor(t, "the filing to be in flight", func() bool { return hung.Load() == 1 })

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run with an attempt cut off at shutdown: %v, want no error", err)
	}
	cutOff := logLine(firstLogs.String(), "did not all stop within the shutdown timeout")
	if !strings.Contains(cutOff, `error="router close timeout"`) {
		t.Errorf("shutdown line %q, want error=\"router close timeout\"", cutOff)
	}
	if strings.Contains(cutOff, ".go:") {
		t.Errorf("shutdown line %q contains a stack trace", cutOff)
	}

	waitFor(t, "the cut-off attempt to be canceled", canceled.Load)

	hang.Store(false)
	h2 := startHub(t, cfg)
	j := settledJourney(t, "http://"+h2.Addr(), res.MessageID)
	if j.Status != "delivered" {
		t.Errorf("after restart: status %s, want delivered", j.Status)
	}
	if n := len(c.Received()); n != 1 {
		t.Errorf("court received %d filings, want 1", n)
	}
}
