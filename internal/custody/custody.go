// Package custody checks a prisoner movement against the movements of
// the same prisoner that the journal holds, as an ingest enricher.
// Nothing follows a death. A prisoner who left custody by release,
// escape or transfer is not released, produced or moved again before
// an admission. Nothing is dated before the prisoner's admission. The
// prisoner's movements are those that internal/movementclaim claimed,
// in every case.
package custody

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the conflicts History returns.
const (
	RuleAfterDeath      = "after-death"
	RuleNotInCustody    = "not-in-custody"
	RuleBeforeAdmission = "before-admission"
)

// needsCustody lists the movements that the prison can report only of a
// prisoner it holds, or whom it let out for a while and takes back.
var needsCustody = []canonical.MovementKind{
	canonical.MoveCourtProductionOut, canonical.MoveTransferOut, canonical.MoveHospitalOut,
	canonical.MoveParoleOut, canonical.MoveFurloughOut, canonical.MoveRelease, canonical.MoveEscape,
	canonical.MoveCourtProductionReturn, canonical.MoveHospitalReturn, canonical.MoveParoleReturn,
	canonical.MoveFurloughReturn,
}

// endsCustody lists the movements after which the prison holds the
// prisoner no longer, until an admission or a transfer in.
var endsCustody = []canonical.MovementKind{
	canonical.MoveRelease, canonical.MoveEscape, canonical.MoveTransferOut,
}

// History rejects a movement that the prisoner's journaled movements
// rule out. Its field is set once before use.
type History struct {
	// Journal holds the movements already journaled. Required.
	Journal journal.Store
}

// event is one journaled movement of the prisoner.
type event struct {
	kind      canonical.MovementKind
	at        time.Time
	messageID string
}

// Enrich implements ingest.Enricher for a movement with a prisoner
// number and a time. It returns an *ingest.ConflictError at
// /prisoner_movement/at naming the movement that rules it out.
func (h *History) Enrich(ctx context.Context, m *canonical.Message) error {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil || mv.Prisoner.Number == "" || mv.At.IsZero() {
		return nil
	}
	events, err := h.events(ctx, m)
	if err != nil {
		return err
	}
	// Claims keep microseconds; a report of the same movement again is
	// left to internal/movementclaim, which names it a duplicate.
	at := time.UnixMicro(mv.At.UnixMicro())
	events = slices.DeleteFunc(events, func(e event) bool { return e.kind == mv.Kind && e.at.Equal(at) })
	for _, e := range events {
		// A prisoner dies once, and nothing follows.
		if e.kind == canonical.MoveDeath && (!e.at.After(at) || mv.Kind == canonical.MoveDeath) {
			return conflict(RuleAfterDeath, "prisoner %s of %s died at %s (hub message %s): no "+
				"movement follows, and no other death", mv.Prisoner.Number, mv.Prisoner.PrisonCode,
				e.at.Format(time.RFC3339), e.messageID)
		}
	}
	if !slices.Contains(needsCustody, mv.Kind) {
		return nil
	}
	var last, next *event
	for i := range events {
		switch {
		case !events[i].at.After(at):
			last = &events[i]
		case next == nil:
			next = &events[i]
		}
	}
	switch {
	case slices.Contains(endsCustody, mv.Kind) && next != nil && slices.Contains(endsCustody, next.kind):
		// A release, escape or transfer dated before one the journal
		// holds, with no admission between, would have the prisoner
		// leave twice.
		return conflict(RuleNotInCustody, "prisoner %s left the custody of %s by %s at %s (hub "+
			"message %s), after this %s with no admission between: the prisoner leaves once",
			mv.Prisoner.Number, mv.Prisoner.PrisonCode, next.kind, next.at.Format(time.RFC3339),
			next.messageID, mv.Kind)
	case last != nil && slices.Contains(endsCustody, last.kind):
		return conflict(RuleNotInCustody, "prisoner %s left the custody of %s by %s at %s (hub "+
			"message %s), and no admission or transfer in follows: report that first",
			mv.Prisoner.Number, mv.Prisoner.PrisonCode, last.kind, last.at.Format(time.RFC3339),
			last.messageID)
	case last == nil && len(events) > 0 && events[0].kind == canonical.MoveAdmission:
		return conflict(RuleBeforeAdmission, "the %s at %s is before the admission of prisoner "+
			"%s at %s (hub message %s): correct the time", mv.Kind, mv.At.Format(time.RFC3339),
			mv.Prisoner.Number, events[0].at.Format(time.RFC3339), events[0].messageID)
	}
	return nil
}

// events returns the journaled movements of m's prisoner, oldest first,
// from the claims that internal/movementclaim gives each movement, so
// that the movements of every case of the prisoner count. At one instant
// a departure comes before an arrival: a prisoner released and
// re-arrested at the gate is in custody after both.
func (h *History) events(ctx context.Context, m *canonical.Message) ([]event, error) {
	p := m.Movement.Prisoner
	prefix := movementclaim.PrisonerPrefix(p.PrisonCode, p.Number)
	claims, err := h.Journal.ClaimsUnder(ctx, movementclaim.ClaimMovement, prefix)
	if err != nil {
		return nil, fmt.Errorf("reading the movements of prisoner %s of %s: %w", p.Number, p.PrisonCode, err)
	}
	var events []event
	for _, c := range claims {
		kind, at, ok := movementclaim.ParseKey(c.Key, prefix)
		if !ok {
			continue
		}
		events = append(events, event{kind: kind, at: at, messageID: c.Holder})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return departureFirst(a.kind) - departureFirst(b.kind)
	})
	return events, nil
}

// departureFirst orders movements of one instant: those that take the
// prisoner out before the others.
func departureFirst(k canonical.MovementKind) int {
	if slices.Contains(needsCustody, k) {
		return 0
	}
	return 1
}

func conflict(rule, format string, args ...any) error {
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/prisoner_movement/at", Rule: rule, Message: fmt.Sprintf(format, args...),
	}}}}
}
