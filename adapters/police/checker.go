package police

import (
	"strings"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Rules of the police checks that JSON Schema cannot express, as they
// appear in schemas.Violation.Rule. The jsondoc.Rule constants name the
// rules every JSON adapter shares.
const (
	ruleSection     = "section"       // not a section of the IPC or BNS
	ruleCodeInForce = "code-in-force" // IPC cited for an offence from 1 July 2024, or BNS before
	ruleFIRYear     = "fir-year"      // FIR year differs from the year of its registration
	ruleCharged     = "charged"       // a chargesheet that charges no one
	ruleAct         = "act"           // an act that canonical.Acts does not list
	ruleState       = "state"         // not the code of an Indian state or union territory
)

// dateTimeExample is the date-time that the message about an invalid
// one offers.
const dateTimeExample = "2025-09-14T10:45:00+05:30"

// checker maps one police document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the input.
type checker struct {
	jsondoc.Checker
	// documentDay is the day, in IST, of the event the document records,
	// or zero when unknown. No one named in it can be born later.
	documentDay time.Time
}

func newChecker(cfg jsondoc.Config) *checker {
	return &checker{Checker: jsondoc.Checker{Config: cfg, DateTimeExample: dateTimeExample}}
}

// setDocumentTime records when the event the document reports happened.
func (c *checker) setDocumentTime(t time.Time) {
	if !t.IsZero() {
		c.documentDay = jsondoc.DayIn(t)
	}
}

// firRef maps the FIR reference at pointer and checks its state code and
// its national id.
func (c *checker) firRef(pointer string, f jsondoc.FIRRef) canonical.FIRRef {
	if f.State != "" && !canonical.ValidState(f.State) {
		c.Add(jsondoc.Pointer(pointer, "state"), ruleState,
			"unknown state code %s: want the two-letter code of an Indian state or union "+
				"territory, such as KL (canonical.States lists them)", canonical.QuoteMasked(f.State))
	}
	if err := canonical.CheckNationalID(f.NationalID); err != nil {
		c.Add(jsondoc.Pointer(pointer, "national_id"), canonical.RuleAadhaarLike, "%v", err)
	}
	return f.Canonical()
}

// offenceWindow bounds when an offence occurred, for choosing between
// the IPC and the BNS. A zero bound is unknown.
type offenceWindow struct {
	// earliest is the earliest the offence can have begun.
	earliest time.Time
	// latest is the latest it can have begun.
	latest time.Time
	// to is when the offence ended, as the document states it.
	to time.Time
}

// window returns the offence window of an occurrence, narrowed by the
// FIR's year: an offence registered in year Y began by the end of Y.
func (c *checker) window(pointer string, o *occurrence, firYear int) offenceWindow {
	var w offenceWindow
	if o != nil {
		from, to := jsondoc.Pointer(pointer, "from"), jsondoc.Pointer(pointer, "to")
		w.earliest = c.DateTime(from, o.From)
		w.to = c.DateTime(to, o.To)
		c.NotBefore(to, w.to, from, w.earliest)
		w.latest = w.earliest
	}
	if firYear > 0 {
		nextYear := time.Date(firYear+1, time.January, 1, 0, 0, 0, 0, jsondoc.IST)
		yearEnd := nextYear.Add(-time.Nanosecond)
		if w.latest.IsZero() || yearEnd.Before(w.latest) {
			w.latest = yearEnd
		}
	}
	return w
}

// charges maps the sections at pointer. It replaces each act by its code
// in canonical.Acts, checks each IPC or BNS section against the code,
// and the code against when the offence occurred.
func (c *checker) charges(pointer string, sections []section, w offenceWindow) []canonical.Charge {
	out := make([]canonical.Charge, 0, len(sections))
	for i, s := range sections {
		at := jsondoc.Pointer(pointer, i)
		act := c.act(jsondoc.Pointer(at, "act"), s.Act)
		if s.Section != "" && act != "" {
			if err := canonical.CheckSection(act, s.Section); err != nil {
				c.Add(jsondoc.Pointer(at, "section"), ruleSection, "%v", err)
			}
		}
		c.codeInForce(jsondoc.Pointer(at, "act"), act, w)
		c.IdentifierText(jsondoc.Pointer(at, "offence_code"), "offence code", s.OffenceCode)
		out = append(out, canonical.Charge{
			Sequence: i + 1, Act: act, Section: s.Section,
			OffenseID: s.OffenceCode, Description: s.Description,
		}.WithEquivalent())
	}
	return out
}

// act returns the code of the act named at pointer, or "" after
// reporting a name that canonical.Acts lacks.
func (c *checker) act(pointer, name string) string {
	if name == "" {
		return "" // The schema reports a missing act.
	}
	code, ok := canonical.NormalizeAct(name)
	if !ok {
		c.Add(pointer, ruleAct, "unknown act %s: want one of the codes %s, or the act's name, "+
			"such as Indian Penal Code (canonical.Acts lists the names)",
			canonical.QuoteMasked(name), strings.Join(canonical.ActCodes(), ", "))
	}
	return code
}

func (c *checker) codeInForce(pointer, act string, w offenceWindow) {
	start := canonical.BNSCommencement
	switch {
	case act == canonical.ActIPC && !w.earliest.IsZero() && !w.earliest.Before(start):
		c.Add(pointer, ruleCodeInForce, "IPC cited for an offence that occurred at %s, "+
			"on or after the BNS came into force on 1 July 2024 IST: cite the BNS section",
			formatIST(w.earliest))
	case act == canonical.ActBNS && !w.latest.IsZero() && w.latest.Before(start):
		c.Add(pointer, ruleCodeInForce, "BNS cited for an offence that occurred by %s, "+
			"before the BNS came into force on 1 July 2024 IST: cite the IPC section",
			formatIST(w.latest))
	}
}

// formatIST writes t as India Standard Time, the zone in which the hub
// decides which penal code was in force.
func formatIST(t time.Time) string {
	return t.In(jsondoc.IST).Format("2006-01-02 15:04 IST")
}

func canonicalProperties(ps []property) []canonical.Property {
	if len(ps) == 0 {
		return nil
	}
	out := make([]canonical.Property, len(ps))
	for i, p := range ps {
		out[i] = canonical.Property{Description: p.Description, Category: p.Category, ValueINR: p.ValueINR}
	}
	return out
}
