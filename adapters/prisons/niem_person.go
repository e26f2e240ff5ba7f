package prisons

import (
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// person reads a NIEM nc:Person with its aliases.
func (n *niemDecoder) person(e *etree.Element) canonical.Person {
	p := canonical.Person{}
	for _, pn := range xmlsafe.Children(e, nc("PersonName")) {
		if name, ok := personName(pn); ok {
			n.checkName(pn, name)
			p.Names = append(p.Names, name)
		}
	}
	for _, pn := range xmlsafe.Children(e, nc("PersonAlternateName")) {
		if name, ok := personName(pn); ok {
			n.checkName(pn, name)
			p.Aliases = append(p.Aliases, name)
		}
	}
	p.Aliases = append(p.Aliases, n.aliasIdentities(e)...)
	if b := xmlsafe.Child(e, nc("PersonBirthDate")); b != nil {
		p.DateOfBirth = n.dateSince1900(b)
	}
	p.Age = n.age(xmlsafe.Child(e, nc("PersonAgeMeasure")))
	p.Sex = n.sex(e)
	p.Identifiers = canonical.UniqueIdentifiers(n.identifiers(e))
	if c := xmlsafe.PathText(e, nc("PersonCitizenshipISO3166Alpha2Code")); c != "" {
		p.Nationality = strings.ToUpper(c)
	}
	return p
}

// personName reads a NIEM PersonNameType, in NFC. The full name is
// nc:PersonFullName, or else the given, middle and surname and suffix
// joined. It reports false for a name with no text at all.
func personName(e *etree.Element) (canonical.Name, bool) {
	n := canonical.Name{
		Given:  xmlsafe.PathText(e, nc("PersonGivenName")),
		Middle: xmlsafe.PathText(e, nc("PersonMiddleName")),
		Family: xmlsafe.PathText(e, nc("PersonSurName")),
		Full:   xmlsafe.PathText(e, nc("PersonFullName")),
	}
	if n.Full == "" {
		var parts []string
		for _, v := range []string{n.Given, n.Middle, n.Family,
			xmlsafe.PathText(e, nc("PersonNameSuffixText"))} {
			if v != "" {
				parts = append(parts, v)
			}
		}
		n.Full = strings.Join(parts, " ")
	}
	n = canonical.NormalizeName(n)
	return n, n.Full != ""
}

// checkName records a violation at e, a PersonNameType, when
// canonical.NameFault refuses its name.
func (n *niemDecoder) checkName(e *etree.Element, name canonical.Name) {
	if fault := canonical.NameFault(name.Full); fault != "" {
		n.fail(xmlsafe.Pointer(e), "name-text", "name %s", fault)
	}
}

// aliasIdentities reads the names of the nc:Identity elements that an
// nc:PersonAliasIdentityAssociation links to person.
func (n *niemDecoder) aliasIdentities(person *etree.Element) []canonical.Name {
	var out []canonical.Name
	for _, assoc := range xmlsafe.Children(n.content, nc("PersonAliasIdentityAssociation")) {
		if n.follow(xmlsafe.Child(assoc, nc("Person"))) != person {
			continue
		}
		for _, ref := range xmlsafe.Children(assoc, nc("Identity")) {
			rep := xmlsafe.Child(n.follow(ref), nc("IdentityPersonRepresentation"))
			for _, pn := range xmlsafe.Children(rep, nc("PersonName")) {
				if name, ok := personName(pn); ok {
					n.checkName(pn, name)
					out = append(out, name)
				}
			}
		}
	}
	return out
}

func (n *niemDecoder) age(m *etree.Element) *canonical.Age {
	if m == nil {
		return nil
	}
	v := xmlsafe.PathText(m, nc("MeasureValueText"))
	if v == "" {
		v = xmlsafe.PathText(m, nc("MeasurePointValue"))
	}
	years, err := strconv.Atoi(v)
	if err != nil || years < 0 || years > 150 {
		n.fail(xmlsafe.Pointer(m), "integer", "invalid age %s: want whole years from 0 to 150", canonical.QuoteMasked(v))
		return nil
	}
	return &canonical.Age{Years: years}
}

// sex reads j:PersonSexCode or nc:PersonSexCode (NCIC codes M, F, U) or
// nc:PersonSexText (the code or the word).
func (n *niemDecoder) sex(e *etree.Element) canonical.Sex {
	c := xmlsafe.Child(e, jx("PersonSexCode"))
	if c == nil {
		c = xmlsafe.Child(e, nc("PersonSexCode"))
	}
	if c == nil {
		c = xmlsafe.Child(e, nc("PersonSexText"))
	}
	if c == nil {
		return ""
	}
	switch strings.ToUpper(xmlsafe.Text(c)) {
	case "M", "MALE":
		return canonical.SexMale
	case "F", "FEMALE":
		return canonical.SexFemale
	case "U", "UNKNOWN":
		return canonical.SexUnknown
	case "TRANSGENDER":
		return canonical.SexTransgender
	}
	n.fail(xmlsafe.Pointer(c), "enum", "unknown sex %s: want M, F or U", canonical.QuoteMasked(xmlsafe.Text(c)))
	return ""
}

// idCategories maps the categories of nc:PersonOtherIdentification that
// senders write to canonical identifier types, by lower-case category.
var idCategories = map[string]string{
	"aadhaar": canonical.IDAadhaar, "uid": canonical.IDAadhaar,
	"passport": canonical.IDPassport, "pan": canonical.IDPAN,
	"voter id": canonical.IDVoter, "epic": canonical.IDVoter,
	"driving licence": canonical.IDDrivingLicence, "driver license": canonical.IDDrivingLicence,
}

// identifiers reads the person's identifications. Each NIEM element maps
// to one identifier type; nc:PersonOtherIdentification takes its type
// from its category, and an Aadhaar number in clear is masked.
func (n *niemDecoder) identifiers(e *etree.Element) []canonical.Identifier {
	aug := xmlsafe.Child(e, jx("PersonAugmentation"))
	sources := []struct {
		elem *etree.Element
		typ  string
	}{
		{xmlsafe.Child(e, nc("PersonSSNIdentification")), "ssn"},
		{xmlsafe.Child(e, nc("PersonStateIdentification")), "state_id"},
		{xmlsafe.Child(aug, jx("PersonFBIIdentification")), "fbi_number"},
		{xmlsafe.Child(aug, jx("PersonStateFingerprintIdentification")), "state_fingerprint_id"},
		{xmlsafe.Path(aug, jx("DriverLicense"), jx("DriverLicenseCardIdentification")),
			canonical.IDDrivingLicence},
		{xmlsafe.Child(e, bkx("PersonPersistentIdentification")), "persistent_id"},
		{xmlsafe.Child(e, crx("PersonPersistentIdentification")), "persistent_id"},
	}
	var out []canonical.Identifier
	for _, s := range sources {
		if id, ok := identification(s.elem, s.typ); ok {
			out = append(out, id)
		}
	}
	for _, other := range xmlsafe.Children(e, nc("PersonOtherIdentification")) {
		category := canonical.NormalizeText(xmlsafe.PathText(other, nc("IdentificationCategoryText")))
		typ := canonical.IDOther
		if known, ok := idCategories[strings.ToLower(category)]; ok {
			typ = known
		} else if category != "" {
			typ = category
		}
		if id, ok := identification(other, typ); ok {
			out = append(out, n.maskAadhaar(other, id))
		}
	}
	return out
}

func identification(e *etree.Element, typ string) (canonical.Identifier, bool) {
	value := xmlsafe.PathText(e, nc("IdentificationID"))
	if value == "" {
		return canonical.Identifier{}, false
	}
	return canonical.Identifier{
		Type: typ, Value: value,
		Issuer: canonical.NormalizeText(xmlsafe.PathText(e, nc("IdentificationSourceText"))),
	}, true
}

// maskAadhaar replaces a clear Aadhaar number by its masked form, in the
// identifier and in the document, so the journal copy holds no clear
// number either. Other identifiers and masked numbers pass unchanged.
func (n *niemDecoder) maskAadhaar(e *etree.Element, id canonical.Identifier) canonical.Identifier {
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Value) {
		return id
	}
	value := xmlsafe.Child(e, nc("IdentificationID"))
	n.masked = true
	masked, err := canonical.MaskAadhaar(id.Value, n.adapter.cfg.AadhaarKey)
	if err != nil {
		// The error names no digits, so the number reaches no log.
		n.fail(xmlsafe.Pointer(value), jsondoc.RuleAadhaar, "%v", err)
		value.SetText(jsondoc.RedactedAadhaar)
		return canonical.Identifier{
			Type: id.Type, Value: jsondoc.RedactedAadhaar, Issuer: id.Issuer,
		}
	}
	masked.Issuer = id.Issuer
	value.SetText(masked.Value)
	return masked
}

