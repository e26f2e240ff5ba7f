package journal

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Scheduler is the part of the journal that decides when each delivery is
// tried. The journal, not the bus, is the record of what is due: a
// delivery command on the bus only wakes a handler, which reads the
// delivery's state before acting. Retries therefore wait in the journal
// instead of in a handler, and a bus that loses or repeats a command can
// delay a delivery but never lose or double it.
//
// Every delivery is in one of these states:
//
//   - queued: a command for it is on the bus (Accept and Requeue publish
//     one and set QueuedAt);
//   - waiting: pending, not queued, due at NextAttemptAt;
//   - settled: delivered or dead.
//
// Deliveries of one case to one destination are sent in the order the
// journal created them: a delivery is blocked while an earlier one of
// the same case and destination is pending.
type Scheduler interface {
	// Defer makes a pending delivery wait until at without recording an
	// attempt, for example while the destination's circuit breaker is
	// open or an earlier delivery of the same case blocks it. It clears
	// the queued mark. Deferring a settled delivery returns ErrSettled.
	Defer(ctx context.Context, deliveryID string, at time.Time) error

	// Requeue publishes a command for up to limit deliveries that are
	// pending, due at now (NextAttemptAt not after now), not blocked, and
	// either not queued or queued before staleBefore (a command that was
	// lost or whose handler died). It marks them queued at now and
	// publishes outgoing(d) for each, in one transaction, oldest first,
	// and returns how many it queued. Replicas may call it at once; each
	// delivery is queued by one of them. The d passed to outgoing has no
	// attempts, and its QueuedAt is when its stale command was published,
	// zero when it had none.
	Requeue(ctx context.Context, now, staleBefore time.Time, limit int,
		outgoing func(Delivery) Outgoing) (int, error)

	// Expedite makes due at now every pending delivery that has at least
	// one attempt, is due later, and goes to one of destinations or
	// follows one of routes, and returns how many it changed. The hub
	// calls it when automatic retries are switched off, so that the
	// deliveries waiting for a retry are dead-lettered at the requeuer's
	// next pass instead of when they would have come due.
	Expedite(ctx context.Context, now time.Time, destinations, routes []string) (int, error)

	// Wake makes due at now every pending delivery to destination that
	// is due later, with or without attempts, and returns how many it
	// changed. The hub calls it when the destination's circuit breaker
	// closes. The deliveries the open breaker put off then go at the
	// requeuer's next pass, and so do the retries of attempts that failed
	// during the outage.
	Wake(ctx context.Context, now time.Time, destination string) (int, error)

	// DeadLetters returns dead deliveries matching f, newest first unless
	// f.OldestFirst is set.
	DeadLetters(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error)

	// Replay creates a pending delivery of a dead delivery's message to
	// the same destination and route, with ReplayOf set to the dead
	// delivery's id, and publishes outgoing(new) in the same transaction.
	// Unless force is set, a dead delivery that was replayed before is not
	// replayed again: Replay returns the earlier replay with Existing set.
	// With force and ForcedSince it does so only for a replay made at or
	// after ForcedSince.
	// Replaying a delivery that is not dead returns ErrNotDead, and one
	// whose destination ReplayRequest.Configured rejects returns an error
	// wrapping ErrDestinationRemoved.
	Replay(ctx context.Context, r ReplayRequest, outgoing func(Delivery) Outgoing) (Replayed, error)
}

// ErrNotDead is returned by Replay for a delivery that is pending or
// delivered.
var ErrNotDead = errors.New("delivery is not dead-lettered")

// ErrDestinationRemoved is returned by Replay for a dead delivery whose
// destination the routes in force no longer name, because its replay
// would be dead-lettered at once.
var ErrDestinationRemoved = errors.New("destination is not in the routes in force")

// DestinationRemovedError returns an error wrapping ErrDestinationRemoved
// that names destination and what to do before a replay.
func DestinationRemovedError(destination string) error {
	return fmt.Errorf("%w: destination %q; add it to the routes again before replaying its "+
		"dead letters", ErrDestinationRemoved, destination)
}

