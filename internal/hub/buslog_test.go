package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

func TestWatermillLoggerQuietsShutdownAndRepeats(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	l := watermillLogger(log).(*busLogger)
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
