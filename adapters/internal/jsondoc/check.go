package jsondoc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the checks every JSON adapter makes that JSON Schema cannot
// express, as they appear in schemas.Violation.Rule.
const (
	RuleFuture     = "future"               // a date or time after now
	RuleChronology = "chronology"           // events out of order
	RuleAadhaar    = "aadhaar"              // not a valid Aadhaar number
	RuleBlank      = "blank"                // a name of white space only
	RuleNameText   = "name-text"            // a name that canonical.NameFault refuses
	RuleBirthYear  = "birth-year"           // a birth year other than the date of birth's
	RuleBirthDate  = "date-of-birth"        // born before 1900 or after the document's date
	RuleEarliest   = canonical.RuleEarliest // a date-time before 1900, which no record about a living person has
)

// Checker maps one JSON document to canonical form and collects every
// violation it finds on the way, each with a JSON pointer into the
// input. An adapter's checker embeds it and adds its agency's rules.
type Checker struct {
	// Config is the adapter's configuration, with defaults filled in.
	Config Config
	// DateTimeExample is the valid date-time that the message about an
	// invalid one offers, such as "2025-09-14T10:45:00+05:30".
	DateTimeExample string
	// Violations are the violations found so far, in order.
	Violations []schemas.Violation
	// Preferred are violations that replace the schema's of the same
	// rule at their pointer, because they state more precisely what is
	// wrong, such as which invisible character a prisoner number
	// contains. The schema's violations of other rules there are kept
	// (see Replace).
	Preferred []schemas.Violation
	// Masked is set when a clear Aadhaar number in the document was
	// replaced by its masked form.
	Masked bool
	// formatFailed holds the pointers of the values that failed the
	// schema's format check (see skipFormatFailures).
	formatFailed map[string]bool
}

// skipFormatFailures makes DateTime and Date return the zero time, the
// unknown value that the other checks pass, for each value that failed
// the schema's format check. Go parses some values that RFC 3339 rules
// out, such as the offset +24:00, and a check that compared with such a
// value would report a second, misleading violation at another pointer.
func (c *Checker) skipFormatFailures(schemaViolations []schemas.Violation) {
	for _, v := range schemaViolations {
		if v.Rule != "format" {
			continue
		}
		if c.formatFailed == nil {
			c.formatFailed = map[string]bool{}
		}
		c.formatFailed[v.Pointer] = true
	}
}

// Add records a violation of rule at pointer, with a message formatted
// as by fmt.Sprintf.
func (c *Checker) Add(pointer, rule, format string, args ...any) {
	c.Violations = append(c.Violations, schemas.Violation{
		Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
	})
}

// Prefer records a violation of rule at pointer, as Add does, that takes
// the place of the schema's violation of rule at pointer and is listed
// beside any other violation there.
func (c *Checker) Prefer(pointer, rule, format string, args ...any) {
	c.Preferred = append(c.Preferred, schemas.Violation{
		Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
	})
}

