package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestWatermillLoggerQuietsShutdownAndRepeats(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var stopping atomic.Bool
	l := watermillLogger(log, &stopping)
	l.now = func() time.Time { return clock }
	sub := l.With(watermill.LogFields{"topic": "deliveries.court"})

	canceled := fmt.Errorf("could not commit: %w", context.Canceled)
	sub.Error("could not commit tx for querying message", canceled, nil)
	if out.Len() != 0 {
		t.Errorf("a cancellation was logged above Debug: %s", out.String())
	}

	down := errors.New("connection refused")
	for range 100 {
		sub.Error("could not query message", down, nil)
	}
	if n := strings.Count(out.String(), "level=ERROR"); n != 1 {
		t.Fatalf("100 repeats within %s gave %d error lines, want 1:\n%s", busErrorInterval, n, out.String())
	}
	sub.Error("another failure", down, nil)
	if n := strings.Count(out.String(), "level=ERROR"); n != 2 {
		t.Errorf("a line with another message was left out:\n%s", out.String())
	}

	clock = clock.Add(busErrorInterval)
	out.Reset()
	sub.Error("could not query message", down, nil)
	line := out.String()
	if !strings.Contains(line, "similar_lines_left_out=99") || !strings.Contains(line, "topic=deliveries.court") {
		t.Errorf("line after the interval = %q, want the 99 left out counted and the topic kept", line)
	}
}

// TestWatermillLoggerQuietsBatchEndWhileStopping checks that a batch
// transaction that fails to end logs an error while the hub runs, and
// only at Debug once it is stopping.
func TestWatermillLoggerQuietsBatchEndWhileStopping(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var stopping atomic.Bool
	sub := watermillLogger(log, &stopping).With(watermill.LogFields{"topic": "deliveries.court"})
	closed := errors.New("failed to deallocate cached statement(s): conn closed")

	sub.Error("could not commit tx for querying message", closed, nil)
	if !strings.Contains(out.String(), "level=ERROR") {
		t.Errorf("a failed commit while running was not logged as an error: %q", out.String())
	}
	out.Reset()
	stopping.Store(true)
	sub.Error("could not rollback tx for querying message", closed, nil)
	sub.Error("could not query message", closed, nil)
	if n := strings.Count(out.String(), "level=ERROR"); n != 1 || !strings.Contains(out.String(), "could not query") {
		t.Errorf("while stopping: %d error lines, want only the failed query:\n%s", n, out.String())
	}
}

// TestWatermillLoggerQuietsLostBatch checks that a batch lost to a failed
// transaction, as two replicas' race ends one, is logged at Debug, and
// another database error still as an error.
func TestWatermillLoggerQuietsLostBatch(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sub := watermillLogger(log, nil).With(watermill.LogFields{"topic": "outbox"})
	for _, code := range []string{"25P02", "40001"} {
		sub.Error("Error querying for message", fmt.Errorf("query: %w", &pgconn.PgError{Code: code}), nil)
	}
	if out.Len() != 0 {
		t.Errorf("a lost batch was logged above Debug: %s", out.String())
	}
	sub.Error("Error querying for message", &pgconn.PgError{Code: "42P01"}, nil)
	if !strings.Contains(out.String(), "level=ERROR") {
		t.Errorf("a missing table was not logged as an error: %q", out.String())
	}
}

