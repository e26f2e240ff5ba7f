package courts

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// person reads the NIEM person content of e. Names are normalised by the
// caller.
func (d *decoder) person(e *etree.Element) canonical.Person {
	p := canonical.Person{}
	for _, n := range xmlsafe.Children(e, nc("PersonName")) {
		if name, ok := personName(n); ok {
			d.checkName(n, name)
			p.Names = append(p.Names, name)
		}
	}
	for _, n := range xmlsafe.Children(e, nc("PersonAlternateName")) {
		if name, ok := personName(n); ok {
			d.checkName(n, name)
			p.Aliases = append(p.Aliases, name)
		}
	}
	d.birth(&p, e)
	p.Sex = d.sex(e)
	p.Identifiers = canonical.UniqueIdentifiers(d.identifiers(e))
	return p
}

// personName reads a NIEM PersonNameType. The full name is
// PersonFullName, or the given, middle and surname joined when that is
// missing. It reports false for a name with no text at all.
func personName(e *etree.Element) (canonical.Name, bool) {
	n := canonical.Name{
		Given:  xmlsafe.PathText(e, nc("PersonGivenName")),
		Middle: xmlsafe.PathText(e, nc("PersonMiddleName")),
		Family: xmlsafe.PathText(e, nc("PersonSurName")),
		Full:   xmlsafe.PathText(e, nc("PersonFullName")),
	}
	if n.Full == "" {
		n.Full = joinName(e)
	}
	return n, strings.TrimSpace(n.Full) != ""
}

// checkName records a violation at e, a PersonNameType, when
// canonical.NameFault refuses its name.
func (d *decoder) checkName(e *etree.Element, name canonical.Name) {
	if fault := canonical.NameFault(name.Full); fault != "" {
		d.fail(xmlsafe.Pointer(e), "name-text", "name %s", fault)
	}
}

