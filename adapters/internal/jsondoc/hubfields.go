package jsondoc

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the envelope members that an agency's document may not carry.
const (
	// RuleHubOnly is the rule of a member that only the hub sets, on the
	// documents it sends.
	RuleHubOnly = "hub-only"
	// RuleInReplyTo is the rule of in_reply_to on a document that
	// replies to no message.
	RuleInReplyTo = "in-reply-to"
)

// hubFields are the envelope members that the hub writes on the
// documents it sends, with what each contains. The agencies' schemas
// allow them, because the hub's documents are checked against the same
// schemas, but the hub sets them itself on what an agency posts: a value
// the agency gave would be dropped or replaced without a word.
var hubFields = []struct{ name, contains string }{
	{"hub_message_id", "its own id of a message, which it returns in its response to the post"},
	{"source_agency", "the agency it received a message from, which is the agency the post names"},
}

// CheckHubFields returns a violation of rule RuleHubOnly for each
// envelope member among members, the names of the members of a posted
// document, that only the hub sets: hub_message_id and source_agency.
func CheckHubFields(members []string) []schemas.Violation {
	var violations []schemas.Violation
	for _, f := range hubFields {
		if slices.Contains(members, f.name) {
			violations = append(violations, schemas.Violation{
				Pointer: "/" + f.name, Rule: RuleHubOnly,
				Message: fmt.Sprintf("only the hub sets %s, %s: leave %s out", f.name, f.contains, f.name),
			})
		}
	}
	return violations
}

// InReplyToViolation returns the violation of in_reply_to on a document
// that replies to no message. subject names the document, such as
// "document_type fir", and repliers names the documents that set
// in_reply_to, and to what.
func InReplyToViolation(subject, repliers string) schemas.Violation {
	return schemas.Violation{
		Pointer: "/in_reply_to", Rule: RuleInReplyTo,
		Message: fmt.Sprintf("%s replies to no message, so in_reply_to means nothing on it: "+
			"leave in_reply_to out (%s)", subject, repliers),
	}
}

// Members returns the names of the members of body, one JSON object
// that CheckWellFormed accepted, in sorted order.
func Members(body []byte) []string {
	var object map[string]skippedValue
	if err := json.Unmarshal(body, &object); err != nil {
		return nil
	}
	names := make([]string, 0, len(object))
	for name := range object {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// skippedValue is a JSON value that Members reads past without copying
// it, because Members runs on every posted document.
type skippedValue struct{}

// UnmarshalJSON ignores data.
func (*skippedValue) UnmarshalJSON([]byte) error { return nil }
