// Package movementclaim keeps one report of each prisoner movement in
// the journal. A prison that sends a movement again under a new message
// id, such as a release re-entered after its system restarted, would
// otherwise give the police and the court a second notice of the same
// release. It is an ingest claimer and an ingest guard.
//
// Two reports of one kind of movement of one prisoner less than a second
// apart are one movement. A prison system may round or truncate a time
// differently when it sends a movement again.
package movementclaim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleMovementExists is the violation rule of a movement that the
// journal holds another report of: the same prisoner of the same prison,
// the same kind, less than a second apart.
const RuleMovementExists = "movement-exists"

// ClaimMovement is the kind of journal claim that a movement holds,
// keyed as Key makes it. Its key keeps the movement's instant to the
// microsecond, which internal/custody reads back.
const ClaimMovement = "prisoner-movement"

// ClaimMovementSecond is the kind of journal claim that a movement
// holds, keyed as SecondKey makes it, so that of two reports of one
// movement in the same second that arrive at once only one is journaled.
const ClaimMovementSecond = "prisoner-movement-second"

// Key returns the claim key of a movement: prison code, prisoner
// number, kind and the instant in microseconds since the Unix epoch, as
// the journal stores a message's time.
func Key(prisonCode, number string, kind canonical.MovementKind, at time.Time) string {
	return fmt.Sprintf("%s/%s/%s/%d", prisonCode, number, kind, at.UnixMicro())
}

// SecondKey returns the key of a movement's ClaimMovementSecond claim:
// prison code, prisoner number, kind and the instant in whole seconds
// since the Unix epoch, rounded down.
func SecondKey(prisonCode, number string, kind canonical.MovementKind, at time.Time) string {
	return fmt.Sprintf("%s/%s/%s/%d", prisonCode, number, kind, at.Unix())
}

// PrisonerPrefix returns the start of the claim keys of every movement
// of one prisoner of one prison, as Key makes them: neither a prison
// code nor a prisoner number holds a slash.
func PrisonerPrefix(prisonCode, number string) string {
	return prisonCode + "/" + number + "/"
}

// ParseKey returns the kind and instant of a movement's claim key under
// prefix, the key's PrisonerPrefix, and false when key is not one that
// Key makes.
func ParseKey(key, prefix string) (canonical.MovementKind, time.Time, bool) {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return "", time.Time{}, false
	}
	kind, micros, ok := strings.Cut(rest, "/")
	if !ok {
		return "", time.Time{}, false
	}
	n, err := strconv.ParseInt(micros, 10, 64)
	if err != nil {
		return "", time.Time{}, false
	}
	return canonical.MovementKind(kind), time.UnixMicro(n), true
}

// Movements rejects a second report of one movement. Its field is set
// once before use.
type Movements struct {
	// Journal contains the movements already journaled. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer: a movement with a prisoner number
// and a time claims that event, and the second it happened in.
func (c *Movements) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	key, ok := KeyOf(m)
	if !ok {
		return nil, nil
	}
	mv := m.Movement
	second := SecondKey(mv.Prisoner.PrisonCode, mv.Prisoner.Number, mv.Kind, instantOf(m))
	return []journal.Claim{{Kind: ClaimMovement, Key: key}, {Kind: ClaimMovementSecond, Key: second}}, nil
}

// Guard implements ingest.Guard. It rejects a movement less than a
// second from a journaled movement of the same kind of the same
// prisoner, with the *ingest.ConflictError that Reject returns. The
// ClaimMovementSecond claims catch a report in the same second as
// another, but a journal written before those claims existed holds
// ClaimMovement claims only, and two reports either side of a second's
// end take different claims. Guard reads the ClaimMovement claims, which
// every journaled movement holds, and claims nothing itself.
func (c *Movements) Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	if _, ok := KeyOf(m); !ok {
		return nil, nil
	}
	mv := m.Movement
	at := instantOf(m)
	prefix := PrisonerPrefix(mv.Prisoner.PrisonCode, mv.Prisoner.Number)
	claims, err := c.Journal.ClaimsUnder(ctx, ClaimMovement, prefix+string(mv.Kind)+"/")
	if err != nil {
		return nil, fmt.Errorf("reading the movements of prisoner %s of %s: %w",
			mv.Prisoner.Number, mv.Prisoner.PrisonCode, err)
	}
	var holder string
	closest := time.Second
	for _, claim := range claims {
		kind, journaled, ok := ParseKey(claim.Key, prefix)
		if !ok || kind != mv.Kind {
			continue
		}
		if gap := journaled.Sub(at).Abs(); gap < closest {
			holder, closest = claim.Holder, gap
		}
	}
	if holder == "" {
		return nil, nil
	}
	return nil, c.Reject(ctx, m, &journal.ClaimedError{Claim: journal.Claim{Kind: ClaimMovement}, Holder: holder})
}

// KeyOf returns the claim key of movement m, and false when m is no
// movement with a prisoner number and a time, which claims nothing. The
// time is the movement's, or the message's when the movement has none.
func KeyOf(m *canonical.Message) (string, bool) {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil || mv.Prisoner.Number == "" {
		return "", false
	}
	at := instantOf(m)
	if at.IsZero() {
		return "", false
	}
	return Key(mv.Prisoner.PrisonCode, mv.Prisoner.Number, mv.Kind, at), true
}

// instantOf returns the time of movement m, or the message's when the
// movement has none.
func instantOf(m *canonical.Message) time.Time {
	if at := m.Movement.At; !at.IsZero() {
		return at
	}
	return m.OccurredAt
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at /prisoner_movement/at that names the report journaled before and
// its time, in the offset of m's time, to the microsecond.
func (c *Movements) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := c.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading movement %s: %w", claimed.Holder, err)
	}
	mv := m.Movement
	at := instantOf(m)
	first := at
	if j.Message.Movement != nil {
		first = instantOf(&j.Message).In(at.Location())
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/prisoner_movement/at", Rule: RuleMovementExists,
		Message: fmt.Sprintf("the %s of prisoner %s of %s at %s was reported before, at %s, as hub "+
			"message %s (sender message id %s), and reports of one kind less than a second apart "+
			"are one movement: resend that report with its own message id, or correct the time",
			mv.Kind, journal.QuoteID(mv.Prisoner.Number), mv.Prisoner.PrisonCode,
			at.Format(time.RFC3339Nano), first.Format(time.RFC3339Nano), j.MessageID,
			journal.QuoteID(j.SenderMessageID)),
	}}}}
}
