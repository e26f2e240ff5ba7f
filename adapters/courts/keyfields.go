package courts

import (
	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// keyFields are the fields that a court needs unchanged in a filing.
var keyFields = map[canonical.Type][]adapters.KeyField{
	canonical.TypeChargesheet: {
		{Path: "chargesheet.court.code",
			Reason: "the court system dockets the filing in the establishment that the code " +
				"names, and the CNR it assigns begins with that code"},
		{Path: "chargesheet.fir",
			Reason: "the court returns the FIR in its docketing callback, by which the hub files " +
				"the court's registration under the case and the police station's notification " +
				"names it"},
		{Path: "chargesheet.accused[].charged",
			Reason: "the filing names only the charged accused as defendants, and a court " +
				"rejects a chargesheet that names none"},
		{Path: "chargesheet.tracking_id",
			Reason: "the court returns the tracking id of a case without an FIR in its docketing " +
				"callback, and the notification of the court's registration names the case by it"},
	},
}

// KeyFields returns the fields of messages of type t that a court needs
// unchanged. It implements adapters.KeyFields.
func (a *Adapter) KeyFields(t canonical.Type) []adapters.KeyField {
	return keyFields[t]
}
