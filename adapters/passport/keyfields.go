package passport

import (
	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// keyFields are the fields that a police station needs unchanged in a
// request, and the passport office in a report.
var keyFields = map[canonical.Type][]adapters.KeyField{
	canonical.TypeVerificationRequest: {
		{Path: "verification_request.file_number",
			Reason: "the station quotes it in its verification report, and the hub accepts a " +
				"report only for the file number of a request it holds"},
		{Path: "verification_request.police_station",
			Reason: "the station's report names the station the request was assigned to, and " +
				"the hub rejects a report that names a station other than that one or its " +
				"district police office"},
		{Path: "verification_request.matches[].case",
			Reason: "an adverse report names the matched cases as the request gives them, by " +
				"FIR, CNR and court"},
	},
	canonical.TypeVerificationReport: {
		{Path: "verification_report.file_number",
			Reason: "the passport office files the report under the passport file number of " +
				"its request"},
	},
}

// KeyFields returns the fields of messages of type t that a station or
// the passport office needs unchanged. It implements adapters.KeyFields.
func (a *Adapter) KeyFields(t canonical.Type) []adapters.KeyField {
	return keyFields[t]
}