// Pointer joins a JSON pointer from its reference tokens: strings, with
// any leading slash dropped, and ints, the indexes of array elements.
// Tokens are a document's own snake_case keys, which need no escaping.
func Pointer(tokens ...any) string {
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

// DateTime parses an RFC 3339 date-time at pointer. It returns the zero
// time for an empty or invalid value, and reports invalid values and
// values more than Config.ClockSkew after Config.Now. A value that
// failed the schema's format check, which the schema reports, returns
// the zero time without a violation here. A value before
// EarliestBirth is reported with RuleEarliest and yields the zero time
// too, so that no other check compares with it. That covers the zero
// instant, 0001-01-01T00:00:00Z in any offset, which callers and
// canonical messages would take for an absent value.
func (c *Checker) DateTime(pointer, s string) time.Time {
	if s == "" || c.formatFailed[pointer] {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		c.Add(pointer, "format", "invalid date-time %s: want RFC 3339, such as %s",
			canonical.QuoteMasked(s), c.DateTimeExample)
		return time.Time{}
	}
	if t.Before(EarliestBirth) {
		c.Add(pointer, RuleEarliest, "date-time %s is before 1900-01-01, the earliest date the "+
			"hub accepts: correct the date-time, such as %s", canonical.QuoteMasked(s), c.DateTimeExample)
		return time.Time{}
	}
	if limit := c.Config.Now().Add(c.Config.ClockSkew); t.After(limit) {
		c.Add(pointer, RuleFuture, "%s is in the future", s)
	}
	return t
}

// Date parses a YYYY-MM-DD date at pointer as midnight in IST. It
// returns the zero time for an empty or invalid value, and reports
// invalid values, except those that failed the schema's format check,
// as DateTime does. When pastOnly is set, it reports a date after today
// in IST too.
func (c *Checker) Date(pointer, s string, pastOnly bool) time.Time {
	if s == "" || c.formatFailed[pointer] {
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, IST)
	if err != nil {
		c.Add(pointer, "format", "invalid date %s: want YYYY-MM-DD", canonical.QuoteMasked(s))
		return time.Time{}
	}
	if pastOnly && t.After(c.today()) {
		c.Add(pointer, RuleFuture, "%s is in the future", s)
	}
	return t
}

// today returns midnight in IST of the day of Config.Now in IST.
func (c *Checker) today() time.Time {
	return DayIn(c.Config.Now())
}

// NotBefore reports a chronology violation at pointer when later is
// before earlier, the value at earlierPointer. Zero times are unknown
// and pass. The message gives both times with their fractional seconds,
// because two times a nanosecond apart would otherwise print alike.
func (c *Checker) NotBefore(
	pointer string,
	later time.Time,
	earlierPointer string,
	earlier time.Time,
) {
	if later.IsZero() || earlier.IsZero() || !later.Before(earlier) {
		return
	}
	c.Add(pointer, RuleChronology, "%s is before %s, %s",
		canonical.FormatTime(later), earlierPointer, canonical.FormatTime(earlier))
}

// SentNotBefore reports a chronology violation at /sent_at when the
// document was sent before the event it reports, at eventPointer, by
// more than Config.ClockSkew. An event in the future is reported as
// such already, and is skipped here. The message gives the times as
// NotBefore's does.
func (c *Checker) SentNotBefore(sent time.Time, eventPointer string, event time.Time) {
	if sent.IsZero() || event.IsZero() || !sent.Add(c.Config.ClockSkew).Before(event) {
		return
	}
	if event.After(c.Config.Now().Add(c.Config.ClockSkew)) {
		return
	}
	c.Add("/sent_at", RuleChronology,
		"%s is before %s, %s, by more than the allowed clock skew of %s",
		canonical.FormatTime(sent), eventPointer, canonical.FormatTime(event),
		c.Config.ClockSkew)
}

// EarliestBirth is the earliest date of birth and date-time the JSON
// adapters accept, midnight IST on 1 January 1900.
var EarliestBirth = canonical.EarliestTime

// DayIn returns midnight in IST of the day of t in IST, or the zero time
// for a zero t.
func DayIn(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.In(IST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, IST)
}

// BirthDate checks the date of birth at pointer: a valid date from
// EarliestBirth to eventDay, the day in IST of the event the document
// records, which the message about a later date calls eventName, such
// as "the movement's date (at)". A zero eventDay is unknown, and then
// the date must only not be after today in IST. BirthDate returns the
// date of birth when it passes these checks, and otherwise the zero
// time. A date after both eventDay and today gets only RuleBirthDate,
// because its message names the document's date, the tighter bound. A
// document dated in the future gets its own violation already.
func (c *Checker) BirthDate(pointer, s string, eventDay time.Time, eventName string) time.Time {
	reported := len(c.Violations)
	born := c.Date(pointer, s, false)
	switch {
	case born.IsZero():
	case born.Before(EarliestBirth):
		c.Add(pointer, RuleBirthDate, "date of birth %s is before 1900", s)
	case !eventDay.IsZero() && born.After(eventDay):
		c.Add(pointer, RuleBirthDate, "date of birth %s is after %s, %s",
			s, eventName, eventDay.Format(time.DateOnly))
	case born.After(c.today()):
		c.Add(pointer, RuleFuture, "%s is in the future", s)
	}
	if len(c.Violations) > reported {
		return time.Time{}
	}
	return born
}
