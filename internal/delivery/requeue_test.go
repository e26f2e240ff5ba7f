package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/journal"
)

// outageStore fails every Requeue until its passes reach failures, then
// works, and ends the run after the first pass that works.
type outageStore struct {
	journal.Store
	failures int
	passes   int
	stop     context.CancelFunc
	clock    *fakeClock
}

func (s *outageStore) Requeue(context.Context, time.Time, time.Time, int,
	func(journal.Delivery) journal.Outgoing) (int, error) {
	s.passes++
	s.clock.advance(time.Second)
	if s.passes <= s.failures {
		return 0, errors.New("connection refused")
	}
	s.stop()
	return 0, nil
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRequeuerLogsAnOutageBriefly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	// 100 failed passes, one a second: a 100-second outage.
	store := &outageStore{failures: 100, stop: cancel, clock: clock}
	var out bytes.Buffer
	r := &Requeuer{Store: store, Interval: time.Millisecond, Now: clock.Now,
		Log: slog.New(slog.NewTextHandler(&out, nil))}
	r.Run(ctx)

	if store.passes != 101 {
		t.Fatalf("%d passes, want 101", store.passes)
	}
	log := out.String()
	// The first failure, then one line per 30 s: at 30, 60 and 90 s.
	if n := strings.Count(log, "level=ERROR"); n != 4 {
		t.Errorf("%d error lines for a 100 s outage, want 4:\n%s", n, log)
	}
	if !strings.Contains(log, `msg="requeuing due deliveries recovered" failed_passes=100`) {
		t.Errorf("no line saying requeuing recovered after 100 failed passes:\n%s", log)
	}
}

// staleStore records the staleBefore of each Requeue.
type staleStore struct {
	journal.Store
	staleBefore []time.Time
}

func (s *staleStore) Requeue(_ context.Context, _, staleBefore time.Time, _ int,
	_ func(journal.Delivery) journal.Outgoing) (int, error) {
	s.staleBefore = append(s.staleBefore, staleBefore)
	return 0, nil
}

// TestRequeuerLeavesOutboxCommands requeues while the outbox holds a
// command published ten minutes ago, as when the bus has been down that
// long, and after the outbox drained. Only deliveries whose commands
// left the outbox StaleAfter ago count as lost: none queued since the
// oldest waiting command (less a minute for the database's clock), and
// none of the drained backlog until StaleAfter after it drained.
func TestRequeuerLeavesOutboxCommands(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	now := t0
	stuck := t0.Add(-10 * time.Minute)
	waiting := bus.Waiting{Messages: 3, Oldest: stuck}
	store := &staleStore{}
	r := &Requeuer{Store: store, StaleAfter: 5 * time.Minute, Now: func() time.Time { return now },
		Log:    slog.New(slog.DiscardHandler),
		Outbox: func(context.Context) (bus.Waiting, error) { return waiting, nil }}
	beforeStuck := stuck.Add(-time.Minute)
	steps := []struct {
		at      time.Time
		waiting bus.Waiting
		want    time.Time
	}{
		{t0, waiting, beforeStuck},
		// The outbox drained a minute later.
		{t0.Add(time.Minute), bus.Waiting{}, beforeStuck},
		{t0.Add(5 * time.Minute), bus.Waiting{}, beforeStuck},
		// StaleAfter after the pass that found it drained, all that was
		// queued before that pass counts.
		{t0.Add(6*time.Minute + time.Second), bus.Waiting{}, t0.Add(time.Minute)},
		{t0.Add(20 * time.Minute), bus.Waiting{}, t0.Add(6*time.Minute + time.Second)},
	}
	for _, s := range steps {
		now, waiting = s.at, s.waiting
		if _, err := r.Pass(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := store.staleBefore[len(store.staleBefore)-1]; !got.Equal(s.want) {
			t.Errorf("pass at %s: staleBefore = %s, want %s", s.at.Format(time.TimeOnly),
				got.Format(time.TimeOnly), s.want.Format(time.TimeOnly))
		}
	}
	if len(r.left) > 2 {
		t.Errorf("the requeuer keeps %d outbox marks, want those since the last one StaleAfter old", len(r.left))
	}
}

// resendStore hands Requeue's outgoing the deliveries of one pass per
// call, then ends the run.
type resendStore struct {
	journal.Store
	passes [][]journal.Delivery
	stop   context.CancelFunc
	clock  *fakeClock
}

func (s *resendStore) Requeue(_ context.Context, _, _ time.Time, _ int,
	outgoing func(journal.Delivery) journal.Outgoing) (int, error) {
	s.clock.advance(time.Second)
	if len(s.passes) == 0 {
		s.stop()
		return 0, nil
	}
	ds := s.passes[0]
	s.passes = s.passes[1:]
	for _, d := range ds {
		outgoing(d)
	}
	return len(ds), nil
}

// TestRequeuerLogsResentCommands requeues deliveries whose commands went
// stale among fresh ones. The first are logged at once, the rest of the
// run in one line when it ends, by count and destination.
func TestRequeuerLogsResentCommands(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	stale := clock.now.Add(-10 * time.Minute)
	first := []journal.Delivery{
		{ID: "d1", Destination: "court", QueuedAt: stale},
		{ID: "d2", Destination: "court", QueuedAt: stale},
		{ID: "d3", Destination: "prison", QueuedAt: stale},
		{ID: "d4", Destination: "station"},
	}
	passes := [][]journal.Delivery{first}
	for i := range 10 {
		passes = append(passes, []journal.Delivery{{ID: fmt.Sprint("e", i), Destination: "court", QueuedAt: stale}})
	}
	store := &resendStore{passes: passes, stop: cancel, clock: clock}
	var out bytes.Buffer
	r := &Requeuer{Store: store, Interval: time.Millisecond, Now: clock.Now, Batch: 500,
		Outgoing: func(journal.Delivery) journal.Outgoing { return journal.Outgoing{} },
		Log:      slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	r.Run(ctx)

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), out.String())
	}
	for i, want := range []string{"deliveries=3 destinations=\"[court prison]\"", "deliveries=10 destinations=[court]"} {
		if !strings.Contains(lines[i], "sent delivery commands again") || !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s, want the resent commands with %s", i+1, lines[i], want)
		}
	}
}
