package police

import (
	"fmt"
	"slices"

	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the members of a station's document that the hub sets, or
// that mean nothing on its type.
const (
	// ruleHubOnly is the rule of a member that only the hub sets, on the
	// documents it sends. It is the rule that passport verification
	// requests get for such fields too.
	ruleHubOnly = "hub-only"
	// ruleInReplyTo is the rule of in_reply_to on a document that
	// replies to no message.
	ruleInReplyTo = "in-reply-to"
)

// hubFields are the members that the hub writes on the documents it
// sends, with what each holds. The schemas allow them, because the hub's
// documents are checked against the same schemas, but the hub sets them
// itself on what a station posts: a value the station gave would be
// dropped or replaced without a word.
var hubFields = []struct{ name, holds string }{
	{"hub_message_id", "its own id of a message, which it returns in its answer to the post"},
	{"source_agency", "the agency it received a message from, which is the agency the post names"},
}

// lateField is the member of a verification report that the hub sets
// from its request's due date.
const lateField = "late"

// checkHubFields returns a violation for each of members, the names of
// the members of a station's document of type docType, that only the
// hub sets. It returns one for in_reply_to on a document other than a
// verification report, the only police document that replies to a
// message. It returns none for a type that a station does not send,
// which has its own violation.
func checkHubFields(docType string, members []string) []schemas.Violation {
	if _, ok := kinds[docType]; !ok && docType != docVerificationReport {
		return nil
	}
	var violations []schemas.Violation
	has := func(name string) bool { return slices.Contains(members, name) }
	for _, f := range hubFields {
		if has(f.name) {
			violations = append(violations, schemas.Violation{
				Pointer: "/" + f.name, Rule: ruleHubOnly,
				Message: fmt.Sprintf("only the hub sets %s, %s: leave %s out", f.name, f.holds, f.name),
			})
		}
	}
	switch {
	case docType == docVerificationReport && has(lateField):
		violations = append(violations, schemas.Violation{
			Pointer: "/" + lateField, Rule: ruleHubOnly,
			Message: "only the hub sets late, from the due date of the request the report " +
				"replies to: leave late out",
		})
	case docType != docVerificationReport && has("in_reply_to"):
		violations = append(violations, schemas.Violation{
			Pointer: "/in_reply_to", Rule: ruleInReplyTo,
			Message: fmt.Sprintf("document_type %s replies to no message, so in_reply_to means "+
				"nothing on it: leave in_reply_to out (a verification_report sets it, to "+
				"the hub_message_id of the request it replies to)", docType),
		})
	}
	return violations
}
