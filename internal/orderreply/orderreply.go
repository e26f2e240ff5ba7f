// Package orderreply checks, as an ingest enricher, the court order that
// a prison's movement names in in_reply_to. An admission, court
// production out or return, or release may name the hub_message_id of
// the committal order, production warrant or release order it carries
// out, which the hub sent to the prison. The hub keeps that id as the
// movement's correlation id and writes it on the movement it forwards,
// so an id that names no such order would link the movement to the
// wrong record.
package orderreply

import (
	"context"
	"errors"
	"fmt"

	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleInReplyTo is the violation rule of a movement whose in_reply_to
// is not the hub_message_id of a journaled court order to the movement's
// prison of the kind that the movement carries out. The prisons adapter
// gives the same rule to in_reply_to on a movement that carries out no
// court order.
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
// court order. It does so too for an order of another kind than the one
// the movement carries out (see prisons.OrderCarriedOut), and for an
// order to another prison than the one the movement names. Other
// messages, and movements without a correlation id, pass unchanged. A
// journal failure returns an error of another kind.
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
		return invalid("in_reply_to %q is the hub_message_id of a %s message, not of a court "+
			"order: %s", id, j.Message.Type, fix)
	case order.Kind != want:
		return invalid("in_reply_to %q names a %s, and a %s carries out a %s: %s",
			id, order.Kind, mv.Kind, want, fix)
	case order.Prisoner.PrisonCode != prison:
		return invalid("in_reply_to %q names a %s to prison %s, not to prison %s, which "+
			"the movement names: %s", id, order.Kind, order.Prisoner.PrisonCode, prison, fix)
	}
	return nil
}

// invalid returns the validation error at the correlation id, which the
// prisons adapter points at in_reply_to.
func invalid(format string, args ...any) error {
	return schemas.Invalid(schemas.Violation{
		Pointer: "/correlation_id", Rule: RuleInReplyTo, Message: fmt.Sprintf(format, args...),
	})
}
