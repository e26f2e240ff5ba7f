package passport

import (
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Rules of the passport checks that JSON Schema cannot express, as they
// appear in schemas.Violation.Rule. The jsondoc.Rule constants name the
// rules every JSON adapter shares.
const (
	ruleCheckDigit = "mrz-check-digit" // an MRZ check digit that does not match its field
	ruleMRZDate    = "mrz-date"        // an MRZ date that is no calendar date
	ruleMRZFormat  = "mrz-format"      // MRZ lines of the wrong count, length or characters
	ruleMRZMatch   = "mrz-mismatch"    // an MRZ field that contradicts the application
	ruleFresh      = "fresh"           // an old passport on a fresh application
	ruleCases      = "cases"           // cases on a report that is not adverse
)

// redactedAadhaar replaces an Aadhaar value that is not a valid number,
// so that not even a mistyped number is kept.
const redactedAadhaar = "XXXXXXXXXXXX"

// dateTimeExample is the date-time that the message about an invalid
// one offers.
const dateTimeExample = "2025-09-30T11:20:00+05:30"

// checker maps one document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the input.
type checker struct {
	jsondoc.Checker
}

func newChecker(cfg jsondoc.Config) *checker {
	return &checker{Checker: jsondoc.Checker{Config: cfg, DateTimeExample: dateTimeExample}}
}

func (c *checker) names(pointer string, ns []name) []canonical.Name {
	if ns == nil {
		return nil
	}
	out := make([]canonical.Name, len(ns))
	for i, n := range ns {
		out[i] = canonical.NormalizeName(canonical.Name{
			Full: n.Full, Given: n.Given, Middle: n.Middle, Family: n.Family,
			Initials: n.Initials, Script: n.Script,
		})
		if out[i].Full == "" && n.Full != "" {
			c.Add(jsondoc.Pointer(pointer, i, "full"), jsondoc.RuleBlank, "name is only white space")
		}
	}
	return out
}

// identifier maps the identifier at pointer. An Aadhaar number that is
// already masked is kept with its token. A clear one must be valid, and
// it is masked under the adapter's key, in id as well.
func (c *checker) identifier(pointer string, id *identifier) canonical.Identifier {
	out := canonical.Identifier{Type: id.Type, Value: id.Number, Issuer: id.Issuer, Token: id.Token}
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Number) {
		return out
	}
	c.Masked = true
	masked, err := canonical.MaskAadhaar(id.Number, c.Config.AadhaarKey)
	if err != nil {
		// The error names no digits, so the violation can be logged.
		c.Add(jsondoc.Pointer(pointer, "number"), jsondoc.RuleAadhaar, "%v", err)
		id.Number = redactedAadhaar
		return canonical.Identifier{Type: id.Type, Value: redactedAadhaar, Issuer: id.Issuer}
	}
	masked.Issuer = id.Issuer
	id.Number, id.Token = masked.Value, masked.Token
	return masked
}

func canonicalCases(cs []caseRef) []canonical.CaseRef {
	var out []canonical.CaseRef
	for _, k := range cs {
		ref := canonical.CaseRef{CNR: k.CNR}
		if k.FIR != nil {
			ref.FIR = &canonical.FIRRef{
				State: k.FIR.State, District: k.FIR.District, PoliceStation: k.FIR.PoliceStation,
				Year: k.FIR.Year, Number: k.FIR.Number, NationalID: k.FIR.NationalID,
			}
		}
		if k.Court != nil {
			ref.Court = canonical.Court{
				Code: k.Court.EstablishmentCode, Name: k.Court.Name, District: k.Court.District,
			}
		}
		out = append(out, ref)
	}
	return out
}
