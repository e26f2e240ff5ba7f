package prisons

import (
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// redactedAadhaar replaces an Aadhaar value that is not a valid number,
// so that not even a mistyped number is kept.
const redactedAadhaar = "XXXXXXXXXXXX"

// person maps the person at pointer. Names are normalized to NFC, and a
// clear Aadhaar number is validated and replaced, in p too, by its masked
// form and token.
func (c *checker) person(pointer string, p *person) canonical.Person {
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
	c.Date(jsondoc.Pointer(pointer, "date_of_birth"), p.DateOfBirth, true)
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
		out.Addresses = append(out.Addresses, canonical.Address{
			Kind: a.Kind, Line: a.Line, Locality: a.Locality, City: a.City,
			District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
		})
	}
	for i := range p.Identifiers {
		out.Identifiers = append(out.Identifiers,
			c.identifier(jsondoc.Pointer(pointer, "identifiers", i), &p.Identifiers[i]))
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