// joinName joins the given, middle and surname of a PersonNameType.
func joinName(e *etree.Element) string {
	var parts []string
	for _, local := range []string{"PersonGivenName", "PersonMiddleName", "PersonSurName"} {
		if v := xmlsafe.PathText(e, nc(local)); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

// birth reads nc:PersonBirthDate (a date, a date-time or a year) and
// nc:PersonAgeMeasure.
func (d *decoder) birth(p *canonical.Person, e *etree.Element) {
	if b := xmlsafe.Child(e, nc("PersonBirthDate")); b != nil {
		p.DateOfBirth = d.pastDateSince1900(b)
		if y := xmlsafe.Child(b, nc("Year")); y != nil && p.DateOfBirth == "" {
			year, err := strconv.Atoi(xmlsafe.Text(y))
			switch {
			case err != nil || year < 1800 || year > 9999:
				d.fail(xmlsafe.Pointer(y), "integer", "invalid birth year %s: want four digits", canonical.QuoteMasked(xmlsafe.Text(y)))
			case year < canonical.EarliestTime.Year():
				d.fail(xmlsafe.Pointer(y), canonical.RuleEarliest, "birth year %d is before 1900, "+
					"the earliest the hub accepts: correct the year", year)
			default:
				p.BirthYear = year
			}
		}
	}
	if m := xmlsafe.Child(e, nc("PersonAgeMeasure")); m != nil {
		v := xmlsafe.PathText(m, nc("MeasurePointValue"))
		years, err := strconv.Atoi(v)
		if err != nil || years < 0 || years > 150 {
			d.fail(xmlsafe.Pointer(m), "integer", "invalid age %s: want whole years from 0 to 150", canonical.QuoteMasked(v))
		} else {
			p.Age = &canonical.Age{Years: years}
		}
	}
}

// sex reads nc:PersonSexCode (NCIC: M, F, U) or nc:PersonSexText.
func (d *decoder) sex(e *etree.Element) canonical.Sex {
	if c := xmlsafe.Child(e, nc("PersonSexCode")); c != nil {
		switch strings.ToUpper(xmlsafe.Text(c)) {
		case "M":
			return canonical.SexMale
		case "F":
			return canonical.SexFemale
		case "U":
			return canonical.SexUnknown
		}
		d.fail(xmlsafe.Pointer(c), "enum", "unknown sex code %s: want M, F or U", canonical.QuoteMasked(xmlsafe.Text(c)))
		return ""
	}
	text := strings.ToLower(xmlsafe.PathText(e, nc("PersonSexText")))
	switch s := canonical.Sex(text); s {
	case canonical.SexMale, canonical.SexFemale, canonical.SexTransgender, canonical.SexUnknown:
		return s
	}
	return ""
}

// idCategories maps identification categories that senders write to the
// canonical identifier types, by lower-case category.
var idCategories = map[string]string{
	"aadhaar": canonical.IDAadhaar, "uid": canonical.IDAadhaar,
	"passport":      canonical.IDPassport,
	"pan":           canonical.IDPAN,
	"voter_id":      canonical.IDVoter,
	"voter id":      canonical.IDVoter,
	"epic":          canonical.IDVoter,
	"driverlicense": canonical.IDDrivingLicence, "driver license": canonical.IDDrivingLicence,
	"driving_licence": canonical.IDDrivingLicence, "driving licence": canonical.IDDrivingLicence,
	"ration_card": canonical.IDRationCard, "ration card": canonical.IDRationCard,
	"tax_id":       canonical.IDTax,
	"cctns_person": canonical.IDCCTNSPerson,
}

// identifiers reads nc:PersonOtherIdentification, nc:PersonTaxIdentification
// and nc:PersonStateIdentification. An Aadhaar number in clear is masked.
func (d *decoder) identifiers(e *etree.Element) []canonical.Identifier {
	var out []canonical.Identifier
	add := func(id *etree.Element, fallback string) {
		value := xmlsafe.PathText(id, nc("IdentificationID"))
		if value == "" {
			return
		}
		category := canonical.NormalizeText(xmlsafe.PathText(id, nc("IdentificationCategoryText")))
		typ := fallback
		if category != "" {
			typ = category
			if known, ok := idCategories[strings.ToLower(category)]; ok {
				typ = known
			}
		}
		ident := canonical.Identifier{
			Type: typ, Value: value,
			Issuer: canonical.NormalizeText(xmlsafe.PathText(id, nc("IdentificationSourceText"))),
		}
		if typ == canonical.IDAadhaar {
			ident = d.maskAadhaar(id, ident)
		} else {
			d.checkIdentification(xmlsafe.Child(id, nc("IdentificationID")))
		}
		out = append(out, ident)
	}
	for _, id := range xmlsafe.Children(e, nc("PersonOtherIdentification")) {
		add(id, canonical.IDOther)
	}
	add(xmlsafe.Child(e, nc("PersonTaxIdentification")), canonical.IDTax)
	add(xmlsafe.Child(e, nc("PersonStateIdentification")), "state_id")
	return out
}

// checkIdentification records a violation of rule aadhaar-like at value,
// the IdentificationID of a person's identification of a type other than
// Aadhaar, when its text contains a number like an Aadhaar number
// (canonical.CheckIdentification). maskText has masked the numbers
// written in three groups of four, so such a number is one written
// otherwise, such as touching a letter, and would reach every destination
// in clear.
func (d *decoder) checkIdentification(value *etree.Element) {
	if err := canonical.CheckIdentification(xmlsafe.Text(value)); err != nil {
		d.fail(xmlsafe.Pointer(value), canonical.RuleAadhaarLike, "%v", err)
	}
}

// maskAadhaar replaces a clear Aadhaar number by its masked form, in the
// identifier and in the document, so the journal copy holds no clear
// number either. A masked number passes unchanged.
func (d *decoder) maskAadhaar(id *etree.Element, ident canonical.Identifier) canonical.Identifier {
	if canonical.IsMaskedAadhaar(ident.Value) {
		return ident
	}
	value := xmlsafe.Child(id, nc("IdentificationID"))
	if len(d.adapter.AadhaarKey) == 0 {
		d.fail(xmlsafe.Pointer(value), "aadhaar",
			"clear Aadhaar number and no masking key: send it masked as XXXXXXXX and the last four digits")
		return ident
	}
	masked, err := canonical.MaskAadhaar(ident.Value, d.adapter.AadhaarKey)
	if err != nil {
		// The error names no digits, so the number reaches no log.
		d.fail(xmlsafe.Pointer(value), "aadhaar", "%v", err)
		return ident
	}
	masked.Issuer = ident.Issuer
	value.SetText(masked.Value)
	d.masked = true
	return masked
}

// pinPattern is a six-digit Indian postal index number.
var pinPattern = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// addresses reads the structured mailing addresses in the
// nc:ContactInformation children of e.
func addresses(e *etree.Element) []canonical.Address {
	var out []canonical.Address
	for _, ci := range xmlsafe.Children(e, nc("ContactInformation")) {
		for _, ma := range xmlsafe.Children(ci, nc("ContactMailingAddress")) {
			if a, ok := address(ma); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// address reads one nc:AddressType. A postal code that is not an Indian
// PIN, such as a foreign one, is kept at the end of Line because the
// canonical address has no other place for it.
func address(e *etree.Element) (canonical.Address, bool) {
	s := xmlsafe.Child(e, nc("StructuredAddress"))
	a := canonical.Address{
		Line:     canonical.NormalizeText(streetLine(s)),
		City:     canonical.NormalizeText(xmlsafe.PathText(s, nc("LocationCityName"))),
		District: canonical.NormalizeText(xmlsafe.PathText(s, nc("LocationCountyName"))),
		State:    canonical.NormalizeText(firstText(s, "LocationStateName", "LocationStateUSPostalServiceCode")),
		Country:  strings.ToUpper(xmlsafe.PathText(s, nc("LocationCountryISO3166Alpha2Code"))),
	}
	if a.Line == "" {
		a.Line = canonical.NormalizeText(xmlsafe.PathText(e, nc("AddressFullText")))
	}
	if postal := xmlsafe.PathText(s, nc("LocationPostalCode")); pinPattern.MatchString(postal) {
		a.PIN = postal
	} else if postal != "" {
		a.Line = strings.TrimPrefix(a.Line+", "+postal, ", ")
	}
	return a, a != canonical.Address{}
}

// streetLine reads the street part of a structured address: the
// delivery point, the street (full text, or its parts) and the unit.
func streetLine(s *etree.Element) string {
	street := xmlsafe.Child(s, nc("LocationStreet"))
	line := xmlsafe.PathText(street, nc("StreetFullText"))
	if line == "" {
		var parts []string
		for _, local := range []string{"StreetNumberText", "StreetPredirectionalText",
			"StreetName", "StreetCategoryText", "StreetPostdirectionalText"} {
			if v := xmlsafe.PathText(street, nc(local)); v != "" {
				parts = append(parts, v)
			}
		}
		line = strings.Join(parts, " ")
	}
	if point := xmlsafe.PathText(s, nc("AddressDeliveryPointID")); point != "" {
		line = strings.TrimSpace(point + " " + line)
	}
	if unit := xmlsafe.PathText(s, nc("AddressSecondaryUnitText")); unit != "" {
		line = strings.TrimPrefix(line+", "+unit, ", ")
	}
	return line
}

func firstText(e *etree.Element, locals ...string) string {
	for _, local := range locals {
		if v := xmlsafe.PathText(e, nc(local)); v != "" {
			return v
		}
	}
	return ""
}