// charges reads the report's j:Charge elements and those its arrests
// name, each once, in document order.
func (n *niemDecoder) charges() []canonical.Charge {
	elems := xmlsafe.Children(n.content, jx("Charge"))
	for _, arrest := range xmlsafe.Children(n.content, jx("Arrest")) {
		for _, ref := range xmlsafe.Children(arrest, jx("ArrestCharge")) {
			if c := n.follow(ref); c != nil {
				elems = append(elems, c)
			}
		}
	}
	seen := map[*etree.Element]bool{}
	var out []canonical.Charge
	for _, e := range elems {
		if seen[e] {
			continue
		}
		seen[e] = true
		if ch, ok := n.charge(e, len(out)+1); ok {
			out = append(out, ch)
		}
	}
	return out
}

// charge reads one j:Charge. A charge with neither a statute nor a
// description is reported and left out.
func (n *niemDecoder) charge(e *etree.Element, sequence int) (canonical.Charge, bool) {
	st := xmlsafe.Child(e, jx("ChargeStatute"))
	ch := canonical.Charge{
		Sequence:    sequence,
		Act:         idOf(st, jx("StatuteCodeIdentification")),
		Section:     idOf(st, jx("StatuteCodeSectionIdentification")),
		OffenseID:   idOf(st, jx("StatuteOffenseIdentification")),
		Description: canonical.NormalizeText(xmlsafe.PathText(e, jx("ChargeDescriptionText"))),
	}
	if ch.Description == "" {
		ch.Description = canonical.NormalizeText(xmlsafe.PathText(st, jx("StatuteDescriptionText")))
	}
	if ch.Section == "" && ch.Description == "" {
		n.fail(xmlsafe.Pointer(e), "required",
			"charge has neither a statute section nor a description")
		return ch, false
	}
	if ch.Act == "" {
		ch.Act = actUnstated
	}
	if err := canonical.CheckSection(ch.Act, ch.Section); err != nil {
		n.fail(under(st, "StatuteCodeSectionIdentification"), ruleSection, "%v", err)
	}
	return ch.WithEquivalent(), true
}

