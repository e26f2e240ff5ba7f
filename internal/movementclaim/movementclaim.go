// Package movementclaim keeps one report of each prisoner movement in
// the journal. A prison that sends a movement again under a new message
// id, such as a release re-entered after its system restarted, would
// otherwise give the police and the court a second notice of the same
// release. It is an ingest claimer.
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
// the same kind, at the same instant.
const RuleMovementExists = "movement-exists"

// ClaimMovement is the kind of journal claim that a movement holds,
// keyed as Key makes it.
const ClaimMovement = "prisoner-movement"

// Key returns the claim key of a movement: prison code, prisoner
// number, kind and the instant in microseconds since the Unix epoch, as
// the journal stores a message's time.
func Key(prisonCode, number string, kind canonical.MovementKind, at time.Time) string {
	return fmt.Sprintf("%s/%s/%s/%d", prisonCode, number, kind, at.UnixMicro())
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
// and a time claims that event.
func (c *Movements) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	key, ok := KeyOf(m)
	if !ok {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimMovement, Key: key}}, nil
}

// KeyOf returns the claim key of movement m, and false when m is no
// movement with a prisoner number and a time, which claims nothing. The
// time is the movement's, or the message's when the movement has none.
func KeyOf(m *canonical.Message) (string, bool) {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil || mv.Prisoner.Number == "" {
		return "", false
	}
	at := mv.At
	if at.IsZero() {
		at = m.OccurredAt
	}
	if at.IsZero() {
		return "", false
	}
	return Key(mv.Prisoner.PrisonCode, mv.Prisoner.Number, mv.Kind, at), true
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at /prisoner_movement/at that names the report journaled before.
func (c *Movements) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := c.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading movement %s: %w", claimed.Holder, err)
	}
	mv := m.Movement
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/prisoner_movement/at", Rule: RuleMovementExists,
		Message: fmt.Sprintf("the %s of prisoner %s of %s at %s was reported before, as hub "+
			"message %s (sender message id %s): resend that report with its own message id, or "+
			"correct the time", mv.Kind, mv.Prisoner.Number, mv.Prisoner.PrisonCode,
			mv.At.Format(time.RFC3339), j.MessageID, j.SenderMessageID),
	}}}}
}
