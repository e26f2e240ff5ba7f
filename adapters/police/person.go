package police

import (
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// person maps the person at pointer. Names are normalized to NFC, an
// Aadhaar number is validated and replaced by its masked form and token,
// and a date of birth must lie between 1900 and the document's date.
func (c *checker) person(pointer string, p *jsondoc.Person) canonical.Person {
	return c.Person(pointer, p, c.birthDate)
}

// earliestBirth is the earliest date of birth the adapter accepts.
var earliestBirth = time.Date(1900, time.January, 1, 0, 0, 0, 0, jsondoc.IST)

// birthDate checks the date of birth at pointer: a valid date from 1900
// to the day of the event the document records.
func (c *checker) birthDate(pointer, s string) {
	born := c.Date(pointer, s, true)
	switch {
	case born.IsZero():
	case born.Before(earliestBirth):
		c.Add(pointer, ruleBirthDate, "date of birth %s is before 1900", s)
	case !c.documentDay.IsZero() && born.After(c.documentDay):
		c.Add(pointer, ruleBirthDate, "date of birth %s is after the document's date, %s",
			s, c.documentDay.Format(time.DateOnly))
	}
}
