package passport

import (
	"errors"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleHubOnly is the violation rule of a request's field that only the
// hub sets.
const RuleHubOnly = jsondoc.RuleHubOnly

// HubOnlyViolations returns a violation with rule RuleHubOnly at each
// field of r that only the hub sets on a request, sorted by pointer.
// These are the district office and station that the hub assigns by the
// PIN, the escalation it sends when the due date passes, the units that
// received the request, the records it matched and the request it
// replaces. The pointers are those of the canonical message. An
// escalated value of false, and an empty held_by or matches, count as
// left out.
func HubOnlyViolations(r *canonical.VerificationRequest) []schemas.Violation {
	var violations []schemas.Violation
	add := func(set bool, field, what string) {
		if set {
			violations = append(violations, schemas.Violation{
				Pointer: "/verification_request/" + field, Rule: RuleHubOnly,
				Message: "only the hub " + what + "; leave " + field + " out"})
		}
	}
	add(r.DistrictOffice != "", "district_office", "sets the district police office, from the PIN")
	add(r.Escalated, "escalated",
		"escalates a request, when its due date passes with no report")
	add(len(r.HeldBy) > 0, "held_by", "sets the police units that received the request")
	add(len(r.Matches) > 0, "matches", "sets the records it holds on the applicant")
	add(r.PoliceStation != "", "police_station",
		"sets the police station, from the present address's PIN")
	add(r.Replaces != "", "replaces", "sets the earlier request that a new one replaces")
	return violations
}

// addHubOnly adds to err, the error of decoding the document that c
// read, the violations of HubOnlyViolations on the request it mapped, at
// their pointers in the document. Decode cannot tell a passport office's
// request from one the hub sent on, which carries these fields, so the
// hub rejects them after Decode, on a request that is valid otherwise. A
// request that Decode rejects lists them too, so that the sender can
// correct every field at once.
func (c *checker) addHubOnly(err error) {
	var invalid *schemas.ValidationError
	if c.mapped == nil || !errors.As(err, &invalid) {
		return
	}
	var hubOnly []schemas.Violation
	for _, v := range HubOnlyViolations(c.mapped) {
		if p, ok := requestPointer(c.mapped, v.Pointer); ok {
			v.Pointer = p
			hubOnly = append(hubOnly, v)
		}
	}
	merged := schemas.Invalid(jsondoc.Merge(invalid.Violations, hubOnly)...)
	invalid.Violations = schemas.Violations(merged)
}
