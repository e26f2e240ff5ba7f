package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBreakerStateTellsWhyItOpened opens a breaker with two failures, lets
// its open time pass, and fails the probe. The state shows how many
// failures opened it each time, the last failure, and when it changed.
func TestBreakerStateTellsWhyItOpened(t *testing.T) {
	const openFor = 50 * time.Millisecond
	b := NewBreakers(BreakerConfig{Failures: 2, OpenFor: openFor},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	fail := func(body string) {
		o := outcome{status: http.StatusServiceUnavailable, body: body}
		_, err := b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() })
		if err != errFailed {
			t.Fatalf("Execute = %v, want errFailed", err)
		}
		b.failed("court", o.describe(), time.Now())
	}
	state := func() BreakerState {
		states := b.States()
		if len(states) != 1 {
			t.Fatalf("States = %+v, want one breaker", states)
		}
		return states[0]
	}

	fail("first")
	fail("second")
	opened := state()
	if opened.State != "open" || opened.OpenedAfter != 2 || opened.LastFailure != "HTTP 503: second" {
		t.Errorf("after two failures: %+v, want open after 2, last failure HTTP 503: second", opened)
	}

	time.Sleep(openFor + 20*time.Millisecond)
	probing := state()
	if probing.State != "half-open" || !probing.ChangedAt.After(opened.ChangedAt) {
		t.Errorf("after the open time: %+v, want half-open with a change after %v", probing, opened.ChangedAt)
	}

	fail("probe")
	reopened := state()
	if reopened.State != "open" || reopened.OpenedAfter != 1 || reopened.LastFailure != "HTTP 503: probe" {
		t.Errorf("after a failed probe: %+v, want open after 1, last failure HTTP 503: probe", reopened)
	}
}

// TestBreakerCountsSlowFailures fails attempts one after another, spread
// over time or each taking long. Whatever their pace, the configured
// number of failures in a row opens the breaker.
func TestBreakerCountsSlowFailures(t *testing.T) {
	for name, took := range map[string]time.Duration{
		"quick failures": time.Millisecond,
		"slow failures":  300 * time.Millisecond,
	} {
		t.Run(name, func(t *testing.T) {
			b := NewBreakers(BreakerConfig{Failures: 3, OpenFor: time.Hour},
				slog.New(slog.NewTextHandler(io.Discard, nil)))
			for i := range 3 {
				if got := b.get("court").State().String(); got != "closed" {
					t.Fatalf("before failure %d: state %s, want closed", i+1, got)
				}
				_, err := b.get("court").Execute(func() (outcome, error) {
					time.Sleep(took)
					o := outcome{err: context.DeadlineExceeded}
					return o, o.breakerError()
				})
				if err != errFailed {
					t.Fatalf("Execute = %v, want errFailed", err)
				}
			}
			if got := b.get("court").State().String(); got != "open" {
				t.Errorf("after 3 failures in a row: state %s, want open", got)
			}
		})
	}
}

// TestBreakerSuccessResetsFailures checks that a success between failures
// starts the count again.
func TestBreakerSuccessResetsFailures(t *testing.T) {
	b := NewBreakers(BreakerConfig{Failures: 2, OpenFor: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, status := range []int{http.StatusBadGateway, http.StatusOK, http.StatusBadGateway} {
		o := outcome{status: status}
		_, _ = b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() })
	}
	if got := b.get("court").State().String(); got != "closed" {
		t.Errorf("after failure, success, failure: state %s, want closed", got)
	}
}

// TestBreakerCallsOnCloseAfterProbe opens a breaker, lets its open time
// pass and lets the probe succeed. OnClose learns the destination once,
// when the breaker closes, and not when it opened or went half-open.
func TestBreakerCallsOnCloseAfterProbe(t *testing.T) {
	const openFor = 50 * time.Millisecond
	closed := make(chan string, 4)
	b := NewBreakers(BreakerConfig{Failures: 2, OpenFor: openFor,
		OnClose: func(dest string) { closed <- dest }},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	try := func(status int) error {
		o := outcome{status: status}
		_, err := b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() })
		return err
	}
	for range 2 {
		if err := try(http.StatusServiceUnavailable); err != errFailed {
			t.Fatalf("failing attempt: %v, want errFailed", err)
		}
	}
	if b.closed("court") {
		t.Fatal("breaker closed after two failures, want open")
	}
	time.Sleep(openFor + 20*time.Millisecond)
	if err := try(http.StatusOK); err != nil {
		t.Fatalf("probe: %v", err)
	}
	select {
	case dest := <-closed:
		if dest != "court" {
			t.Errorf("OnClose(%q), want court", dest)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("OnClose was not called after the probe closed the breaker")
	}
	if !b.closed("court") {
		t.Error("breaker not closed after a successful probe")
	}
	if len(closed) != 0 {
		t.Errorf("OnClose called %d more times, want once", len(closed))
	}
}

