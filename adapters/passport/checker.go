package passport

import (
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Rules of the passport checks that JSON Schema cannot express, as they
// appear in schemas.Violation.Rule. The jsondoc.Rule constants name the
// rules every JSON adapter shares.
const (
	ruleCheckDigit  = "mrz-check-digit"  // an MRZ check digit that does not match its field
	ruleMRZDate     = "mrz-date"         // an MRZ date that is no calendar date
	ruleMRZFormat   = "mrz-format"       // MRZ lines of the wrong count, length or characters
	ruleMRZMatch    = "mrz-mismatch"     // an MRZ field that contradicts the application
	ruleMRZPassport = "mrz-not-passport" // an MRZ whose document code is not a passport's
	ruleFresh       = "fresh"            // an old passport on a fresh application
	ruleCases       = "cases"            // cases on a report that is not adverse
	ruleDueRange    = "range"            // a due date more than MaxDueDays after the request
)

// MaxDueDays is the most days a request's due date may fall after the
// day it was made, and the longest deadline that serve's
// --verification-deadline-days takes. A later due date would put the
// request's escalation off for more than a year.
const MaxDueDays = 365

// dateTimeExample is the date-time that the message about an invalid
// one offers.
const dateTimeExample = "2025-09-30T11:20:00+05:30"

// checker maps one document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the input.
type checker struct {
	jsondoc.Checker
	// mapped is the request the checker mapped, nil for a report.
	mapped *canonical.VerificationRequest
}

func newChecker(cfg jsondoc.Config) *checker {
	return &checker{Checker: jsondoc.Checker{Config: cfg, DateTimeExample: dateTimeExample}}
}

func canonicalCases(cs []jsondoc.CaseRef) []canonical.CaseRef {
	var out []canonical.CaseRef
	for _, k := range cs {
		out = append(out, k.Canonical())
	}
	return out
}
