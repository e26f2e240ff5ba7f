package verification

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestObserveLogsFailureRuns renames the index's table away, so that
// every Observe fails, and back. The failures must log one line, not one
// per message, and the first Observe that works after them one recovery
// line.
func TestObserveLogsFailureRuns(t *testing.T) {
	saved := retryWaits
	retryWaits = nil
	t.Cleanup(func() { retryWaits = saved })
	e := sqliteEnv(t)
	var out bytes.Buffer
	e.index.log = slog.New(slog.NewTextHandler(&out, nil))
	e.index.failures = newFailureLog(e.index.log, e.clock.Now)
	ctx := context.Background()
	arrest := withSource(decode(t, "police", "arrest-kaloor-snatching"), "police")
	observe := func(n int, prefix string) {
		var wg sync.WaitGroup
		for i := range n {
			m := arrest
			m.ID = fmt.Sprintf("%s-%03d", prefix, i)
			wg.Go(func() { e.index.Observe(ctx, &m) })
		}
		wg.Wait()
	}

	if _, err := e.index.db.Exec("ALTER TABLE verification_indexed RENAME TO indexed_away"); err != nil {
		t.Fatal(err)
	}
	observe(20, "failing")
	if n := strings.Count(out.String(), "indexing message failed"); n != 1 {
		t.Errorf("20 failed Observe calls at one instant logged %d failure lines, want 1:\n%s",
			n, out.String())
	}

	if _, err := e.index.db.Exec("ALTER TABLE indexed_away RENAME TO verification_indexed"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	observe(5, "working")
	log := out.String()
	if n := strings.Count(log, "indexing messages recovered"); n != 1 {
		t.Errorf("Observe calls after the failures logged %d recovery lines, want 1:\n%s", n, log)
	}
	if !strings.Contains(log, "failed_messages=20") || !strings.Contains(log, "failed_for=1s") {
		t.Errorf("no line counting 20 failed messages over 1s:\n%s", log)
	}
	if n := indexedCount(t, e); n != 5 {
		t.Errorf("the index holds %d messages, want the 5 observed after the failures", n)
	}
}
