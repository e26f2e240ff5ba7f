package hub

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// pendingTimeout bounds the journal read that counts the pending
// deliveries at start and at stop, so that a journal that does not
// respond delays neither by more than this.
const pendingTimeout = 5 * time.Second

// pendingCount is the number of pending deliveries in the journal, by
// destination, or the error that kept them from being counted.
type pendingCount struct {
	total int
	// byDestination is "name=count" for each destination with any,
	// joined by commas.
	byDestination string
	err           error
}

// countPending counts the pending deliveries in the journal. On
// PostgreSQL the count covers every replica's deliveries.
func (h *Hub) countPending(ctx context.Context) pendingCount {
	ctx, cancel := context.WithTimeout(ctx, pendingTimeout)
	defer cancel()
	backlog, err := h.backend.store.Backlog(ctx)
	if err != nil {
		return pendingCount{err: err}
	}
	var count pendingCount
	var byDestination []string
	for _, b := range backlog {
		if b.Pending == 0 {
			continue
		}
		count.total += b.Pending
		byDestination = append(byDestination, fmt.Sprintf("%s=%d", b.Destination, b.Pending))
	}
	count.byDestination = strings.Join(byDestination, ",")
	return count
}

// logResumed logs the deliveries that were pending before the hub
// served: those a crash or kill left unfinished, and on PostgreSQL also
// those that other running replicas are delivering or have yet to. It
// logs nothing when none was pending.
func (h *Hub) logResumed(count pendingCount) {
	if count.err != nil {
		h.cfg.Log.Warn("counting the pending deliveries at start failed; they are resumed all the same",
			"error", count.err)
		return
	}
	if count.total == 0 {
		return
	}
	h.cfg.Log.Info("deliveries pending in the journal at start, which this replica and any "+
		"other running replicas deliver", "pending_deliveries", count.total,
		"by_destination", count.byDestination)
}

// stoppedAttrs returns the log attributes of the "hub stopped" line:
// the number of deliveries left pending for the next start, per
// destination, or the error that kept them from being counted.
func (count pendingCount) stoppedAttrs() []any {
	switch {
	case count.err != nil:
		return []any{"pending_deliveries_error", count.err}
	case count.total == 0:
		return []any{"pending_deliveries", 0}
	}
	return []any{"pending_deliveries", count.total, "by_destination", count.byDestination}
}
