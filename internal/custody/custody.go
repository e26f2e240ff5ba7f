// Package custody checks a prisoner movement against the movements of
// the same prisoner that the journal holds, as an ingest guard.
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
// Movements at one instant come in no known order, so two of them pass
// when one of their orders breaks no rule. Such pairs are an arrival and
// a departure, as a release and a re-arrest at the gate, or an out and a
// death. Two departures at one instant, a death among them, and two
// admissions or transfers in are rejected, because in either order the
// second would find the prisoner gone, or held.
//
// A prison may report movements late and out of order, as when its link
// to the hub was down. So the rules look back from a new movement to
// the latest journaled one before it and to those at its instant, and
// only a death looks forward, because nothing comes after a death. A
// release dated before a journaled court production is accepted, since
// the admission between may still be reported, and so is an admission
// dated before a journaled one, or a movement between a journaled return
// and its out. While the journal holds only movements of a prisoner
// that happened, the earliest of the prisoner's other movements passes
// every rule (of several at that instant, at least one passes). So a
// prison that sends its backlog in date order gets every true movement
// accepted. A movement sent before an earlier one that it needs, such
// as an admission before the release that precedes it, is rejected
// with a request to report that one first, and passes once it is
// reported. In return, a movement wrongly dated before journaled ones
// is rejected only when it is a death, or breaks a rule with the
// movements before it or at its instant.
//
// A movement's admitted_at is checked in the document. The prisoner's
// movements are those that internal/movementclaim claimed, in every
// case.
//
// Each movement also takes a turn claim, numbered one past the
// prisoner's movements the check read, so the journal takes a
// prisoner's movements one at a time, each checked against every one
// taken before it. Of two movements of one prisoner checked at the same
// moment, on one replica or two, the second to reach the journal finds
// its turn taken and is checked again, against the first. The outcome
// is that of posting them one after the other in the order the journal
// took them.
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
	// RuleAfterDeath rejects a movement after a death, a second death,
	// a death dated before a journaled movement, and a departure at the
	// instant of a death.
	RuleAfterDeath = "after-death"
	// RuleNotInCustody rejects a movement of a prisoner who left
	// custody by release, escape or transfer out, and a departure or
	// death at the instant of a release, escape or transfer out.
	RuleNotInCustody = "not-in-custody"
	// RuleAlreadyInCustody rejects an admission or transfer in of a
	// prisoner the prison still holds, and one at the instant of
	// another.
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

// departures lists the movements that end the prison's custody, a
// death included. Two of them at one instant are rejected.
var departures = append(slices.Clip(endsCustody), canonical.MoveDeath)

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
// /prisoner_movement/at naming the journaled movement that rules it
// out: its kind, its time in the offset of the movement's time, its hub
// message id and its sender message id.
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
	names := &movementNames{journal: h.Journal, zone: m.Movement.At.Location()}
	if err := check(m.Movement, events, func(e *event) string { return names.name(ctx, e) }); err != nil {
		if names.err != nil {
			return nil, names.err
		}
		return nil, err
	}
	return []journal.Claim{turn}, nil
}

// movementNames names journaled movements in conflict messages.
type movementNames struct {
	journal journal.Store
	zone    *time.Location
	// err is the first failure to read a movement's message.
	err error
}

// name returns e's kind and time, in n.zone with its fraction of a
// second, and the hub's and the sender's ids of the message that
// reported it. The sender's id is the one a prison can look up in its
// own records. The time is the journaled message's, because the claim
// that e comes from keeps only microseconds. Each call reads the
// journal, which only a conflict costs.
func (n *movementNames) name(ctx context.Context, e *event) string {
	j, err := n.journal.Journey(ctx, e.messageID)
	if err != nil && n.err == nil {
		n.err = fmt.Errorf("reading movement %s: %w", e.messageID, err)
	}
	at := e.at
	if mv := j.Message.Movement; mv != nil && mv.At.UnixMicro() == e.at.UnixMicro() {
		at = mv.At
	}
	return fmt.Sprintf("%s at %s (hub message %s, sender message id %s)", e.kind,
		canonical.FormatTime(at.In(n.zone)), e.messageID, journal.QuoteID(j.SenderMessageID))
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
