package routestoretest

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
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
	return startWatcherRejecting(t, s, after, logs, func(routestore.Version) error { return nil })
}

// startWatcherRejecting is startWatcher with an OnChange that first
// calls reject and, when it returns an error, returns that error instead
// of handing the version over.
func startWatcherRejecting(
	t *testing.T,
	s routestore.Store,
	after int,
	logs *logBuffer,
	reject func(routestore.Version) error,
) (*routestore.Watcher, <-chan applied) {
	t.Helper()
	w, changes, _ := runWatcher(t, s, pollInterval, after, logs, reject)
	return w, changes
}

// runWatcher runs a Watcher over s that reads it every interval, with
// the OnChange of startWatcherRejecting, and returns it, the channel of
// the versions it hands over and a function that stops it and waits for
// Run to return. The watcher stops when t ends at the latest.
func runWatcher(
	t *testing.T,
	s routestore.Store,
	interval time.Duration,
	after int,
	logs *logBuffer,
	reject func(routestore.Version) error,
) (*routestore.Watcher, <-chan applied, func()) {
	t.Helper()
	changes := make(chan applied, 16)
	w, err := routestore.NewWatcher(routestore.WatcherConfig{
		Store:    s,
		Interval: interval,
		Applied:  after,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		OnChange: func(_ context.Context, v routestore.Version, table *routes.Table) error {
			if err := reject(v); err != nil {
				return err
			}
			changes <- applied{version: v, table: table}
			return nil
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
	stop := func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return w, changes, stop
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
	checkApplied(t, w, 2)
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
	checkApplied(t, w, 2)
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
	checkApplied(t, w, 1)

	save(t, other.Store, routestore.Change{Document: documentN(3), Expect: 2})
	if a := next(t, changes); a.version.Number != 3 {
		t.Errorf("watcher handed over version %d, want 3", a.version.Number)
	}
	checkApplied(t, w, 3)
}

// checkApplied waits until the watcher reports want as the version in
// force, which it records once OnChange has returned, or fails t after
// waitTimeout.
func checkApplied(t *testing.T, w *routestore.Watcher, want int) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for w.Applied() != want {
		if time.Now().After(deadline) {
			t.Fatalf("Applied = %d after %s, want %d", w.Applied(), waitTimeout, want)
		}
		time.Sleep(pollInterval)
	}
}

// testWatcherRetriesRejected has OnChange fail twice for version 2, as a
// database error while starting its handlers would, and checks that the
// watcher tries it again without a new save, logs the first failure
// only, and logs the recovery.
func testWatcherRetriesRejected(t *testing.T, h Harness, _ Open) {
	saveN(t, h.Store, 2)
	logs := &logBuffer{}
	var tries atomic.Int32
	w, changes := startWatcherRejecting(t, h.Store, 1, logs, func(routestore.Version) error {
		if tries.Add(1) <= 2 {
			return errors.New("creating the bus topic failed")
		}
		return nil
	})

	if a := next(t, changes); a.version.Number != 2 {
		t.Errorf("watcher handed over version %d, want 2", a.version.Number)
	}
	checkApplied(t, w, 2)
	waitForLog(t, logs, "routes version applied after failed tries")
	out := logs.String()
	if n := strings.Count(out, "routes version not applied"); n != 1 {
		t.Errorf("%d lines say the version was not applied, want 1: %s", n, out)
	}
	if !strings.Contains(out, "creating the bus topic failed") {
		t.Errorf("log does not give the failure: %s", out)
	}
	if !strings.Contains(out, "tries=3") {
		t.Errorf("recovery line does not count three tries: %s", out)
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

// testWatcherSync saves a version while a watcher that reads the store
// only once an hour runs, and checks that Sync puts it in force before
// it returns, and that Sync fails once Run has returned.
func testWatcherSync(t *testing.T, h Harness, _ Open) {
	seeded := saveN(t, h.Store, 1)
	w, changes, stop := runWatcher(t, h.Store, time.Hour, seeded[0].Number, &logBuffer{},
		func(routestore.Version) error { return nil })

	save(t, h.Store, routestore.Change{Document: documentN(2), Expect: 1})
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := w.Sync(ctx); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if got := w.Applied(); got != 2 {
		t.Errorf("Applied after Sync = %d, want 2", got)
	}
	if len(changes) != 1 {
		t.Errorf("OnChange called %d times, want once", len(changes))
	}

	stop()
	if err := w.Sync(ctx); err == nil {
		t.Error("Sync after Run returned: no error")
	}
}
