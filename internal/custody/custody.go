// Package custody checks a prisoner movement against the movements of
// the same prisoner that the journal holds, as an ingest enricher.
// Nothing follows a death. A prisoner who left custody by release,
// escape or transfer is not released, produced or moved again before
// an admission, and no movement of the custody the journal holds comes
// after a newly reported departure. A movement dated before the first
// admission the journal holds passes: it may be of an earlier custody
// that the hub never heard of, and its own admitted_at is checked in
// the document. The prisoner's movements are those that
// internal/movementclaim claimed, in every case.
//
// The check is an ingest guard. Each movement also takes a turn claim,
// numbered one past the prisoner's movements the check read. Of two
// movements of one prisoner checked at the same moment, on one replica
// or two, the second to reach the journal finds its turn taken and is
// checked again, against the first.
package custody

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the conflicts History returns.
const (
	RuleAfterDeath   = "after-death"
	RuleNotInCustody = "not-in-custody"
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

// ClaimTurn is the kind of journal claim that numbers the movements of
// one prisoner of one prison in the order the journal took them. Its key
// is the prisoner's movementclaim.PrisonerPrefix followed by the number.
const ClaimTurn = "prisoner-movement-turn"

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

// Guard implements ingest.Guard for a movement that claims its event
// (see movementclaim.KeyOf). It returns the movement's turn claim, or,
// when the movement has a time, an *ingest.ConflictError at
// /prisoner_movement/at naming the journaled movement just before or
// just after it that rules it out.
func (h *History) Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	if _, ok := movementclaim.KeyOf(m); !ok {
		return nil, nil
	}
	events, journaled, err := h.events(ctx, m)
	if err != nil {
		return nil, err
	}
	p := m.Movement.Prisoner
	turn := journal.Claim{Kind: ClaimTurn,
		Key: movementclaim.PrisonerPrefix(p.PrisonCode, p.Number) + strconv.Itoa(journaled+1)}
	if m.Movement.At.IsZero() {
		return []journal.Claim{turn}, nil
	}
	if err := check(m.Movement, events); err != nil {
		return nil, err
	}
	return []journal.Claim{turn}, nil
}

// events returns the journaled movements of m's prisoner, oldest first,
// from the claims that internal/movementclaim gives each movement, so
// that the movements of every case of the prisoner count, and the number
// of those claims.
func (h *History) events(ctx context.Context, m *canonical.Message) ([]event, int, error) {
	p := m.Movement.Prisoner
	prefix := movementclaim.PrisonerPrefix(p.PrisonCode, p.Number)
	claims, err := h.Journal.ClaimsUnder(ctx, movementclaim.ClaimMovement, prefix)
	if err != nil {
		return nil, 0, fmt.Errorf("reading the movements of prisoner %s of %s: %w", p.Number, p.PrisonCode, err)
	}
	var events []event
	for _, c := range claims {
		kind, at, ok := movementclaim.ParseKey(c.Key, prefix)
		if !ok {
			continue
		}
		events = append(events, event{kind: kind, at: at, messageID: c.Holder})
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	return events, len(claims), nil
}

func conflict(rule, format string, args ...any) error {
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/prisoner_movement/at", Rule: rule, Message: fmt.Sprintf(format, args...),
	}}}}
}
