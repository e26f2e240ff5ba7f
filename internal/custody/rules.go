package custody

import (
	"slices"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// history is a new movement among the prisoner's journaled movements.
type history struct {
	self     event
	prisoner canonical.Prisoner
	// events are the journaled movements, oldest first, without a
	// report of self.
	events []event
	// last is the latest movement before self, and next the earliest
	// after it; nil when there is none.
	last, next *event
}

// check compares mv with events, the prisoner's journaled movements
// oldest first.
func check(mv *canonical.Movement, events []event) error {
	// Claims keep microseconds; a report of the same movement again is
	// left to internal/movementclaim, which names it a duplicate.
	self := event{kind: mv.Kind, at: time.UnixMicro(mv.At.UnixMicro())}
	events = slices.DeleteFunc(events, func(e event) bool { return e.kind == self.kind && e.at.Equal(self.at) })
	h := &history{self: self, prisoner: mv.Prisoner, events: events}
	for i, e := range events {
		switch {
		case e.at.Before(self.at):
			h.last = &events[i]
		case e.at.After(self.at) && h.next == nil:
			h.next = &events[i]
		}
	}

	rules := []func() error{h.afterDeath, h.notInCustody, h.arrivalWhileHeld, h.arrivalBeforeArrival,
		h.returnWithoutOut, h.movementBeforeReturn}
	for _, rule := range rules {
		if err := rule(); err != nil {
			return err
		}
	}
	return nil
}

// afterDeath rejects a second death, a movement after a death, and a
// death dated before a journaled movement.
func (h *history) afterDeath() error {
	self, p := h.self, h.prisoner
	for _, e := range h.events {
		if e.kind == canonical.MoveDeath && (self.kind == canonical.MoveDeath || e.at.Before(self.at)) {
			// A prisoner dies once, and nothing follows.
			return conflict(RuleAfterDeath, "prisoner %s of %s died at %s (hub message %s): no "+
				"movement follows, and no other death", p.Number, p.PrisonCode,
				e.at.Format(time.RFC3339), e.messageID)
		}
	}
	if self.kind == canonical.MoveDeath && h.next != nil {
		return conflict(RuleAfterDeath, "the %s of prisoner %s of %s at %s (hub message %s) comes "+
			"after this death: correct the time", h.next.kind, p.Number, p.PrisonCode,
			h.next.at.Format(time.RFC3339), h.next.messageID)
	}
	return nil
}

// notInCustody rejects a movement of a prisoner who left custody, and a
// departure dated before a journaled movement of the same custody.
func (h *history) notInCustody() error {
	self, last, next, p := h.self, h.last, h.next, h.prisoner
	switch {
	case findAt(h.events, self.at, startsCustody...) != nil:
		// An admission at this instant may come first, whatever the
		// neighbours are.
	case slices.Contains(needsCustody, self.kind) && last != nil &&
		custodyAfter(h.events, last.at) == gone:
		return conflict(RuleNotInCustody, "prisoner %s left the custody of %s by %s at %s (hub "+
			"message %s), and no admission or transfer in comes between: report that first, and "+
			"send this again", p.Number, p.PrisonCode, last.kind, last.at.Format(time.RFC3339),
			last.messageID)
	case slices.Contains(endsCustody, self.kind) && next != nil &&
		slices.Contains(needsCustody, next.kind) && findAt(h.events, next.at, startsCustody...) == nil:
		// The prisoner would have left before a recorded movement of
		// the same custody.
		return conflict(RuleNotInCustody, "the %s of prisoner %s of %s at %s (hub message %s) comes "+
			"after this %s with no admission between: the prisoner was still held then; correct "+
			"the time", next.kind, p.Number, p.PrisonCode, next.at.Format(time.RFC3339),
			next.messageID, self.kind)
	}
	return nil
}

// arrivalWhileHeld rejects an admission or transfer in of a prisoner
// the prison holds.
func (h *history) arrivalWhileHeld() error {
	self, last, p := h.self, h.last, h.prisoner
	// A departure at this instant may come first: a prisoner released
	// and re-arrested at the gate.
	if !slices.Contains(startsCustody, self.kind) || last == nil ||
		findAt(h.events, self.at, endsCustody...) != nil || custodyAfter(h.events, last.at) != held {
		return nil
	}
	return conflict(RuleAlreadyInCustody, "prisoner %s of %s is held after the %s at %s (hub "+
		"message %s), and no release, escape or transfer out comes between: report that "+
		"first, and send this again, or report a prisoner back from court, hospital, parole "+
		"or furlough by the return", p.Number, p.PrisonCode, last.kind,
		last.at.Format(time.RFC3339), last.messageID)
}

// arrivalBeforeArrival rejects an admission or transfer in dated before
// a journaled one with no departure between.
func (h *history) arrivalBeforeArrival() error {
	self, next, p := h.self, h.next, h.prisoner
	if !slices.Contains(startsCustody, self.kind) || next == nil ||
		findAt(h.events, next.at, endsCustody...) != nil {
		return nil
	}
	// Before the first admission the journal holds, this may be of an
	// earlier custody.
	earlier := slices.ContainsFunc(h.events, func(e event) bool {
		return e.at.Before(self.at) && slices.Contains(startsCustody, e.kind)
	})
	later := findAt(h.events, next.at, startsCustody...)
	// A departure at this instant may come after this arrival.
	withSelf := append(slices.Clone(h.events), self)
	if !earlier || later == nil || custodyAfter(withSelf, self.at) != held {
		return nil
	}
	return conflict(RuleAlreadyInCustody, "the %s of prisoner %s of %s at %s (hub message %s) "+
		"comes after this %s with no release, escape or transfer out between: the prisoner "+
		"was held then; correct the time", later.kind, p.Number, p.PrisonCode,
		later.at.Format(time.RFC3339), later.messageID, self.kind)
}

// returnWithoutOut rejects a return whose out is not the latest
// movement before it.
func (h *history) returnWithoutOut() error {
	self, last, p := h.self, h.last, h.prisoner
	// The out may be at this instant or the one before, in any order
	// there.
	out, ok := outOfReturn[self.kind]
	if !ok || last == nil || findAt(h.events, self.at, out) != nil || findAt(h.events, last.at, out) != nil {
		return nil
	}
	return conflict(RuleReturnWithoutOut, "the last movement of prisoner %s of %s before this %s "+
		"is the %s at %s (hub message %s), not a %s: report the %s first, and send this again, "+
		"or correct the kind", p.Number, p.PrisonCode, self.kind, last.kind,
		last.at.Format(time.RFC3339), last.messageID, out, out)
}

// movementBeforeReturn rejects a movement dated between a journaled
// return and its out, other than that out.
func (h *history) movementBeforeReturn() error {
	self, next, p := h.self, h.next, h.prisoner
	if next == nil {
		return nil
	}
	for _, e := range h.events {
		out, ok := outOfReturn[e.kind]
		if !ok || !e.at.Equal(next.at) || self.kind == out {
			continue
		}
		if findAt(h.events, self.at, out) == nil && findAt(h.events, next.at, out) == nil {
			return conflict(RuleReturnWithoutOut, "the %s of prisoner %s of %s at %s (hub message "+
				"%s) comes after this %s, with no %s between: correct the time or the kind",
				e.kind, p.Number, p.PrisonCode, e.at.Format(time.RFC3339), e.messageID, self.kind, out)
		}
	}
	return nil
}

// custodyState is the prison's custody of a prisoner after an instant:
// unknown, held or gone.
type custodyState int

const (
	// unknown is the state when the order of an admission and a
	// departure at the instant is unknown, and nothing comes before.
	unknown custodyState = iota
	// held is the state of a prisoner inside or out for a while.
	held
	// gone is the state of a prisoner who left by release, escape or
	// transfer out.
	gone
)

// custodyAfter returns the custody state after the movements of events
// at t. The custody before t decides their order. A prisoner
// held before t who leaves and is admitted at t was re-arrested, so is
// held. One out before t who is admitted and leaves at t is out again.
func custodyAfter(events []event, t time.Time) custodyState {
	arrives := findAt(events, t, startsCustody...) != nil
	departs := findAt(events, t, endsCustody...) != nil
	switch {
	case !departs:
		return held
	case !arrives:
		return gone
	}
	var before *event
	for i, e := range events {
		if e.at.Before(t) && (before == nil || e.at.After(before.at)) {
			before = &events[i]
		}
	}
	if before == nil {
		return unknown
	}
	return custodyAfter(events, before.at)
}

// findAt returns the first movement of events at t of one of kinds, or
// nil. Movements at one instant come in no known order, so it is any
// such movement.
func findAt(events []event, t time.Time, kinds ...canonical.MovementKind) *event {
	for i, e := range events {
		if e.at.Equal(t) && slices.Contains(kinds, e.kind) {
			return &events[i]
		}
	}
	return nil
}
