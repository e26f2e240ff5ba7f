// Package orderreply checks, as an ingest enricher, the court order that
// a prison's movement names in in_reply_to. An admission, court
// production out or return, or release may name the hub_message_id of
// the committal order, production warrant or release order it carries
// out, which the hub sent to the prison. The hub keeps that id as the
// movement's correlation id and writes it on the movement it forwards,
// so an id that names no such order would link the movement to the
// wrong record. The order's prisoner must be the movement's, and each
// order is carried out once by a movement of each kind: see Claims.
package orderreply

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleInReplyTo is the violation rule of a movement whose in_reply_to
// is not the hub_message_id of a journaled court order for the
// movement's prisoner of the kind that the movement carries out. The
// prisons adapter gives the same rule to in_reply_to on a movement that
// carries out no court order.
const RuleInReplyTo = "in-reply-to"

// Orders checks a movement's in_reply_to against the court orders in
// the journal. Its field is set once before use.
type Orders struct {
	// Journal contains the court orders the hub received. Required.
	Journal journal.Store
}

// Enrich implements ingest.Enricher. It returns an error wrapping a
// *schemas.ValidationError at the correlation id when a movement's
// correlation id names no journaled message or a message other than a
// court order. It returns the same kind of error for an order of another
// kind than the one the movement carries out (see prisons.OrderCarriedOut).
// So it does for an order to another prison than the one the movement
// names, and for an order for another prisoner (see otherPrisoner). A
// movement whose release ground or court differs from the order's gets
// a violation at that field (see otherTerms).
//
// Other messages, and movements without a correlation id, pass
// unchanged. A journal failure returns an error of another kind.
func (o *Orders) Enrich(ctx context.Context, m *canonical.Message) error {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil || m.CorrelationID == "" {
		return nil
	}
	want, ok := prisons.OrderCarriedOut(mv.Kind)
	if !ok {
		// The prisons adapter rejects in_reply_to on such a movement.
		return nil
	}

	id := m.CorrelationID
	prison := mv.Prisoner.PrisonCode
	fix := fmt.Sprintf("give the hub_message_id of the %s that this %s carries out, "+
		"as the hub sent it to prison %s, or leave in_reply_to out", want, mv.Kind, prison)
	j, err := o.Journal.Journey(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		return invalid("in_reply_to %q is not the hub_message_id of any message the hub "+
			"received: %s", id, fix)
	}
	if err != nil {
		return fmt.Errorf("reading the court order %s that a %s replies to: %w", id, mv.Kind, err)
	}

	order := j.Message.CourtOrder
	switch {
	case j.Message.Type != canonical.TypeCourtOrder || order == nil:
		return invalid("in_reply_to %q is the hub_message_id of %s %s message, not of a court "+
			"order: %s", id, article(string(j.Message.Type)), j.Message.Type, fix)
	case order.Kind != want:
		return invalid("in_reply_to %q names a %s, but %s %s carries out %s %s: %s",
			id, order.Kind, article(string(mv.Kind)), mv.Kind, article(string(want)), want, fix)
	case order.Prisoner.PrisonCode != prison:
		return invalid("in_reply_to %q names a %s to prison %s, not to prison %s, which "+
			"the movement names: %s", id, order.Kind, order.Prisoner.PrisonCode, prison, fix)
	}
	if mismatch := otherPrisoner(order, mv); mismatch != "" {
		return invalid("in_reply_to %q is not an order for the prisoner of this %s: %s: %s",
			id, mv.Kind, mismatch, fix)
	}
	if vs := otherTerms(id, order, mv); len(vs) > 0 {
		return schemas.Invalid(vs...)
	}
	return nil
}

// article returns the indefinite article of word, a movement or order
// kind: "an" before a vowel, as in "an admission", and "a" otherwise.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// invalid returns the validation error at the correlation id, which the
// prisons adapter points at in_reply_to.
func invalid(format string, args ...any) error {
	return schemas.Invalid(schemas.Violation{
		Pointer: "/correlation_id", Rule: RuleInReplyTo, Message: fmt.Sprintf(format, args...),
	})
}
