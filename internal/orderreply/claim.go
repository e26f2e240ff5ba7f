package orderreply

import (
	"context"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleOrderCarriedOut is the violation rule of a movement whose
// in_reply_to names a court order that a journaled movement of the same
// kind already carried out.
const RuleOrderCarriedOut = "order-carried-out"

// ClaimOrderCarriedOut is the kind of journal claim, keyed by
// CarriedOutKey, that a movement replying to a court order takes.
const ClaimOrderCarriedOut = "court-order-carried-out"

// CarriedOutKey returns the key of the ClaimOrderCarriedOut claim of a
// movement of kind that carries out the court order with hub id orderID.
func CarriedOutKey(orderID string, kind canonical.MovementKind) string {
	return orderID + "/" + string(kind)
}

// Claims implements ingest.Claimer. A movement whose correlation id
// names the court order it carries out claims that order for its kind.
// So one admission carries out a committal order, one production out and
// one return a production warrant, and one release a release order. The
// hub accepts a resend of the movement under its message_id as a
// duplicate, which takes no claim.
//
// NOTE: movements journaled before this claim existed hold none, so an
// order that one of them carried out may be cited once more.
func (o *Orders) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil || m.CorrelationID == "" {
		return nil, nil
	}
	if _, ok := prisons.OrderCarriedOut(mv.Kind); !ok {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimOrderCarriedOut, Key: CarriedOutKey(m.CorrelationID, mv.Kind)}}, nil
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at the correlation id, which the prisons adapter points at
// in_reply_to, naming the movement that carried the order out before.
// The order went to one prison, which Enrich checks, so that movement
// came from the same prison and its ids reveal no other prison's record.
func (o *Orders) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := o.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading movement %s: %w", claimed.Holder, err)
	}
	mv := m.Movement
	want, _ := prisons.OrderCarriedOut(mv.Kind)
	first := ""
	if f := j.Message.Movement; f != nil {
		first = fmt.Sprintf(" of prisoner %s of %s at %s", journal.QuoteID(f.Prisoner.Number), f.Prisoner.PrisonCode,
			f.At.Format(time.RFC3339))
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/correlation_id", Rule: RuleOrderCarriedOut,
		Message: fmt.Sprintf("in_reply_to %s names a %s that the %s%s carried out before, as hub "+
			"message %s (sender message id %s): a court order is carried out by one movement "+
			"of each kind, so resend that report with its own message id, or correct in_reply_to",
			journal.QuoteID(m.CorrelationID), want, mv.Kind, first, j.MessageID,
			journal.QuoteID(j.SenderMessageID)),
	}}}}
}
