package custody

import (
	"slices"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// check compares mv with events, the prisoner's journaled movements
// oldest first.
func check(mv *canonical.Movement, events []event) error {
	// Claims keep microseconds; a report of the same movement again is
	// left to internal/movementclaim, which names it a duplicate.
	self := event{kind: mv.Kind, at: time.UnixMicro(mv.At.UnixMicro())}
	events = slices.DeleteFunc(events, func(e event) bool { return e.kind == self.kind && e.at.Equal(self.at) })
	p := mv.Prisoner

	// The order of movements of one instant is not known: re-arrested
	// at the gate, or admitted and bailed in one minute, or released from
	// court. A neighbour at the same instant therefore rules nothing out,
	// and an admission at that instant may come before or after.
	var last, next *event
	arrival := false
	for i, e := range events {
		switch {
		case e.kind == canonical.MoveDeath && (self.kind == canonical.MoveDeath || e.at.Before(self.at)):
			// A prisoner dies once, and nothing follows.
			return conflict(RuleAfterDeath, "prisoner %s of %s died at %s (hub message %s): no "+
				"movement follows, and no other death", p.Number, p.PrisonCode,
				e.at.Format(time.RFC3339), e.messageID)
		case e.at.Before(self.at):
			last = &events[i]
		case e.at.After(self.at):
			if next == nil {
				next = &events[i]
			}
		case e.kind == canonical.MoveAdmission || e.kind == canonical.MoveTransferIn:
			arrival = true
		}
	}

	switch {
	case arrival:
		// An admission at this instant may come first, whatever the
		// neighbours are.
	case slices.Contains(needsCustody, self.kind) && last != nil && outAfter(events, last.at):
		return conflict(RuleNotInCustody, "prisoner %s left the custody of %s by %s at %s (hub "+
			"message %s), and no admission or transfer in comes between: report that first, and "+
			"send this again", p.Number, p.PrisonCode, last.kind, last.at.Format(time.RFC3339),
			last.messageID)
	case slices.Contains(endsCustody, self.kind) && next != nil && slices.Contains(needsCustody, next.kind) &&
		!arrivesAt(events, next.at):
		// The prisoner would have left before a recorded movement of
		// the same custody.
		return conflict(RuleNotInCustody, "the %s of prisoner %s of %s at %s (hub message %s) comes "+
			"after this %s with no admission between: the prisoner was still held then; correct "+
			"the time", next.kind, p.Number, p.PrisonCode, next.at.Format(time.RFC3339),
			next.messageID, self.kind)
	}
	return nil
}

// outAfter reports whether the prisoner is known to be out of custody
// after the movements of events at t. The custody before t decides their
// order. A prisoner held before t who leaves and is admitted at t was
// re-arrested, so is held. One out before t who is admitted and leaves
// at t is out again. With nothing known before t, outAfter reports false.
func outAfter(events []event, t time.Time) bool {
	arrives := arrivesAt(events, t)
	departs := slices.ContainsFunc(events, func(e event) bool {
		return e.at.Equal(t) && slices.Contains(endsCustody, e.kind)
	})
	switch {
	case !departs:
		return false
	case !arrives:
		return true
	}
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.at.Before(t) {
			// Out before t: admitted, then gone again at t.
			return slices.Contains(endsCustody, e.kind)
		}
	}
	return false
}

// arrivesAt reports whether an admission or transfer in of events is at
// t, which may come before or after the other movements at t.
func arrivesAt(events []event, t time.Time) bool {
	return slices.ContainsFunc(events, func(e event) bool {
		return e.at.Equal(t) && (e.kind == canonical.MoveAdmission || e.kind == canonical.MoveTransferIn)
	})
}