// dateTime reads the nc:DateTime or nc:Date inside e; a date is taken as
// midnight, and a value without a zone as IST. It returns the zero time
// when e is nil or holds neither, and reports an invalid value and one
// before 1900, such as the zero instant 0001-01-01T00:00:00Z.
func (n *niemDecoder) dateTime(e *etree.Element) time.Time {
	if v := xmlsafe.PathText(e, nc("DateTime")); v != "" {
		if t, ok := xmlsafe.ParseDateTime(v, jsondoc.IST); ok {
			return n.notBeforeEarliest(xmlsafe.Child(e, nc("DateTime")), v, t)
		}
		n.fail(xmlsafe.Pointer(xmlsafe.Child(e, nc("DateTime"))), "date-time",
			"invalid date-time %s: want an xsd:dateTime with an offset from -23:59 to +23:59, "+
				"such as 2016-05-12T00:36:00Z", canonical.QuoteMasked(v))
		return time.Time{}
	}
	if day := n.date(e); day != "" {
		t, _ := time.ParseInLocation(time.DateOnly, day, jsondoc.IST)
		return n.notBeforeEarliest(xmlsafe.Child(e, nc("Date")), day, t)
	}
	return time.Time{}
}

// dateSince1900 reads the nc:Date inside e as date does, and returns ""
// for a date before 1900, which it reports with rule
// canonical.RuleEarliest.
func (n *niemDecoder) dateSince1900(e *etree.Element) string {
	day := n.date(e)
	if day == "" {
		return ""
	}
	t, _ := time.ParseInLocation(time.DateOnly, day, jsondoc.IST) // date checked it.
	if n.notBeforeEarliest(xmlsafe.Child(e, nc("Date")), day, t).IsZero() {
		return ""
	}
	return day
}

// notBeforeEarliest returns t, read from value in e, or the zero time
// after reporting a violation of rule canonical.RuleEarliest at e when t
// is before 1900.
func (n *niemDecoder) notBeforeEarliest(e *etree.Element, value string, t time.Time) time.Time {
	if err := canonical.CheckEarliest(e.FullTag(), value, t); err != nil {
		n.fail(xmlsafe.Pointer(e), canonical.RuleEarliest, "%v", err)
		return time.Time{}
	}
	return t
}

// hasDate reports whether e holds an nc:DateTime or nc:Date with text.
func hasDate(e *etree.Element) bool {
	return xmlsafe.PathText(e, nc("DateTime")) != "" || xmlsafe.PathText(e, nc("Date")) != ""
}

// date reads the nc:Date inside e, with or without a zone, as
// YYYY-MM-DD. It returns "" when there is none and reports an invalid
// value.
func (n *niemDecoder) date(e *etree.Element) string {
	d := xmlsafe.Child(e, nc("Date"))
	v := xmlsafe.Text(d)
	if v == "" {
		return ""
	}
	day, ok := xmlsafe.ParseDate(v)
	if !ok {
		n.fail(xmlsafe.Pointer(d), "date", "invalid date %s: want YYYY-MM-DD", canonical.QuoteMasked(v))
		return ""
	}
	return day
}

// addressLine writes an nc:Address on one line: its full text, or its
// street, unit, city, state and postal code joined.
func addressLine(e *etree.Element) string {
	if full := canonical.NormalizeText(xmlsafe.PathText(e, nc("AddressFullText"))); full != "" {
		return full
	}
	street := xmlsafe.Child(e, nc("LocationStreet"))
	var parts []string
	for _, v := range []string{
		xmlsafe.PathText(street, nc("StreetFullText")),
		strings.TrimSpace(xmlsafe.PathText(street, nc("StreetNumberText")) + " " +
			xmlsafe.PathText(street, nc("StreetName"))),
		xmlsafe.PathText(e, nc("AddressSecondaryUnitText")),
		xmlsafe.PathText(e, nc("LocationCityName")),
		xmlsafe.PathText(e, nc("LocationStateName")),
		xmlsafe.PathText(e, nc("LocationStateUSPostalServiceCode")),
		xmlsafe.PathText(e, nc("LocationPostalCode")),
	} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	return canonical.NormalizeText(strings.Join(parts, ", "))
}