// DeadLetterFilter selects dead deliveries. Empty fields match all.
type DeadLetterFilter struct {
	Destination string
	Route       string
	// Reason matches deliveries whose reason contains it.
	Reason string
	// From and To bound the time the delivery died (its UpdatedAt), From
	// inclusive and To exclusive.
	From, To time.Time
	// Limit caps the results: DefaultLimit when zero, at most MaxLimit.
	Limit int
	// Unreplayed leaves out dead deliveries that were replayed before,
	// and those whose message reached the destination by the same route
	// in another delivery, such as a forced replay that died after an
	// earlier replay was delivered.
	Unreplayed bool
	// OnePerMessage leaves out a dead delivery when its message reached
	// the same destination by the same route in another delivery, or
	// when a later delivery of them is dead too, such as its replay that
	// died. Of a replay chain only the newest dead letter remains, so
	// replaying the results sends each message at most once to each
	// destination and route.
	OnePerMessage bool
	// OldestFirst orders the results by the time they died, oldest
	// first, instead of newest first.
	OldestFirst bool
	// Destinations, when not nil, selects only dead letters of these
	// destinations. An empty, non-nil slice selects none.
	Destinations []string
	// ExceptDestinations, when not nil, leaves out the dead letters of
	// these destinations.
	ExceptDestinations []string
	// After, when set, is the id of the last dead letter of the previous
	// page: the results are those that follow it in their order. A dead
	// delivery never changes, so paging this way returns each dead letter
	// once. DeadLetters returns an error wrapping ErrInvalid when After
	// is not the id of a dead delivery.
	After string
}

// EffectiveLimit returns f.Limit bounded as Query.EffectiveLimit does.
func (f DeadLetterFilter) EffectiveLimit() int { return Query{Limit: f.Limit}.EffectiveLimit() }

// DeadLetter is a dead delivery with the message it carried.
type DeadLetter struct {
	Delivery
	Source          string `json:"source"`
	SenderMessageID string `json:"sender_message_id"`
	Type            string `json:"type"`
	// Replays lists the ids of deliveries that replayed this one, oldest
	// first.
	Replays []string `json:"replays,omitempty"`
}

// AttachAttempts appends each attempt to the Attempts of the delivery
// in ds with its DeliveryID, in the order of attempts.
func AttachAttempts(ds []*Delivery, attempts []Attempt) {
	index := make(map[string]*Delivery, len(ds))
	for _, d := range ds {
		index[d.ID] = d
	}
	for _, a := range attempts {
		if d, ok := index[a.DeliveryID]; ok {
			d.Attempts = append(d.Attempts, a)
		}
	}
}

// AttachLetterAttempts is AttachAttempts for dead letters.
func AttachLetterAttempts(letters []DeadLetter, attempts []Attempt) {
	ds := make([]*Delivery, len(letters))
	for i := range letters {
		ds[i] = &letters[i].Delivery
	}
	AttachAttempts(ds, attempts)
}

// Deliveries returns pointers to the elements of ds, for AttachAttempts.
func Deliveries(ds []Delivery) []*Delivery {
	out := make([]*Delivery, len(ds))
	for i := range ds {
		out[i] = &ds[i]
	}
	return out
}

// ReplayRequest is the input of Replay: one new delivery.
type ReplayRequest struct {
	DeliveryID string
	// Force replays even when the delivery was replayed before.
	Force bool
	// ForcedSince, when set with Force, is when the filtered replay run
	// that asked started. A replay of the delivery created at or after
	// it, such as one made by the same run on another replica, is then
	// returned as existing instead of making another. The times come
	// from the replicas' clocks, so clock skew between them narrows or
	// widens this window.
	ForcedSince time.Time
	// NewID is the new delivery's id, chosen by the caller.
	NewID string
	// By names who asked, for the journal.
	By string
	// At is when the replay was requested.
	At time.Time
	// Configured, when not nil, reports whether the routes in force name
	// a destination. Replay rejects a delivery to a destination it
	// reports false for with an error wrapping ErrDestinationRemoved.
	Configured func(destination string) bool
}

// Replayed is Replay's result.
type Replayed struct {
	Delivery Delivery `json:"delivery"`
	// Existing is true when no new delivery was made because an earlier
	// replay exists.
	Existing bool `json:"existing"`
}
