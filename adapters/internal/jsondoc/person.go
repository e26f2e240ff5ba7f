package jsondoc

import (
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// RedactedAadhaar replaces an Aadhaar value that is not a valid number,
// so that not even a mistyped number is kept.
const RedactedAadhaar = "XXXXXXXXXXXX"

// The types below are the person, name, relative and identifier of
// schemas/police/common.json, field for field. The prisons and passport
// schemas refer to them.

// Person is a person named in a document.
type Person struct {
	Names       []Name       `json:"names"`
	Aliases     []Name       `json:"aliases,omitempty"`
	Sex         string       `json:"sex,omitempty"`
	DateOfBirth string       `json:"date_of_birth,omitempty"`
	BirthYear   int          `json:"birth_year,omitempty"`
	Age         *Age         `json:"age,omitempty"`
	Relatives   []Relative   `json:"relatives,omitempty"`
	Addresses   []Address    `json:"addresses,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Nationality string       `json:"nationality,omitempty"`
	Occupation  string       `json:"occupation,omitempty"`
}

// Name is one name of a person.
type Name struct {
	Full     string `json:"full"`
	Given    string `json:"given,omitempty"`
	Middle   string `json:"middle,omitempty"`
	Family   string `json:"family,omitempty"`
	Initials string `json:"initials,omitempty"`
	Script   string `json:"script,omitempty"`
}

// Age is a person's age in years on a date.
type Age struct {
	Years int    `json:"years"`
	AsOf  string `json:"as_of,omitempty"`
}

// Relative is a named relative of a person, such as the father.
type Relative struct {
	Relation string `json:"relation"`
	Name     string `json:"name"`
}

// Address is a postal address.
type Address struct {
	Kind     string `json:"kind,omitempty"`
	Line     string `json:"line,omitempty"`
	Locality string `json:"locality,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state,omitempty"`
	PIN      string `json:"pin,omitempty"`
	Country  string `json:"country,omitempty"`
}

// birthYear reports a birth year after this year in IST, and one that
// differs from the year of a valid date of birth beside it.
func (c *Checker) birthYear(pointer string, year int, dateOfBirth string) {
	if year == 0 {
		return
	}
	if now := c.Config.Now().In(IST).Year(); year > now {
		c.Add(pointer, RuleFuture, "birth year %d is in the future", year)
	}
	born, err := time.Parse(time.DateOnly, dateOfBirth)
	if err == nil && born.Year() != year {
		c.Add(pointer, RuleBirthYear, "birth year %d differs from the year of date_of_birth, %s: "+
			"correct one, or leave birth_year out", year, dateOfBirth)
	}
}

// Identifier is an identity document's number, such as an Aadhaar or
// passport number. Token is set only beside a masked Aadhaar number.
type Identifier struct {
	Type   string `json:"type"`
	Number string `json:"number"`
	Issuer string `json:"issuer,omitempty"`
	Token  string `json:"token,omitempty"`
}

// Person maps the person at pointer. Names are normalized to NFC, and a
// clear Aadhaar number is validated and replaced, in p too, by its
// masked form and token. birthDate checks the date of birth at its
// pointer. When birthDate is nil, the date must only not be after today
// in IST.
func (c *Checker) Person(
	pointer string,
	p *Person,
	birthDate func(pointer, value string),
) canonical.Person {
	out := canonical.Person{
		Names:       c.Names(Pointer(pointer, "names"), p.Names),
		Sex:         canonical.Sex(p.Sex),
		DateOfBirth: p.DateOfBirth,
		BirthYear:   p.BirthYear,
		Nationality: p.Nationality,
		Occupation:  p.Occupation,
	}
	if len(p.Aliases) > 0 {
		out.Aliases = c.Names(Pointer(pointer, "aliases"), p.Aliases)
	}
	if birthDate == nil {
		c.Date(Pointer(pointer, "date_of_birth"), p.DateOfBirth, true)
	} else {
		birthDate(Pointer(pointer, "date_of_birth"), p.DateOfBirth)
	}
	c.birthYear(Pointer(pointer, "birth_year"), p.BirthYear, p.DateOfBirth)
	if p.Age != nil {
		c.Date(Pointer(pointer, "age", "as_of"), p.Age.AsOf, true)
		out.Age = &canonical.Age{Years: p.Age.Years, AsOf: p.Age.AsOf}
	}
	out.Relatives = c.Relatives(Pointer(pointer, "relatives"), p.Relatives)
	for _, a := range p.Addresses {
		out.Addresses = append(out.Addresses, a.Canonical())
	}
	for i := range p.Identifiers {
		out.Identifiers = append(out.Identifiers,
			c.Identifier(Pointer(pointer, "identifiers", i), &p.Identifiers[i]))
	}
	out.Identifiers = canonical.UniqueIdentifiers(out.Identifiers)
	return out
}

// Names maps the names at pointer, normalized to NFC, and reports a name
// of white space only or one that canonical.NameFault refuses. It returns nil for nil names.
func (c *Checker) Names(pointer string, ns []Name) []canonical.Name {
	if ns == nil {
		return nil
	}
	out := make([]canonical.Name, len(ns))
	for i, n := range ns {
		out[i] = canonical.NormalizeName(canonical.Name{
			Full: n.Full, Given: n.Given, Middle: n.Middle, Family: n.Family,
			Initials: n.Initials, Script: n.Script,
		})
		switch fault := canonical.NameFault(out[i].Full); {
		case out[i].Full == "" && n.Full != "":
			c.Add(Pointer(pointer, i, "full"), RuleBlank, "name is only white space")
		case out[i].Full != "" && fault != "":
			c.Add(Pointer(pointer, i, "full"), RuleNameText, "name %s", fault)
		}
	}
	return out
}

// Relatives maps the relatives at pointer, and reports a name as Names
// does.
func (c *Checker) Relatives(pointer string, rs []Relative) []canonical.Relative {
	var out []canonical.Relative
	for i, r := range rs {
		rel := canonical.Relative{Relation: r.Relation, Name: canonical.NormalizeText(r.Name)}
		switch fault := canonical.NameFault(rel.Name); {
		case rel.Name == "" && r.Name != "":
			c.Add(Pointer(pointer, i, "name"), RuleBlank, "name is only white space")
		case rel.Name != "" && fault != "":
			c.Add(Pointer(pointer, i, "name"), RuleNameText, "name %s", fault)
		}
		out = append(out, rel)
	}
	return out
}

// Identifier maps the identifier at pointer. An Aadhaar number that is
// already masked is kept without the token the document gives. Only the
// hub makes a token, from a clear number, and passport verification
// matches records by it, so a copied one could tie a person to another's
// records. The journal copy keeps what was sent. A clear number must be
// valid, and it is masked under Config.AadhaarKey, in id as well, with
// its token, which sets Masked. An invalid one is reported and replaced
// by RedactedAadhaar. A number of any type must pass IdentifierText,
// because canonical.UniqueIdentifiers and the receivers compare numbers
// as written.
func (c *Checker) Identifier(pointer string, id *Identifier) canonical.Identifier {
	out := canonical.Identifier{Type: id.Type, Value: id.Number, Issuer: id.Issuer}
	c.IdentifierText(Pointer(pointer, "number"), id.Type+" number", id.Number)
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Number) {
		return out
	}
	c.Masked = true
	masked, err := canonical.MaskAadhaar(id.Number, c.Config.AadhaarKey)
	if err != nil {
		// The error names no digits, so the violation can be logged.
		c.Add(Pointer(pointer, "number"), RuleAadhaar, "%v", err)
		id.Number = RedactedAadhaar
		return canonical.Identifier{Type: id.Type, Value: RedactedAadhaar, Issuer: id.Issuer}
	}
	masked.Issuer = id.Issuer
	id.Number, id.Token = masked.Value, masked.Token
	return masked
}

// Canonical returns a as a canonical address.
func (a Address) Canonical() canonical.Address {
	return canonical.Address{
		Kind: a.Kind, Line: a.Line, Locality: a.Locality, City: a.City,
		District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
	}
}

// PersonOf writes a canonical person as a document's person, each
// identifier, with its index, written by identifier.
func PersonOf(
	p canonical.Person,
	identifier func(i int, id canonical.Identifier) Identifier,
) Person {
	out := Person{
		Names: NamesOf(p.Names), Aliases: NamesOf(p.Aliases), Sex: string(p.Sex),
		DateOfBirth: p.DateOfBirth, BirthYear: p.BirthYear,
		Nationality: p.Nationality, Occupation: p.Occupation,
		Relatives: RelativesOf(p.Relatives),
	}
	if p.Age != nil {
		out.Age = &Age{Years: p.Age.Years, AsOf: p.Age.AsOf}
	}
	for _, a := range p.Addresses {
		out.Addresses = append(out.Addresses, AddressOf(a))
	}
	for i, id := range p.Identifiers {
		out.Identifiers = append(out.Identifiers, identifier(i, id))
	}
	return out
}

// NamesOf writes canonical names as a document's, nil for nil.
func NamesOf(ns []canonical.Name) []Name {
	if ns == nil {
		return nil
	}
	out := make([]Name, len(ns))
	for i, n := range ns {
		out[i] = Name{
			Full: n.Full, Given: n.Given, Middle: n.Middle, Family: n.Family,
			Initials: n.Initials, Script: n.Script,
		}
	}
	return out
}

// RelativesOf writes canonical relatives as a document's.
func RelativesOf(rs []canonical.Relative) []Relative {
	var out []Relative
	for _, r := range rs {
		out = append(out, Relative{Relation: r.Relation, Name: r.Name})
	}
	return out
}

// AddressOf writes a canonical address as a document's.
func AddressOf(a canonical.Address) Address {
	return Address{
		Kind: a.Kind, Line: a.Line, Locality: a.Locality, City: a.City,
		District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
	}
}

// IdentifierOf writes a canonical identifier as a document's, as it is.
func IdentifierOf(id canonical.Identifier) Identifier {
	return Identifier{Type: id.Type, Number: id.Value, Issuer: id.Issuer, Token: id.Token}
}
