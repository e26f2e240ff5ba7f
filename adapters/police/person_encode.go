package police

import (
	"fmt"
	"reflect"

	"github.com/sangam-hub/sangam/canonical"
)

// person writes a canonical person as a police person. An Aadhaar number
// still in clear is masked. A value that is neither masked nor a valid
// number sets e.err, so it never leaves the hub.
func (e *encoder) person(p canonical.Person) person {
	out := person{
		Names: policeNames(p.Names), Aliases: policeNames(p.Aliases), Sex: string(p.Sex),
		DateOfBirth: p.DateOfBirth, BirthYear: p.BirthYear,
		Nationality: p.Nationality, Occupation: p.Occupation,
	}
	if p.Age != nil {
		out.Age = &age{Years: p.Age.Years, AsOf: p.Age.AsOf}
	}
	for _, r := range p.Relatives {
		out.Relatives = append(out.Relatives, relative{Relation: r.Relation, Name: r.Name})
	}
	for _, a := range p.Addresses {
		out.Addresses = append(out.Addresses, policeAddress(a))
	}
	for i, id := range p.Identifiers {
		out.Identifiers = append(out.Identifiers, e.identifier(i, id))
	}
	return out
}

func (e *encoder) identifier(i int, id canonical.Identifier) identifier {
	out := identifier{Type: id.Type, Number: id.Value, Issuer: id.Issuer, Token: id.Token}
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Value) {
		return out
	}
	masked, err := canonical.MaskAadhaar(id.Value, e.key)
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("identifier %d: Aadhaar value is neither masked nor valid: %w", i, err)
		}
		return identifier{Type: id.Type, Number: redactedAadhaar}
	}
	out.Number, out.Token = masked.Value, masked.Token
	return out
}

func policeNames(ns []canonical.Name) []name {
	if ns == nil {
		return nil
	}
	out := make([]name, len(ns))
	for i, n := range ns {
		out[i] = name{
			Full: n.Full, Given: n.Given, Middle: n.Middle, Family: n.Family,
			Initials: n.Initials, Script: n.Script,
		}
	}
	return out
}

func policeAddress(a canonical.Address) address {
	return address{
		Kind: a.Kind, Line: a.Line, Locality: a.Locality, City: a.City,
		District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
	}
}

func isZeroPerson(p canonical.Person) bool {
	return reflect.ValueOf(p).IsZero()
}
