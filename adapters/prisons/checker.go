package prisons

import (
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Rules of the prison checks that JSON Schema cannot express, as they
// appear in schemas.Violation.Rule. The jsondoc.Rule constants name the
// rules every JSON adapter shares.
const (
	ruleSection = "section" // not a section of the IPC or BNS
	ruleGround  = "ground"  // a release ground on something other than a release
	// rulePattern is the rule of a prison code with a lower-case letter,
	// which the pattern of schemas/prisons accepts because prisoner
	// numbers, which may be lower case, share it. A NIEM report's
	// document id outside printable ASCII gets it too.
	rulePattern = "pattern"
	// ruleMovementPrison is the rule of a movement's from or to prison
	// other than the prison that holds the prisoner, where the kind of
	// movement leaves or reaches that prison, of a transfer whose other
	// prison is the one holding the prisoner, and of a parole or
	// furlough whose end outside prison has kind prison.
	ruleMovementPrison = "movement-prison"
)

// dateTimeExample is the date-time that the message about an invalid
// one offers.
const dateTimeExample = "2025-10-03T09:30:00+05:30"

// checker maps one JSON document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the input.
type checker struct {
	jsondoc.Checker
}

func newChecker(cfg jsondoc.Config) *checker {
	return &checker{Checker: jsondoc.Checker{Config: cfg, DateTimeExample: dateTimeExample}}
}

// prisoner maps the prisoner at pointer. The date of birth must lie
// between 1900 and the day of event, the time of the movement or order
// that the document reports, or today when event is zero. eventName
// names event in the message about a later date of birth. It may not be
// after the day of admitted_at either.
func (c *checker) prisoner(pointer string, p *prisoner, event time.Time, eventName string) canonical.Prisoner {
	admitted := c.DateTime(jsondoc.Pointer(pointer, "admitted_at"), p.AdmittedAt)
	birthDate := func(pointer, s string) {
		born := c.BirthDate(pointer, s, jsondoc.DayIn(event), eventName)
		if day := jsondoc.DayIn(admitted); !born.IsZero() && !day.IsZero() && born.After(day) {
			c.Add(pointer, jsondoc.RuleBirthDate, "date of birth %s is after the prisoner's "+
				"admission date (prisoner.admitted_at), %s", s, day.Format(time.DateOnly))
		}
	}
	out := canonical.Prisoner{
		PrisonCode:    p.PrisonCode,
		PrisonName:    p.PrisonName,
		Number:        p.Number,
		BookingNumber: p.BookingNumber,
		Person:        c.Person(jsondoc.Pointer(pointer, "person"), &p.Person, birthDate),
		Status:        canonical.CustodyStatus(p.CustodyStatus),
		StatusDetail:  p.StatusDetail,
		AdmittedAt:    admitted,
		Housing:       p.Housing,
		Alerts:        p.Alerts,
	}
	prisonCode := jsondoc.Pointer(pointer, "prison_code")
	if c.Code(prisonCode, "prison code", p.PrisonCode, false, canonical.CheckCode) {
		if err := canonical.CheckPrisonCodeCase(p.PrisonCode); err != nil {
			c.Add(prisonCode, rulePattern, "%v", err)
		}
	}
	c.Code(jsondoc.Pointer(pointer, "number"), "prisoner number", p.Number, false, canonical.CheckRecordNumber)
	c.Code(jsondoc.Pointer(pointer, "booking_number"), "booking number", p.BookingNumber, true,
		canonical.CheckRecordNumber)
	for _, k := range p.Cases {
		out.Cases = append(out.Cases, k.Canonical())
	}
	for i, ch := range p.Charges {
		at := jsondoc.Pointer(pointer, "charges", i)
		if ch.Section != "" {
			if err := canonical.CheckSection(ch.Act, ch.Section); err != nil {
				c.Add(jsondoc.Pointer(at, "section"), ruleSection, "%v", err)
			}
		}
		out.Charges = append(out.Charges, canonical.Charge{
			Sequence: i + 1, Act: ch.Act, Section: ch.Section,
			OffenseID: ch.OffenceCode, Description: ch.Description,
		}.WithEquivalent())
	}
	return out
}

func canonicalLocation(l *location) canonical.Location {
	if l == nil {
		return canonical.Location{}
	}
	return canonical.Location{Kind: canonical.LocationKind(l.Kind), Code: l.Code, Name: l.Name}
}
