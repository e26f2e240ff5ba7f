package police

import (
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// person maps the person at pointer. Names are normalized to NFC, and an
// Aadhaar number is validated and replaced by its masked form and token.
func (c *checker) person(pointer string, p person) canonical.Person {
	out := canonical.Person{
		Names:       c.names(jsondoc.Pointer(pointer, "names"), p.Names),
		Sex:         canonical.Sex(p.Sex),
		DateOfBirth: p.DateOfBirth,
		BirthYear:   p.BirthYear,
		Nationality: p.Nationality,
		Occupation:  p.Occupation,
	}
	if len(p.Aliases) > 0 {
		out.Aliases = c.names(jsondoc.Pointer(pointer, "aliases"), p.Aliases)
	}
	c.birthDate(jsondoc.Pointer(pointer, "date_of_birth"), p.DateOfBirth)
	if p.Age != nil {
		c.Date(jsondoc.Pointer(pointer, "age", "as_of"), p.Age.AsOf, true)
		out.Age = &canonical.Age{Years: p.Age.Years, AsOf: p.Age.AsOf}
	}
	for i, r := range p.Relatives {
		rel := canonical.Relative{Relation: r.Relation, Name: canonical.NormalizeText(r.Name)}
		if rel.Name == "" && r.Name != "" {
			c.Add(jsondoc.Pointer(pointer, "relatives", i, "name"), jsondoc.RuleBlank, "name is only white space")
		}
		out.Relatives = append(out.Relatives, rel)
	}
	for _, a := range p.Addresses {
		out.Addresses = append(out.Addresses, canonicalAddress(a))
	}
	for i, id := range p.Identifiers {
		out.Identifiers = append(out.Identifiers, c.identifier(jsondoc.Pointer(pointer, "identifiers", i), id))
	}
	return out
}

func (c *checker) names(pointer string, ns []name) []canonical.Name {
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
// already masked is kept with its token; a clear one must be valid and
// is masked under the adapter's key.
func (c *checker) identifier(pointer string, id identifier) canonical.Identifier {
	out := canonical.Identifier{Type: id.Type, Value: id.Number, Issuer: id.Issuer, Token: id.Token}
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Number) {
		return out
	}
	masked, err := canonical.MaskAadhaar(id.Number, c.Config.AadhaarKey)
	if err != nil {
		// ErrInvalidAadhaar's text does not repeat the number, so the
		// violation can be logged.
		c.Add(jsondoc.Pointer(pointer, "number"), jsondoc.RuleAadhaar, "%v", err)
		return canonical.Identifier{Type: id.Type, Value: redactedAadhaar, Issuer: id.Issuer}
	}
	masked.Issuer = id.Issuer
	return masked
}

func canonicalAddress(a address) canonical.Address {
	return canonical.Address{
		Kind: a.Kind, Line: a.Line, Locality: a.Locality, City: a.City,
		District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
	}
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
