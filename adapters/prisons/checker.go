package prisons

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
	ruleSection    = "section"    // not a section of the IPC or BNS
	ruleFuture     = "future"     // a date or time after now
	ruleChronology = "chronology" // events out of order, such as a release before admission
	ruleAadhaar    = "aadhaar"    // not a valid Aadhaar number
	ruleBlank      = "blank"      // a name of white space only
	ruleGround     = "ground"     // a release ground on something other than a release
)

// ist is India Standard Time, the zone of dates without a time.
var ist = time.FixedZone("IST", 5*3600+1800)

// checker maps one JSON document to canonical form and collects every
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
			"invalid date-time %q: want RFC 3339, such as 2025-10-03T09:30:00+05:30", s)
		return time.Time{}
	}
	if limit := c.cfg.Now().Add(c.cfg.ClockSkew); t.After(limit) {
		c.add(pointer, ruleFuture, "%s is in the future", s)
	}
	return t
}

// date parses a YYYY-MM-DD date at pointer as midnight in IST. It returns
// the zero time for an empty or invalid value. A past date, when
// pastOnly, must not be after today in IST.
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

// notBefore reports a chronology violation at pointer when later is
// before earlier, the value at earlierPointer. Zero times are unknown and
// pass.
func (c *checker) notBefore(
	pointer string,
	later time.Time,
	earlierPointer string,
	earlier time.Time,
) {
	if later.IsZero() || earlier.IsZero() || !later.Before(earlier) {
		return
	}
	c.add(pointer, ruleChronology, "%s is before %s, %s",
		later.Format(time.RFC3339), earlierPointer, earlier.Format(time.RFC3339))
}

// prisoner maps the prisoner at pointer.
func (c *checker) prisoner(pointer string, p *prisoner) canonical.Prisoner {
	out := canonical.Prisoner{
		PrisonCode:    p.PrisonCode,
		PrisonName:    p.PrisonName,
		Number:        p.Number,
		BookingNumber: p.BookingNumber,
		Person:        c.person(ptr(pointer, "person"), &p.Person),
		Status:        canonical.CustodyStatus(p.CustodyStatus),
		StatusDetail:  p.StatusDetail,
		AdmittedAt:    c.dateTime(ptr(pointer, "admitted_at"), p.AdmittedAt),
		Housing:       p.Housing,
		Alerts:        p.Alerts,
	}
	for _, k := range p.Cases {
		out.Cases = append(out.Cases, canonicalCase(k))
	}
	for i, ch := range p.Charges {
		at := ptr(pointer, "charges", i)
		if ch.Section != "" {
			if err := canonical.CheckSection(ch.Act, ch.Section); err != nil {
				c.add(ptr(at, "section"), ruleSection, "%v", err)
			}
		}
		out.Charges = append(out.Charges, canonical.Charge{
			Sequence: i + 1, Act: ch.Act, Section: ch.Section,
			OffenseID: ch.OffenceCode, Description: ch.Description,
		}.WithEquivalent())
	}
	return out
}

func canonicalCase(k caseRef) canonical.CaseRef {
	out := canonical.CaseRef{CNR: k.CNR}
	if k.FIR != nil {
		f := canonicalFIR(*k.FIR)
		out.FIR = &f
	}
	if k.Court != nil {
		out.Court = canonicalCourt(*k.Court)
	}
	return out
}

func canonicalFIR(f firRef) canonical.FIRRef {
	return canonical.FIRRef{
		State: f.State, District: f.District, PoliceStation: f.PoliceStation,
		Year: f.Year, Number: f.Number, NationalID: f.NationalID,
	}
}

func canonicalCourt(ct court) canonical.Court {
	return canonical.Court{Code: ct.EstablishmentCode, Name: ct.Name, District: ct.District}
}

func canonicalLocation(l *location) canonical.Location {
	if l == nil {
		return canonical.Location{}
	}
	return canonical.Location{Kind: canonical.LocationKind(l.Kind), Code: l.Code, Name: l.Name}
}
