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
	// name describes a journaled movement in a conflict message.
	name func(e *event) string
}

// check compares mv with events, the prisoner's journaled movements
// oldest first, and names a journaled movement in a conflict by name.
func check(mv *canonical.Movement, events []event, name func(e *event) string) error {
	// Claims keep microseconds. A report of the same movement again, of
	// the same kind less than a second apart, is left to
	// internal/movementclaim, which names it a duplicate.
	self := event{kind: mv.Kind, at: time.UnixMicro(mv.At.UnixMicro())}
	events = slices.DeleteFunc(events, func(e event) bool {
		return e.kind == self.kind && e.at.Sub(self.at).Abs() < time.Second
	})
	h := &history{self: self, prisoner: mv.Prisoner, events: events, name: name}
	for i, e := range events {
		switch {
		case e.at.Before(self.at):
			h.last = &events[i]
		case e.at.After(self.at) && h.next == nil:
			h.next = &events[i]
		}
	}

	rules := []func() error{h.afterDeath, h.sameInstant, h.notInCustody, h.arrivalWhileHeld, h.returnWithoutOut}
	for _, rule := range rules {
		if err := rule(); err != nil {
			return err
		}
	}
	return nil
}

// afterDeath rejects a second death, a movement after a death, and a
// death dated before a journaled movement. No movement that a prison
// missed can come between a death and a later movement, so the last
// rule cannot block a true movement.
func (h *history) afterDeath() error {
	self, p := h.self, h.prisoner
	for i, e := range h.events {
		if e.kind == canonical.MoveDeath && (self.kind == canonical.MoveDeath || e.at.Before(self.at)) {
			return conflict(RuleAfterDeath, "the %s reports that prisoner %s of %s died: no "+
				"movement follows, and no other death", h.name(&h.events[i]), p.Number, p.PrisonCode)
		}
	}
	if self.kind == canonical.MoveDeath && h.next != nil {
		return conflict(RuleAfterDeath, "prisoner %s of %s has a later movement, the %s, and "+
			"nothing follows a death: correct the time of this death", p.Number, p.PrisonCode,
			h.name(h.next))
	}
	return nil
}

// sameInstant rejects a departure, a death included, at the instant of
// another, and an admission or transfer in at the instant of another.
// In either order the second would find the prisoner gone, or held.
func (h *history) sameInstant() error {
	self, p := h.self, h.prisoner
	switch {
	case slices.Contains(departures, self.kind):
		e := findAt(h.events, self.at, departures...)
		if e == nil {
			return nil
		}
		rule := RuleNotInCustody
		if e.kind == canonical.MoveDeath {
			rule = RuleAfterDeath
		}
		return conflict(rule, "the %s already ends the custody of prisoner %s of %s at the "+
			"instant of this %s, and a prisoner leaves custody once: correct the time or the kind",
			h.name(e), p.Number, p.PrisonCode, self.kind)
	case slices.Contains(startsCustody, self.kind):
		e := findAt(h.events, self.at, startsCustody...)
		if e == nil {
			return nil
		}
		return conflict(RuleAlreadyInCustody, "the %s already brings prisoner %s into the "+
			"custody of %s at the instant of this %s, and a prisoner arrives once at one instant: "+
			"correct the time or the kind", h.name(e), p.Number, p.PrisonCode, self.kind)
	}
	return nil
}

// notInCustody rejects a movement of a prisoner who left custody, and
// names the departure that ended it.
func (h *history) notInCustody() error {
	self, last, p := h.self, h.last, h.prisoner
	// An admission at this instant may come first, whatever the
	// movements before are.
	if !slices.Contains(needsCustody, self.kind) || last == nil ||
		findAt(h.events, self.at, startsCustody...) != nil || custodyAfter(h.events, last.at) != gone {
		return nil
	}
	// The custody ends at last.at only by a departure there.
	left := findAt(h.events, last.at, endsCustody...)
	return conflict(RuleNotInCustody, "prisoner %s left the custody of %s by the %s, and no "+
		"admission or transfer in comes between: report that first, and send this again",
		p.Number, p.PrisonCode, h.name(left))
}

// arrivalWhileHeld rejects an admission or transfer in of a prisoner
// the prison holds. It names the movement after which the prison holds
// the prisoner: of a release and a re-arrest at one instant, the
// re-arrest.
func (h *history) arrivalWhileHeld() error {
	self, last, p := h.self, h.last, h.prisoner
	// A departure at this instant may come first: a prisoner released
	// and re-arrested at the gate.
	if !slices.Contains(startsCustody, self.kind) || last == nil ||
		findAt(h.events, self.at, endsCustody...) != nil || custodyAfter(h.events, last.at) != held {
		return nil
	}
	holding := last
	if findAt(h.events, last.at, endsCustody...) != nil {
		// Held after a departure at last.at only by an arrival there.
		holding = findAt(h.events, last.at, startsCustody...)
	}
	return conflict(RuleAlreadyInCustody, "prisoner %s of %s is held after the %s, and no "+
		"release, escape or transfer out comes between: report that first, and send this again, "+
		"or report a prisoner back from court, hospital, parole or furlough by the return",
		p.Number, p.PrisonCode, h.name(holding))
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
		"is the %s, not a %s: report the %s first, and send this again, or correct the kind",
		p.Number, p.PrisonCode, self.kind, h.name(last), out, out)
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
