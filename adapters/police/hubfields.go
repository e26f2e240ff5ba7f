package police

import (
	"slices"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/schemas"
)

// lateField is the member of a verification report that the hub sets
// from its request's due date.
const lateField = "late"

// checkHubFields returns a violation for each of members, the names of
// the members of a station's document of type docType, that only the
// hub sets (see jsondoc.CheckHubFields). It returns one for in_reply_to
// on a document other than a verification report, the only police
// document that replies to a message. It returns none for a type that a
// station does not send, which has its own violation.
func checkHubFields(docType string, members []string) []schemas.Violation {
	if _, ok := kinds[docType]; !ok && docType != docVerificationReport {
		return nil
	}
	violations := jsondoc.CheckHubFields(members)
	has := func(name string) bool { return slices.Contains(members, name) }
	switch {
	case docType == docVerificationReport && has(lateField):
		violations = append(violations, schemas.Violation{
			Pointer: "/" + lateField, Rule: jsondoc.RuleHubOnly,
			Message: "only the hub sets late, from the due date of the request the report " +
				"replies to: leave late out",
		})
	case docType != docVerificationReport && has("in_reply_to"):
		violations = append(violations, jsondoc.InReplyToViolation("document_type "+docType,
			"a verification_report sets it, to the hub_message_id of the request it replies to"))
	}
	return violations
}
