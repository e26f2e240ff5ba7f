package police

import (
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// person maps the person at pointer. Names are normalized to NFC, an
// Aadhaar number is validated and replaced by its masked form and token,
// and a date of birth must lie between 1900 and the document's date.
func (c *checker) person(pointer string, p *jsondoc.Person) canonical.Person {
	return c.Person(pointer, p, c.birthDate)
}

// birthDate checks the date of birth at pointer: a valid date from 1900
// to the day of the event the document records.
func (c *checker) birthDate(pointer, s string) {
	c.BirthDate(pointer, s, c.documentDay, "the document's date")
}
