package police

import (
	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// keyFields are the fields that a police station needs unchanged in the
// documents it receives.
var keyFields = map[canonical.Type][]adapters.KeyField{
	canonical.TypeFIR: {
		{Path: "fir.ref", Reason: firReason("FIR")},
	},
	canonical.TypeArrest: {
		{Path: "arrest.fir", Reason: firReason("arrest memo")},
	},
	canonical.TypeChargesheet: {
		{Path: "chargesheet.fir", Reason: firReason("final report")},
	},
	canonical.TypeCourtRegistration: {
		{Path: "court_registration.fir", Reason: firReason("court's registration")},
		{Path: "court_registration.tracking_id",
			Reason: "the notification names a case without an FIR by the tracking id of its " +
				"filing, the only name the station has for that case"},
		{Path: "court_registration.cnr",
			Reason: "the CNR is the court's number for the case, which the station records to " +
				"name the case to the court from then on"},
	},
}

// firReason returns the reason a station needs the FIR reference of a
// document unchanged.
func firReason(document string) string {
	return "the station files the " + document + " under the case's FIR reference (state, " +
		"district, station, year and number), which names the case in every document about " +
		"it and makes the hub's case key"
}

// KeyFields returns the fields of messages of type t that a station needs
// unchanged. It implements adapters.KeyFields.
func (a *Adapter) KeyFields(t canonical.Type) []adapters.KeyField {
	return keyFields[t]
}
