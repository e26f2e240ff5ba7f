package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/throttle"
)

// Requeuer publishes commands for deliveries that are due: retries whose
// wait is over, deliveries freed by an earlier one of their case, and
// deliveries whose command was lost. Every hub replica runs one; the
// journal gives each delivery to one of them.
type Requeuer struct {
	Store journal.Store
	Log   *slog.Logger
	// Interval is the pause between passes. Default 200ms.
	Interval time.Duration
	// StaleAfter is how long a queued delivery may go unhandled before
	// its command counts as lost and is published again. Default 5m.
	StaleAfter time.Duration
	// Batch caps the deliveries one pass queues. Default 500.
	Batch int
	// Outgoing builds the command of a due delivery; see NewOutgoing.
	Outgoing func(journal.Delivery) journal.Outgoing
	// Outbox, when set, reports the commands that wait in a transactional
	// outbox for a forwarder to move them to the bus. A delivery then
	// counts as stale only once its command left the outbox StaleAfter
	// ago. Counting from when it was queued would add a command per
	// delivery at each pass while the bus is down, and send the whole
	// backlog again as it drains.
	Outbox func(ctx context.Context) (bus.Waiting, error)
	// Now returns the current time; time.Now when nil.
	Now func() time.Time

	// resent counts the stale commands sent again since the last line
	// that logged them, by destination, at loggedResentAt. Pass and
	// logResent, which Run calls in turn, use them.
	resent         map[string]int
	loggedResentAt time.Time
	// left records, oldest first, what had left the outbox at the
	// recent passes, for Pass to tell how long ago a command left it.
	left []outboxMark
}

// outboxMark records that at a pass, every command queued before left
// had left the outbox.
type outboxMark struct {
	at, left time.Time
}

// outboxClockMargin is subtracted from the time that a command still
// waiting in the outbox was written. The database stamps it, and the
// hub stamps a delivery's QueuedAt, so the two clocks may differ.
const outboxClockMargin = time.Minute

// failureLogInterval is the shortest time between two error lines of a
// requeuer whose passes keep failing, as they do through a database
// outage.
const failureLogInterval = 30 * time.Second

// Run makes passes until ctx ends. A failed pass is retried at the next
// interval. The first failure is logged at once, further ones at most
// once per failureLogInterval with their count, and the first pass that
// works again is logged too.
func (r *Requeuer) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	defer r.logResent(true)
	failing := throttle.Failures{Interval: failureLogInterval}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// select picks at random when the tick and the end are both
		// ready, and no pass starts after the end.
		if ctx.Err() != nil {
			return
		}
		for {
			n, err := r.Pass(ctx)
			r.report(ctx, &failing, err)
			if err != nil || n < r.batch() {
				break
			}
		}
		r.logResent(false)
	}
}

// logResent logs the stale commands sent again since the last such line,
// if any: at once for the first, then at most once per
// failureLogInterval, or now when final is set.
func (r *Requeuer) logResent(final bool) {
	if len(r.resent) == 0 {
		return
	}
	now := r.now()
	if !final && now.Sub(r.loggedResentAt) < failureLogInterval {
		return
	}
	total := 0
	for _, n := range r.resent {
		total += n
	}
	r.Log.Warn("sent delivery commands again: the bus lost them, or no handler took them "+
		"in time", "deliveries", total, "destinations", slices.Sorted(maps.Keys(r.resent)),
		"stale_after", r.staleAfter())
	clear(r.resent)
	r.loggedResentAt = now
}

func (r *Requeuer) staleAfter() time.Duration {
	if r.StaleAfter <= 0 {
		return 5 * time.Minute
	}
	return r.StaleAfter
}

