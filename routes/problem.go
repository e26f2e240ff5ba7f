package routes

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sangam-hub/sangam/schemas"
)

// Problem is one broken rule of a routes document.
type Problem struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value in
	// the document's structure, such as "/destinations/0/url", or "" for
	// the whole document. A routes document is YAML, so a pointer names
	// the value that the same path reaches in the document's JSON form.
	// Indexes count from 0 in the document's lists, and a missing field
	// is reported at the pointer it would have.
	Pointer string `json:"pointer"`
	// Rule is one of the Rule constants.
	Rule string `json:"rule"`
	// Message describes the problem, naming the destination or route
	// and the field.
	Message string `json:"message"`
}

// String formats p as one line of an error: the pointer, unless p is
// about the whole document, the message and the rule.
func (p Problem) String() string {
	if p.Pointer == "" {
		return fmt.Sprintf("%s (%s)", p.Message, p.Rule)
	}
	return fmt.Sprintf("%s: %s (%s)", p.Pointer, p.Message, p.Rule)
}

// The rules a Problem names.
const (
	// RuleYAML: the document is not valid YAML. A syntax error has the
	// pointer "" and the line in the message, and a key that its
	// mapping repeats has the pointer of the later key.
	RuleYAML = "yaml"
	// RuleText: a character that makes the document display differently
	// from how the hub reads it, such as one that reorders text. There is
	// one problem for each line, and the message names the line. The
	// pointer is that of the field the line's first such character is in,
	// or that a comment follows on its line. It is "" for a comment on a
	// line of its own and when YAML cannot read the document.
	RuleText = "text"
	// RuleUnknownField: a key that the routes document does not have,
	// such as a misspelt field name.
	RuleUnknownField = "unknown-field"
	// RuleType: a value of the wrong type, such as text for a number, a
	// list for a text or an invalid duration.
	RuleType = "type"
	// RuleRequired: a missing field, or a list that must not be empty.
	RuleRequired = "required"
	// RuleName: a name that is not lowercase letters, digits, '.', '_'
	// or '-'.
	RuleName = "name"
	// RuleDuplicateName: an agency, destination or route whose name an
	// earlier entry of the same list has.
	RuleDuplicateName = "duplicate-name"
	// RuleSharedQueue marks a destination whose delivery queues would
	// have the name of another destination's (see QueueName).
	RuleSharedQueue = "shared-queue"
	// RuleURL: a destination url that is not an absolute http or https
	// URL with a host and a valid port.
	RuleURL = "url"
	// RuleRange: a number or duration out of its range.
	RuleRange = "range"
	// RulePoliceUnit: a destination's police_unit that is not a CCTNS
	// code of 1 to 32 capital letters, digits, '-' or '_'.
	RulePoliceUnit = "police-unit"
	// RuleCredentials: a credential or TLS setting that is invalid or
	// conflicts with another field, such as a url that contains
	// credentials or a destination with both bearer_token_file and
	// basic_auth.
	RuleCredentials = "credentials"
	// RuleAbsolutePath: a file path that is not absolute.
	RuleAbsolutePath = "absolute-path"
	// RuleFile: a file that a destination names is missing, unreadable
	// or invalid on the hub's machine. Only the hub can check this, when
	// a version is saved or put in force.
	RuleFile = "file"
	// RuleUnknownDestination: a route sends to a destination that the
	// document does not list.
	RuleUnknownDestination = "unknown-destination"
	// RuleUnknownAgency: an agency that the hub has no adapter for.
	RuleUnknownAgency = "unknown-agency"
	// RulePolicy: a destination's policy breaks a rule of policies, such
	// as a field path that the canonical model does not have.
	RulePolicy = "policy"
	// RulePolicyEncoding: a destination's policy removes or masks what
	// the destination agency's format needs, so a sample message of a
	// type the policy accepts encodes without the policy but not with
	// it. Only the hub can check this, with its adapters, when a version
	// is saved.
	RulePolicyEncoding = "policy-encoding"
	// RulePolicyKeyField: a destination's policy removes or masks a field
	// that the destination's receiver needs exactly as the hub holds it,
	// such as a file number it quotes back in its reply or a court code
	// it files on. The adapter of the destination's agency declares these
	// fields, and the hub checks them on sample messages when a version
	// is saved.
	RulePolicyKeyField = "policy-key-field"
	// RuleRouteEncoding: a route sends a sample message to a destination
	// whose agency's format cannot encode its type at all, such as an FIR
	// to a court, so every such delivery would end in dead letter. The
	// hub checks this with its adapters and sample messages when a
	// version is saved.
	RuleRouteEncoding = "route-encoding"
	// RuleCELSyntax: a route's condition does not parse as CEL.
	RuleCELSyntax = "cel-syntax"
	// RuleCELType: a route's condition does not type-check against the
	// canonical message, such as an unknown field, or its type is not
	// bool.
	RuleCELType = "cel-type"
	// RuleCELCost: a route's condition calls a function that conditions
	// may not call, or may cost more than MaxConditionCost.
	RuleCELCost = "cel-cost"
	// RuleCELProgram: a route's condition cannot be prepared for
	// evaluation, such as a constant regular expression that does not
	// compile.
	RuleCELProgram = "cel-program"
)

