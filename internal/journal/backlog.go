package journal

import "time"

// Backlog is the deliveries of one destination that wait: the pending
// ones and the dead letters.
type Backlog struct {
	Destination string `json:"-"`
	// Pending is the number of the destination's pending deliveries.
	Pending int `json:"pending"`
	// Retrying is the number of pending deliveries with at least one
	// attempt, which wait for a retry.
	Retrying int `json:"retrying"`
	// OldestPendingAt is the CreatedAt of the oldest pending delivery,
	// or the zero time when none is pending.
	OldestPendingAt time.Time `json:"oldest_pending_at,omitzero"`
	// DeadLetters is the number of dead deliveries that
	// DeadLetterFilter.Unreplayed selects: those without a replay whose
	// message did not reach the destination by the same route in another
	// delivery.
	DeadLetters int `json:"dead_letters"`
}