// report logs the outcome of a pass through failing: a failure, unless
// ctx's end caused it, and the first pass that works after failures.
func (r *Requeuer) report(ctx context.Context, failing *throttle.Failures, err error) {
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil:
		if ok, run := failing.Failed(r.now()); ok {
			r.Log.Error("requeuing due deliveries failed, retrying at each interval",
				"error", err, "failed_passes", run.Count, "failing_since", run.Since)
		}
	default:
		if ok, run := failing.Recovered(); ok {
			r.Log.Info("requeuing due deliveries recovered", "failed_passes", run.Count,
				"failed_for", r.now().Sub(run.Since).Round(time.Millisecond))
		}
	}
}

func (r *Requeuer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// leftBefore records what has left the outbox by now, given w, what
// waits there, and returns the time before which queued commands left
// the outbox at least StaleAfter ago: those of a mark StaleAfter old.
// Commands queued before the oldest one still waiting have left, less
// outboxClockMargin; with none waiting, all have. The first pass has no
// such mark, and takes what has left by now to have left StaleAfter ago.
func (r *Requeuer) leftBefore(now time.Time, w bus.Waiting) time.Time {
	left := now
	if oldest := w.Oldest.Add(-outboxClockMargin); w.Messages > 0 && oldest.Before(now) {
		left = oldest
	}
	cutoff := now.Add(-r.staleAfter())
	if len(r.left) == 0 {
		seed := outboxMark{at: cutoff, left: cutoff}
		if left.Before(cutoff) {
			seed.left = left
		}
		r.left = append(r.left, seed)
	}
	r.left = append(r.left, outboxMark{at: now, left: left})
	// Keep the newest mark at or before the cutoff, which the first one
	// is, and those after it; older ones are of no more use.
	i := 0
	for i+1 < len(r.left) && !r.left[i+1].at.After(cutoff) {
		i++
	}
	r.left = r.left[i:]
	return r.left[0].left
}

// Pass queues one batch of due deliveries and returns how many. It counts
// those whose command went stale for Run to log, so only one goroutine
// may call it at a time.
func (r *Requeuer) Pass(ctx context.Context) (int, error) {
	now := r.now()
	staleBefore := now.Add(-r.staleAfter())
	if r.Outbox != nil {
		w, err := r.Outbox(ctx)
		if err != nil {
			return 0, fmt.Errorf("reading the outbox: %w", err)
		}
		staleBefore = r.leftBefore(now, w)
	}
	var resent []string
	outgoing := r.Outgoing
	if outgoing != nil {
		outgoing = func(d journal.Delivery) journal.Outgoing {
			if !d.QueuedAt.IsZero() {
				resent = append(resent, d.Destination)
			}
			return r.Outgoing(d)
		}
	}
	n, err := r.Store.Requeue(ctx, now, staleBefore, r.batch(), outgoing)
	if n > 0 {
		r.Log.Debug("requeued due deliveries", "count", n)
	}
	if err == nil && len(resent) > 0 {
		if r.resent == nil {
			r.resent = map[string]int{}
		}
		for _, dest := range resent {
			r.resent[dest]++
		}
	}
	return n, err
}

func (r *Requeuer) batch() int {
	if r.Batch <= 0 {
		return 500
	}
	return r.Batch
}

// NewOutgoing returns the function that builds the bus message commanding
// a delivery, on the shard of its destination that its case maps to.
// shards returns a destination's shard count, its concurrency. Each
// command has its own watermill UUID, so a delivery queued twice is two
// messages on the bus.
func NewOutgoing(shards func(destination string) int) func(journal.Delivery) journal.Outgoing {
	return func(d journal.Delivery) journal.Outgoing {
		return Outgoing(d, shards(d.Destination))
	}
}

// Outgoing returns the bus message that commands delivery d, on the shard
// of d's destination, of n, that d's case maps to.
func Outgoing(d journal.Delivery, n int) journal.Outgoing {
	return journal.Outgoing{
		Topic: Topic(d.Destination, Shard(d.CaseKey, n)),
		Message: NewMessage(Command{
			DeliveryID: d.ID, MessageID: d.MessageID,
			Destination: d.Destination, CaseKey: d.CaseKey,
		}),
	}
}
