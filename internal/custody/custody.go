// Package custody checks a prisoner movement against the movements of
// the same prisoner that the journal holds, as an ingest enricher.
//
// Nothing follows a death. A prisoner who left custody by release,
// escape or transfer is not released, produced, moved or reported dead
// before an admission or transfer in: a prison reports the death of a
// prisoner it holds or has out for a while, as in hospital. A prisoner
// the prison holds, inside or out at court, in hospital, on parole or on
// furlough, is not admitted or transferred in again before a release,
// escape or transfer out. A prisoner who overstays parole or furlough
// comes back by the return, or by an admission after an escape.
//
// A return follows its own out: a court production return comes after
// a court production out, not after a hospital out or an admission. A
// prisoner who is out may move on from there, as from court to
// hospital, and the return then matches the latest out. The court may
// also release the prisoner, by bail at court, and a prisoner who is
// out may escape or die there.
//
// A newly reported movement dated before journaled ones must not break
// these rules for them either. So no journaled movement of the same
// custody comes after a newly reported departure, and no journaled
// admission after a newly reported one without a departure between.
// No journaled return comes after a newly reported movement other than
// its out, and nothing after a newly reported death.
//
// Movements at one instant come in no known order, so a neighbour at
// the same instant rules nothing out. A movement dated before all the
// journaled movements may be of an earlier custody that the hub never
// heard of, so only the movements after it can rule it out, and an
// admission after an admission does not. Its own admitted_at is checked
// in the document. Nor does an admission rule out an admission or
// transfer in dated before the first one the journal holds. The
// prisoner's movements are those that internal/movementclaim claimed,
// in every case.
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
	// RuleAlreadyInCustody rejects an admission or transfer in of a
	// prisoner the prison still holds.
	RuleAlreadyInCustody = "already-in-custody"
	// RuleReturnWithoutOut rejects a return whose out is not the
	// prisoner's latest movement before it.
	RuleReturnWithoutOut = "return-without-out"
)

// needsCustody lists the movements that the prison can report only of a
// prisoner it holds, or whom it let out for a while and takes back.
var needsCustody = []canonical.MovementKind{
	canonical.MoveCourtProductionOut, canonical.MoveTransferOut, canonical.MoveHospitalOut,
	canonical.MoveParoleOut, canonical.MoveFurloughOut, canonical.MoveRelease, canonical.MoveEscape,
	canonical.MoveCourtProductionReturn, canonical.MoveHospitalReturn, canonical.MoveParoleReturn,
	canonical.MoveFurloughReturn, canonical.MoveDeath,
}

// endsCustody lists the movements after which the prison holds the
// prisoner no longer, until an admission or a transfer in.
var endsCustody = []canonical.MovementKind{
	canonical.MoveRelease, canonical.MoveEscape, canonical.MoveTransferOut,
}

// startsCustody lists the movements that make the prison hold the
// prisoner.
var startsCustody = []canonical.MovementKind{canonical.MoveAdmission, canonical.MoveTransferIn}

// outOfReturn maps each return to the out it ends.
var outOfReturn = map[canonical.MovementKind]canonical.MovementKind{
	canonical.MoveCourtProductionReturn: canonical.MoveCourtProductionOut,
	canonical.MoveHospitalReturn:        canonical.MoveHospitalOut,
	canonical.MoveParoleReturn:          canonical.MoveParoleOut,
	canonical.MoveFurloughReturn:        canonical.MoveFurloughOut,
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
