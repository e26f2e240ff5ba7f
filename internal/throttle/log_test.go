package throttle

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a clock that moves only when a test advances it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestLog returns a FailureLog with a 5-second interval on clock, and
// the buffer its JSON lines go to.
func newTestLog(clock *testClock) (*FailureLog, *bytes.Buffer) {
	var out bytes.Buffer
	f := NewFailureLog(FailureLogConfig{
		Logger:    slog.New(slog.NewJSONHandler(&out, nil)),
		Failed:    "storing failed",
		Recovered: "storing recovered",
		CountKey:  "failed_requests",
		Interval:  5 * time.Second,
		Now:       clock.Now,
	})
	return f, &out
}

// logLines decodes the JSON lines in out.
func logLines(t *testing.T, out *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("decoding log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestFailureLogConcurrentRun(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	f, out := newTestLog(clock)

	f.Succeeded()
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { f.Failed(errors.New("connection refused"), "agency", "police") })
	}
	wg.Wait()
	lines := logLines(t, out)
	if len(lines) != 1 {
		t.Fatalf("100 failures at one instant logged %d lines, want 1:\n%s", len(lines), out)
	}
	if lines[0]["msg"] != "storing failed" || lines[0]["agency"] != "police" ||
		lines[0]["error"] != "connection refused" || lines[0]["failed_requests"] != 1.0 {
		t.Errorf("first line = %v, want storing failed for police, connection refused, 1 failed request",
			lines[0])
	}

	clock.advance(5 * time.Second)
	f.Failed(errors.New("server closed the connection"), "agency", "court")
	lines = logLines(t, out)
	if len(lines) != 2 {
		t.Fatalf("a failure an interval later logged %d lines in all, want 2:\n%s", len(lines), out)
	}
	if lines[1]["error"] != "server closed the connection" || lines[1]["agency"] != "court" {
		t.Errorf("periodic line = %v, want the latest error and agency", lines[1])
	}
	if lines[1]["failed_requests"] != 101.0 {
		t.Errorf("periodic line counts %v failed requests, want 101", lines[1]["failed_requests"])
	}

	clock.advance(time.Second)
	for range 10 {
		wg.Go(f.Succeeded)
	}
	wg.Wait()
	lines = logLines(t, out)
	if len(lines) != 3 {
		t.Fatalf("successes after the run logged %d lines in all, want 3:\n%s", len(lines), out)
	}
	if lines[2]["msg"] != "storing recovered" || lines[2]["level"] != "INFO" {
		t.Errorf("recovery line = %v, want storing recovered at INFO", lines[2])
	}
	if lines[2]["failed_requests"] != 101.0 || lines[2]["failed_for"] != float64(6*time.Second) {
		t.Errorf("recovery line = %v, want 101 failed requests over 6s", lines[2])
	}
}

func TestFailureLogAlternatingDeferred(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	f, out := newTestLog(clock)

	f.Failed(errors.New("deadlock detected"))
	f.Succeeded()
	if n := len(logLines(t, out)); n != 2 {
		t.Fatalf("one failure and a success logged %d lines, want 2:\n%s", n, out)
	}

	// A failure every 100 ms between successes, for 4.9 s.
	for i := range 50 {
		if i > 0 {
			clock.advance(100 * time.Millisecond)
		}
		f.Failed(errors.New("deadlock detected"))
		f.Succeeded()
	}
	if n := len(logLines(t, out)); n != 2 {
		t.Fatalf("50 alternating failures within the interval logged %d lines in all, want 2:\n%s",
			n, out)
	}

	clock.advance(100 * time.Millisecond)
	f.Succeeded()
	lines := logLines(t, out)
	if len(lines) != 4 {
		t.Fatalf("a success an interval after the deferred run began logged %d lines in all, "+
			"want 4:\n%s", len(lines), out)
	}
	if lines[2]["msg"] != "storing failed" || lines[2]["failed_requests"] != 50.0 {
		t.Errorf("deferred run's error line = %v, want storing failed with 50 failed requests", lines[2])
	}
	if lines[3]["msg"] != "storing recovered" || lines[3]["failed_requests"] != 50.0 {
		t.Errorf("deferred run's recovery line = %v, want storing recovered with 50 failed requests",
			lines[3])
	}

	f.Succeeded()
	if n := len(logLines(t, out)); n != 4 {
		t.Errorf("a success with no run open logged a line:\n%s", out)
	}
}

func TestFailureLogRunAfterQuietInterval(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	f, out := newTestLog(clock)

	f.Failed(errors.New("connection refused"))
	f.Succeeded()
	clock.advance(5 * time.Second)
	f.Failed(errors.New("connection refused"))
	lines := logLines(t, out)
	if len(lines) != 3 {
		t.Fatalf("a run an interval after the last one logged %d lines in all, want 3:\n%s",
			len(lines), out)
	}
	if lines[2]["msg"] != "storing failed" {
		t.Errorf("third line = %v, want the new run's first failure", lines[2])
	}
}
