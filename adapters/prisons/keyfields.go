package prisons

import (
	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// keyFields are the fields that a prison needs unchanged in a court
// order, and the receivers of a movement in the movement.
var keyFields = map[canonical.Type][]adapters.KeyField{
	canonical.TypeCourtOrder: {
		{Path: "court_order.prisoner.prison_code",
			Reason: "the order is addressed to the prison that the code names"},
		{Path: "court_order.prisoner.number",
			Reason: "the prison finds the prisoner by the prisoner number it assigned"},
		{Path: "court_order.case",
			Reason: "the prison records the order against the case it is made in, and the " +
				"prisoner's movements that the prison reports name that case, by which the hub " +
				"routes them to the case's police station"},
	},
	canonical.TypeMovement: {
		{Path: "prisoner_movement.prisoner.prison_code",
			Reason: "the receiver knows the prisoner by the prison's code and the prisoner " +
				"number, which a court's later orders about the prisoner name"},
		{Path: "prisoner_movement.prisoner.number",
			Reason: "the receiver knows the prisoner by the prison's code and the prisoner " +
				"number, which a court's later orders about the prisoner name"},
	},
}

// KeyFields returns the fields of messages of type t that a prison, or a
// receiver of prisoner movements, needs unchanged. It implements
// adapters.KeyFields.
func (a *Adapter) KeyFields(t canonical.Type) []adapters.KeyField {
	return keyFields[t]
}