// TestWatermillLoggerNamesConnectionLimit checks that PostgreSQL's
// refusal of connections for its connection limit gets one line of the
// hub's own per interval naming the cause, besides watermill's lines,
// and that other errors get none.
func TestWatermillLoggerNamesConnectionLimit(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	l := watermillLogger(log, nil)
	l.now = func() time.Time { return clock }
	sub := l.With(watermill.LogFields{"topic": "deliveries.court"})
	full := fmt.Errorf("could not begin tx for querying: %w", &pgconn.PgError{
		Severity: "FATAL", Code: "53300", Message: "sorry, too many clients already"})
	const cause = "reached its connection limit (max_connections)"

	for range 10 {
		sub.Error("Error querying for message", full, nil)
		sub.Error("Handler returned error", full, nil)
	}
	if n := strings.Count(out.String(), cause); n != 1 {
		t.Errorf("20 refusals gave %d lines naming the connection limit, want 1:\n%s", n, out.String())
	}
	for _, msg := range []string{"Error querying for message", "Handler returned error"} {
		if !strings.Contains(out.String(), msg) {
			t.Errorf("watermill's line %q is missing:\n%s", msg, out.String())
		}
	}

	clock = clock.Add(connectionLimitInterval)
	out.Reset()
	sub.Error("Error querying for message", full, nil)
	if line := logLine(out.String(), cause); !strings.Contains(line, "similar_lines_left_out=19") {
		t.Errorf("line after the interval = %q, want the 19 left out counted", line)
	}

	out.Reset()
	sub.Error("another failure", errors.New("connection refused"), nil)
	if strings.Contains(out.String(), cause) {
		t.Errorf("an error other than the connection limit named it:\n%s", out.String())
	}
}

// TestWatermillLoggerFlushesLeftOutLines leaves out a second line with
// one message, as when two deliveries fail to record 3 s apart, and
// no third line comes. runFlush logs the count once the interval has
// ended, and only once, and flushAll logs a count whose interval has not
// ended.
func TestWatermillLoggerFlushesLeftOutLines(t *testing.T) {
	const msg = "Handler returned error"
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	clock := start
	l := watermillLogger(log, nil)
	l.now = func() time.Time { return clock }
	sub := l.With(watermill.LogFields{"topic": "deliveries.court"})
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.runFlush(ctx, ticks)
	}()
	defer func() {
		cancel()
		<-done
	}()
	// The loop takes the second tick only once the first one's flush has
	// returned.
	flush := func() {
		ticks <- clock
		ticks <- clock
	}
	lines := func() []string {
		var found []string
		for line := range strings.Lines(out.String()) {
			if strings.Contains(line, msg) {
				found = append(found, line)
			}
		}
		return found
	}

	sub.Error(msg, errors.New("recording attempt 1 of delivery A: conn closed"), nil)
	clock = start.Add(3 * time.Second)
	sub.Error(msg, errors.New("recording attempt 1 of delivery B: conn closed"), nil)
	flush()
	if got := lines(); len(got) != 1 {
		t.Fatalf("%d lines before the interval ends, want 1: %q", len(got), got)
	}

	clock = start.Add(busErrorInterval)
	flush()
	got := lines()
	if len(got) != 2 {
		t.Fatalf("%d lines after the interval, want 2 with the count of the one left out: %q", len(got), got)
	}
	held := got[1]
	if !strings.Contains(held, "level=WARN") {
		t.Errorf("count line %q, want it at WARN, so that an alert on ERROR counts the failure once", held)
	}
	if !strings.Contains(held, `msg="similar bus errors left out"`) {
		t.Errorf("count line %q, want a message of its own", held)
	}
	if !strings.Contains(held, `message="Handler returned error"`) {
		t.Errorf("count line %q, want the counted lines' message as attribute message", held)
	}
	if !strings.Contains(held, "similar_lines_left_out=1") {
		t.Errorf("count line %q, want similar_lines_left_out=1", held)
	}
	if !strings.Contains(held, "left_out_since=2026-12-04T10:00:00.000Z") {
		t.Errorf("count line %q, want left_out_since at the last line logged", held)
	}

	clock = start.Add(2 * busErrorInterval)
	flush()
	if got := lines(); len(got) != 2 {
		t.Errorf("%d lines after a second interval, want the count logged once: %q", len(got), got)
	}
	sub.Error(msg, errors.New("recording attempt 1 of delivery C: conn closed"), nil)
	if got := lines(); len(got) != 3 || strings.Contains(got[2], "similar_lines_left_out") {
		t.Errorf("lines %q, want a third line that counts nothing left out", got)
	}

	clock = clock.Add(time.Second)
	sub.Error(msg, errors.New("recording attempt 1 of delivery D: conn closed"), nil)
	l.flushAll()
	got = lines()
	if len(got) != 4 || !strings.Contains(got[3], "similar_lines_left_out=1") {
		t.Errorf("lines %q, want flushAll to count the line left out before the interval ended", got)
	}
}