// InvalidError is every problem found in a routes document, or in the
// files its destinations name.
type InvalidError struct {
	problems []Problem
}

// Invalid returns an *InvalidError of problems sorted by pointer, or nil
// when there are none. When a problem is of RuleAadhaarLike, problems
// whose messages would show such a number in clear are left out (see
// withoutClearAadhaar).
func Invalid(problems ...Problem) error {
	if len(problems) == 0 {
		return nil
	}
	sorted := withoutClearAadhaar(slices.Clone(problems))
	sortByPointer(sorted)
	return &InvalidError{problems: sorted}
}

// sortByPointer sorts ps by pointer as schemas.SortByPointer sorts
// violations: array indexes compare as numbers, so /routes/2 comes
// before /routes/10, and problems at one pointer keep their order. A
// problem about the whole document, whose pointer is "", comes first.
func sortByPointer(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return schemas.ComparePointers(a.Pointer, b.Pointer)
	})
}

// Problems returns the problems, sorted by pointer.
func (e *InvalidError) Problems() []Problem { return slices.Clone(e.problems) }

// Error lists the problems, one a line.
func (e *InvalidError) Error() string {
	lines := make([]string, len(e.problems))
	for i, p := range e.problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Problems returns the problems of every *InvalidError in err's tree,
// such as the errors that errors.Join joined, sorted by pointer, or nil
// when it has none.
func Problems(err error) []Problem {
	switch e := err.(type) {
	case nil:
		return nil
	case *InvalidError:
		return e.Problems()
	case interface{ Unwrap() []error }:
		var out []Problem
		for _, inner := range e.Unwrap() {
			out = append(out, Problems(inner)...)
		}
		sortByPointer(out)
		return out
	default:
		return Problems(errors.Unwrap(err))
	}
}

// Pointer returns the JSON pointer (RFC 6901) of the reference tokens,
// each escaped.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// DestinationPointer returns the pointer of destination i's field,
// where field may be dotted, such as "tls.cert_file", or "" for the
// destination itself.
func DestinationPointer(i int, field string) string {
	return entryPointer("destinations", i, field)
}

// RoutePointer returns the pointer of route i's field, or "" for the
// route itself.
func RoutePointer(i int, field string) string { return entryPointer("routes", i, field) }

func routePointer(i int, field string) string { return RoutePointer(i, field) }

func entryPointer(list string, i int, field string) string {
	tokens := []string{list, strconv.Itoa(i)}
	if field != "" {
		tokens = append(tokens, strings.Split(field, ".")...)
	}
	return Pointer(tokens...)
}
