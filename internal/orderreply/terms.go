package orderreply

import (
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// productionCourtEnd names, for each movement that carries out a
// production warrant, the end of the movement that is the court: the
// escort goes to it and returns from it. A production warrant requires
// the prisoner before the court that issued it.
var productionCourtEnd = map[canonical.MovementKind]string{
	canonical.MoveCourtProductionOut:    "to",
	canonical.MoveCourtProductionReturn: "from",
}

// otherTerms returns a violation for each field of movement mv that
// states the order's terms otherwise than order, the court order with
// hub id id that mv carries out. A release gives the release order's
// ground, and a production out or return names as its court the court
// that issued the production warrant. A field that either leaves out
// is not compared.
func otherTerms(id string, order *canonical.CourtOrder, mv *canonical.Movement) []schemas.Violation {
	var vs []schemas.Violation
	if mv.Kind == canonical.MoveRelease && order.ReleaseGround != "" &&
		mv.ReleaseGround != "" && mv.ReleaseGround != order.ReleaseGround {
		vs = append(vs, schemas.Violation{
			Pointer: "/prisoner_movement/release_ground", Rule: RuleInReplyTo,
			Message: fmt.Sprintf("release_ground is %s, but in_reply_to %q names a release_order "+
				"on the ground of %s: give release_ground %s, or the hub_message_id of the release "+
				"order this release carries out", mv.ReleaseGround, id, order.ReleaseGround,
				order.ReleaseGround),
		})
	}
	end, ok := productionCourtEnd[mv.Kind]
	if !ok || order.Court.Code == "" {
		return vs
	}
	court := mv.To
	if end == "from" {
		court = mv.From
	}
	if court.Kind == canonical.LocationCourt && court.Code != "" && court.Code != order.Court.Code {
		vs = append(vs, schemas.Violation{
			Pointer: "/prisoner_movement/" + end + "/code", Rule: RuleInReplyTo,
			Message: fmt.Sprintf("%[1]s.code is court %[2]s, but in_reply_to %[3]q names a "+
				"production_warrant of court %[4]s, before which the prisoner is produced: give "+
				"%[1]s.code %[4]s, or the hub_message_id of the production_warrant this %[5]s "+
				"carries out", end, court.Code, id, order.Court.Code, mv.Kind),
		})
	}
	return vs
}
