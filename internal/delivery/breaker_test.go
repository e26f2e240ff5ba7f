package delivery

import (
	"io"
	"log/slog"
	"net/http"
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