// TestBreakerLogLevels opens a breaker, lets its open time pass and
// lets the probe succeed. Opening is logged at WARN, the probe and the
// recovery at INFO.
func TestBreakerLogLevels(t *testing.T) {
	const openFor = 50 * time.Millisecond
	var logs bytes.Buffer
	b := NewBreakers(BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.NewJSONHandler(&logs, nil)))
	try := func(status int) {
		o := outcome{status: status}
		_, _ = b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() })
	}
	try(http.StatusServiceUnavailable)
	time.Sleep(openFor + 20*time.Millisecond)
	try(http.StatusOK)

	levels := map[string]string{}
	for line := range bytes.Lines(logs.Bytes()) {
		var entry struct{ Level, Msg, From, To string }
		if err := json.Unmarshal(line, &entry); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if entry.Msg == "circuit breaker state changed" {
			levels[entry.From+" -> "+entry.To] = entry.Level
		}
	}
	for transition, want := range map[string]string{
		"closed -> open":      "WARN",
		"open -> half-open":   "INFO",
		"half-open -> closed": "INFO",
	} {
		if got := levels[transition]; got != want {
			t.Errorf("%s logged at %q, want %s\nlogs:\n%s", transition, got, want, logs.String())
		}
	}
}

// TestBreakerOpenLeftCountsFromOpening opens a breaker and waits. What
// is left of its open time counts down from the moment it opened.
func TestBreakerOpenLeftCountsFromOpening(t *testing.T) {
	const openFor = time.Hour
	b := NewBreakers(BreakerConfig{Failures: 1, OpenFor: openFor}, slog.New(slog.DiscardHandler))
	if left := b.openLeft("court"); left != openFor {
		t.Errorf("closed breaker: openLeft = %v, want %v", left, openFor)
	}
	o := outcome{status: http.StatusServiceUnavailable, body: "down"}
	if _, err := b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() }); err != errFailed {
		t.Fatalf("Execute = %v, want errFailed", err)
	}
	const waited = 200 * time.Millisecond
	time.Sleep(waited)
	if left := b.openLeft("court"); left > openFor-waited || left < openFor-time.Minute {
		t.Errorf("open breaker after %v: openLeft = %v, want at most %v", waited, left, openFor-waited)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use, for logs that
// a timer's goroutine writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBreakerHalfOpensUnread opens a breaker and neither uses nor reads
// it again. Once its open time is up it moves to half-open and logs the
// change all the same, as on an idle replica.
func TestBreakerHalfOpensUnread(t *testing.T) {
	const openFor = 50 * time.Millisecond
	logs := &lockedBuffer{}
	b := NewBreakers(BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.NewTextHandler(logs, nil)))
	t.Cleanup(b.Stop)
	o := outcome{status: http.StatusServiceUnavailable, body: "down"}
	if _, err := b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() }); err != errFailed {
		t.Fatalf("Execute = %v, want errFailed", err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "from=open to=half-open") {
		if time.Now().After(deadline) {
			t.Fatalf("no change to half-open logged 10s after the breaker opened for %s; logs:\n%s",
				openFor, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestBreakerStopEndsExpiry opens a breaker and stops the set: the open
// time's end then changes nothing until the breaker is read.
func TestBreakerStopEndsExpiry(t *testing.T) {
	const openFor = 20 * time.Millisecond
	logs := &lockedBuffer{}
	b := NewBreakers(BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.NewTextHandler(logs, nil)))
	o := outcome{status: http.StatusServiceUnavailable, body: "down"}
	if _, err := b.get("court").Execute(func() (outcome, error) { return o, o.breakerError() }); err != errFailed {
		t.Fatalf("Execute = %v, want errFailed", err)
	}
	b.Stop()
	time.Sleep(10 * openFor)
	if strings.Contains(logs.String(), "to=half-open") {
		t.Errorf("a stopped set moved a breaker to half-open; logs:\n%s", logs.String())
	}
}
