package prisons

import (
	"fmt"
	"slices"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// ordersCarriedOut maps each kind of movement that carries out a court
// order to the kind of order it carries out. The hub sends a prison the
// order with its hub_message_id, and the movement may name that id in
// in_reply_to: the hub keeps it as the movement's correlation id and
// writes it on the movement it forwards.
var ordersCarriedOut = map[canonical.MovementKind]canonical.CourtOrderKind{
	canonical.MoveAdmission:             canonical.OrderCommittal,
	canonical.MoveCourtProductionOut:    canonical.OrderProductionWarrant,
	canonical.MoveCourtProductionReturn: canonical.OrderProductionWarrant,
	canonical.MoveRelease:               canonical.OrderRelease,
}

// OrderCarriedOut returns the kind of court order that a movement of
// kind carries out, whose hub_message_id the movement may name in
// in_reply_to, and false for a kind that carries out no order.
func OrderCarriedOut(kind canonical.MovementKind) (canonical.CourtOrderKind, bool) {
	order, ok := ordersCarriedOut[kind]
	return order, ok
}

// movementRepliers names the movements that may set in_reply_to, and
// to what.
const movementRepliers = "an admission, court_production_out, court_production_return or " +
	"release may set it to the hub_message_id of the committal_order, production_warrant or " +
	"release_order it carries out"

// checkMembers returns a violation for each of members, the names of the
// members of a prison's movement m, that only the hub sets (see
// jsondoc.CheckHubFields), and one for in_reply_to on a movement that
// carries out no court order. It returns none for a court order, which
// the hub sends and a prison does not, and which ingestion rejects when
// a prison posts one.
func checkMembers(m *canonical.Message, members []string) []schemas.Violation {
	if m.Type != canonical.TypeMovement || m.Movement == nil {
		return nil
	}
	violations := jsondoc.CheckHubFields(members)
	kind := m.Movement.Kind
	_, carriesOut := ordersCarriedOut[kind]
	if kind != "" && !carriesOut && slices.Contains(members, "in_reply_to") {
		violations = append(violations, jsondoc.InReplyToViolation(
			fmt.Sprintf("a movement of kind %s", kind), movementRepliers))
	}
	return violations
}
