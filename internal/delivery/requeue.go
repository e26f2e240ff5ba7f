package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
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
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// Run makes passes until ctx ends. A failed pass is logged and retried
// at the next interval.
func (r *Requeuer) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for {
			n, err := r.Pass(ctx)
			if err != nil {
				if ctx.Err() == nil {
					r.Log.Error("requeuing due deliveries failed", "error", err)
				}
				break
			}
			if n < r.batch() {
				break
			}
		}
	}
}

// Pass queues one batch of due deliveries and returns how many.
func (r *Requeuer) Pass(ctx context.Context) (int, error) {
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	stale := r.StaleAfter
	if stale <= 0 {
		stale = 5 * time.Minute
	}
	n, err := r.Store.Requeue(ctx, now, now.Add(-stale), r.batch(), r.Outgoing)
	if n > 0 {
		r.Log.Debug("requeued due deliveries", "count", n)
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
