package passport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the checks that JSON Schema cannot express, as they appear in
// schemas.Violation.Rule.
const (
	ruleFuture     = "future"          // a date or time after now
	ruleChronology = "chronology"      // dates out of order, such as a due date before the request
	ruleAadhaar    = "aadhaar"         // not a valid Aadhaar number
	ruleBlank      = "blank"           // a name of white space only
	ruleCheckDigit = "mrz-check-digit" // an MRZ check digit that does not match its field
	ruleMRZDate    = "mrz-date"        // an MRZ date that is no calendar date
	ruleMRZFormat  = "mrz-format"      // MRZ lines of the wrong count, length or characters
	ruleMRZMatch   = "mrz-mismatch"    // an MRZ field that contradicts the application
	ruleFresh      = "fresh"           // an old passport on a fresh application
	ruleCases      = "cases"           // cases on a report that is not adverse
)

// ist is India Standard Time, the zone of dates without a time.
var ist = time.FixedZone("IST", 5*3600+1800)

// redactedAadhaar replaces an Aadhaar value that is not a valid number,
// so that not even a mistyped number is kept.
const redactedAadhaar = "XXXXXXXXXXXX"

// checker maps one document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the input.
type checker struct {
	cfg        Config
	violations []schemas.Violation
	// masked is set when a clear Aadhaar number in the document was
	// replaced by its masked form.
	masked bool
}

func (c *checker) add(pointer, rule, format string, args ...any) {
	c.violations = append(c.violations, schemas.Violation{
		Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
	})
}

// ptr joins a JSON pointer from its reference tokens. Tokens are the
// document's own snake_case keys and array indexes, which need no
// escaping.
func ptr(tokens ...any) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		switch t := t.(type) {
		case int:
			b.WriteString(strconv.Itoa(t))
		case string:
			b.WriteString(strings.TrimPrefix(t, "/"))
		}
	}
	return b.String()
}

// dateTime parses an RFC 3339 date-time at pointer. It returns the zero
// time for an empty or invalid value, and reports invalid and future
// values.
func (c *checker) dateTime(pointer, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		c.add(pointer, "format",
			"invalid date-time %q: want RFC 3339, such as 2025-09-30T11:20:00+05:30", s)
		return time.Time{}
	}
	if limit := c.cfg.Now().Add(c.cfg.ClockSkew); t.After(limit) {
		c.add(pointer, ruleFuture, "%s is in the future", s)
	}
	return t
}

// date parses a YYYY-MM-DD date at pointer as midnight in IST. It returns
// the zero time for an empty or invalid value. When pastOnly is set, a
// date after today in IST is reported too.
func (c *checker) date(pointer, s string, pastOnly bool) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, ist)
	if err != nil {
		c.add(pointer, "format", "invalid date %q: want YYYY-MM-DD", s)
		return time.Time{}
	}
	y, m, d := c.cfg.Now().In(ist).Date()
	if today := time.Date(y, m, d, 0, 0, 0, 0, ist); pastOnly && t.After(today) {
		c.add(pointer, ruleFuture, "%s is in the future", s)
	}
	return t
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
			c.add(ptr(pointer, i, "full"), ruleBlank, "name is only white space")
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
	c.masked = true
	masked, err := canonical.MaskAadhaar(id.Number, c.cfg.AadhaarKey)
	if err != nil {
		// The error names no digits, so the violation can be logged.
		c.add(ptr(pointer, "number"), ruleAadhaar, "%v", err)
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
