package routestoretest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/routes"
)

// applied is one call of a Watcher's OnChange.
type applied struct {
	version routestore.Version
	table   *routes.Table
}

// startWatcher runs a Watcher over s until t ends and returns the channel
// that receives each version it hands over.
func startWatcher(t *testing.T, s routestore.Store, after int, logs *logBuffer) (
	*routestore.Watcher,
	<-chan applied,
) {
	t.Helper()
	changes := make(chan applied, 16)
	w, err := routestore.NewWatcher(routestore.WatcherConfig{
		Store:    s,
		Interval: pollInterval,
		Applied:  after,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		OnChange: func(_ context.Context, v routestore.Version, table *routes.Table) {
			changes <- applied{version: v, table: table}
		},
	})
	if err != nil {
		t.Fatalf("NewWatcher: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return w, changes
}

// next returns the next version the watcher hands over, or fails t after
// waitTimeout.
func next(t *testing.T, changes <-chan applied) applied {
	t.Helper()
	select {
	case a := <-changes:
		return a
	case <-time.After(waitTimeout):
		t.Fatalf("the watcher handed over no version within %s", waitTimeout)
		return applied{}
	}
}

func testWatcherFirstRead(t *testing.T, h Harness, _ Open) {
	saveN(t, h.Store, 2)

	w, changes := startWatcher(t, h.Store, 0, &logBuffer{})
	a := next(t, changes)
	if a.version.Number != 2 {
		t.Errorf("first version handed over is %d, want the current 2", a.version.Number)
	}
	if a.table.Version() != "test-2" {
		t.Errorf("table label = %q, want test-2", a.table.Version())
	}
	if w.Applied() != 2 {
		t.Errorf("Applied = %d, want 2", w.Applied())
	}
}

// testWatcherSeesOtherInstance saves through a second store instance, as
// another hub replica would, and waits for the watcher on the first.
func testWatcherSeesOtherInstance(t *testing.T, h Harness, open Open) {
	other := open(t, h.Storage)
	seeded := saveN(t, h.Store, 1)
	w, changes := startWatcher(t, h.Store, seeded[0].Number, &logBuffer{})

	saved := save(t, other.Store, routestore.Change{Document: documentN(2), Expect: 1})
	a := next(t, changes)
	if d := diffVersion(a.version, saved); d != "" {
		t.Errorf("watcher handed over %s", d)
	}
	if a.table.Version() != "test-2" {
		t.Errorf("table label = %q, want test-2", a.table.Version())
	}
	if w.Applied() != 2 {
		t.Errorf("Applied = %d, want 2", w.Applied())
	}
}

// testWatcherSkipsInvalid stores a version that does not compile and
// checks that the watcher logs it, hands nothing over, and applies the
// next good version.
func testWatcherSkipsInvalid(t *testing.T, h Harness, open Open) {
	other := open(t, h.Storage)
	saveN(t, h.Store, 1)
	logs := &logBuffer{}
	w, changes := startWatcher(t, h.Store, 1, logs)

	h.InsertUnchecked(t, routestore.Version{
		Info: routestore.Info{
			Number: 2, By: "older release", CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
		},
		Document: document("bad", `message.type ==`),
	})
	waitForLog(t, logs, "version=2")
	if !strings.Contains(logs.String(), "cnr-to-police") {
		t.Errorf("log of the skipped version does not name the route: %s", logs)
	}
	select {
	case a := <-changes:
		t.Fatalf("watcher handed over version %d, which does not compile", a.version.Number)
	default:
	}
	if w.Applied() != 1 {
		t.Errorf("Applied after the invalid version = %d, want 1", w.Applied())
	}

	save(t, other.Store, routestore.Change{Document: documentN(3), Expect: 2})
	if a := next(t, changes); a.version.Number != 3 {
		t.Errorf("watcher handed over version %d, want 3", a.version.Number)
	}
	if w.Applied() != 3 {
		t.Errorf("Applied = %d, want 3", w.Applied())
	}
}

// waitForLog waits until logs contain want, or fails t after waitTimeout.
func waitForLog(t *testing.T, logs *logBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !strings.Contains(logs.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no log contains %q within %s: %s", want, waitTimeout, logs)
		}
		time.Sleep(pollInterval)
	}
}
