package courts

import (
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// Namespaces of the NIEM releases whose warrants and court orders Decode
// reads. NIEM 5.0, 5.1 and 5.2 share the niem-core 5.0 namespace and
// carry Justice (jxdm) 7.0, 7.1 and 7.2. NIEM 3.0, 3.1 and 3.2 share
// niem-core 3.0 and carry Justice 5.0, 5.1 and 5.2, as the Open Justice
// Broker Consortium's warrant reports do.
const (
	nsNC3 = "http://release.niem.gov/niem/niem-core/3.0/"
	nsNC5 = "http://release.niem.gov/niem/niem-core/5.0/"
)

// orderVocabularies maps each Justice namespace to the NIEM core
// namespace of the same release.
var orderVocabularies = map[string]string{
	"http://release.niem.gov/niem/domains/jxdm/7.0/": nsNC5,
	"http://release.niem.gov/niem/domains/jxdm/7.1/": nsNC5,
	"http://release.niem.gov/niem/domains/jxdm/7.2/": nsNC5,
	"http://release.niem.gov/niem/domains/jxdm/5.0/": nsNC3,
	"http://release.niem.gov/niem/domains/jxdm/5.1/": nsNC3,
	"http://release.niem.gov/niem/domains/jxdm/5.2/": nsNC3,
}

// releaseStructures maps each NIEM core namespace of orderVocabularies
// to the structures namespace of the same releases.
var releaseStructures = map[string]string{
	nsNC5: xmlsafe.NIEM5Structures,
	nsNC3: xmlsafe.NIEM3Structures,
}

// vocabulary is the NIEM core, Justice and structures namespaces that
// one order document uses.
type vocabulary struct {
	core, justice, structures string
}

func (v vocabulary) nc(local string) xmlsafe.Name { return name(v.core, local) }
func (v vocabulary) j(local string) xmlsafe.Name  { return name(v.justice, local) }

// orderElements returns every j:Warrant or j:CourtOrder child of root,
// in document order, with the vocabulary that the Justice namespace of
// the first belongs to.
func orderElements(root *etree.Element) ([]*etree.Element, vocabulary) {
	var (
		v      vocabulary
		orders []*etree.Element
	)
	for _, c := range root.ChildElements() {
		n := xmlsafe.NameOf(c)
		core, ok := orderVocabularies[n.Space]
		if !ok || (n.Local != "Warrant" && n.Local != "CourtOrder") {
			continue
		}
		if len(orders) == 0 {
			v = vocabulary{core: core, justice: n.Space, structures: releaseStructures[core]}
		}
		orders = append(orders, c)
	}
	return orders, v
}

// orderPointer returns the path, in the order document body, of the
// element that contains the order's number, date, time or directions at
// pointer, or of the person element whose nc:PersonName,
// nc:PersonAlternateName or nc:PersonOtherIdentification children fill
// the prisoner's names, aliases or identifiers. It returns false for
// another pointer or when the order has no such element.
func orderPointer(body []byte, pointer string) (string, bool) {
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if err != nil {
		return "", false
	}
	orders, v := orderElements(doc.Root())
	if len(orders) == 0 {
		return "", false
	}
	order := orders[0]
	var e *etree.Element
	switch pointer {
	case "/court_order/number":
		e = xmlsafe.Path(order, v.nc("ActivityIdentification"), v.nc("IdentificationID"))
	case "/court_order/directions":
		e = xmlsafe.Child(order, v.nc("ActivityDescriptionText"))
	case "/court_order/prisoner/person/names", "/court_order/prisoner/person/aliases",
		"/court_order/prisoner/person/identifiers":
		e = orderPerson(doc.Root(), order, v)
	case "/court_order/ordered_on", "/court_order/issued_at":
		issued := xmlsafe.Child(order, v.j("CourtOrderIssuingDate"))
		e = xmlsafe.Child(issued, v.nc("DateTime"))
		if e == nil {
			e = xmlsafe.Child(issued, v.nc("Date"))
		}
	}
	if e == nil {
		return "", false
	}
	return xmlsafe.Pointer(e), true
}

// orderPerson returns the person element that the nc:RoleOfPerson of
// the order's j:CourtOrderDesignatedSubject contains or refers to, or nil.
func orderPerson(root, order *etree.Element, v vocabulary) *etree.Element {
	role := xmlsafe.Path(order, v.j("CourtOrderDesignatedSubject"), v.nc("RoleOfPerson"))
	refs, err := xmlsafe.IndexIDs(root)
	if role == nil || err != nil {
		return nil
	}
	person, err := refs.Follow(role)
	if err != nil {
		return nil
	}
	return person
}

// isCore reports whether e is the NIEM core element local of any release
// the adapter reads.
func isCore(e *etree.Element, local string) bool {
	if e == nil {
		return false
	}
	n := xmlsafe.NameOf(e)
	return n.Local == local && (n.Space == nsNC || n.Space == nsNC3 || n.Space == nsNC5)
}

// person reads the nc:Person content of e: names, aliases, birth,
// sex, nationality and identifications.
func (o *orderDecoder) person(e *etree.Element) canonical.Person {
	v := o.v
	p := canonical.Person{}
	for _, n := range xmlsafe.Children(e, v.nc("PersonName")) {
		if pn, ok := o.personName(n); ok {
			p.Names = append(p.Names, pn)
		}
	}
	for _, n := range xmlsafe.Children(e, v.nc("PersonAlternateName")) {
		if pn, ok := o.personName(n); ok {
			p.Aliases = append(p.Aliases, pn)
		}
	}
	if b := xmlsafe.Child(e, v.nc("PersonBirthDate")); b != nil {
		p.DateOfBirth = o.pastDateSince1900(b)
	}
	if m := xmlsafe.Child(e, v.nc("PersonAgeMeasure")); m != nil {
		value := xmlsafe.PathText(m, v.nc("MeasureValueText"))
		if value == "" {
			value = xmlsafe.PathText(m, v.nc("MeasurePointValue"))
		}
		years, err := strconv.Atoi(value)
		if err != nil || years < 0 || years > 150 {
			o.fail(xmlsafe.Pointer(m), "integer", "invalid age %s: want whole years from 0 to 150", canonical.QuoteMasked(value))
		} else {
			p.Age = &canonical.Age{Years: years}
		}
	}
	p.Sex = o.sex(e)
	if c := xmlsafe.Child(e, v.nc("PersonCitizenshipISO3166Alpha2Code")); c != nil {
		code := strings.ToUpper(xmlsafe.Text(c))
		if len(code) != 2 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			o.fail(xmlsafe.Pointer(c), "country", "invalid country code %s: want ISO 3166-1 alpha-2, such as IN",
				canonical.QuoteMasked(xmlsafe.Text(c)))
		} else {
			p.Nationality = code
		}
	}
	p.Identifiers = canonical.UniqueIdentifiers(o.identifiers(e))
	p.Normalize()
	return p
}

// personName reads a NIEM PersonNameType: nc:PersonFullName, or else the
// given, middle and surname joined. It reports false for a name with no
// text.
func (o *orderDecoder) personName(e *etree.Element) (canonical.Name, bool) {
	v := o.v
	n := canonical.Name{
		Given:  xmlsafe.PathText(e, v.nc("PersonGivenName")),
		Middle: xmlsafe.PathText(e, v.nc("PersonMiddleName")),
		Family: xmlsafe.PathText(e, v.nc("PersonSurName")),
		Full:   xmlsafe.PathText(e, v.nc("PersonFullName")),
	}
	if n.Full == "" {
		var parts []string
		for _, part := range []string{n.Given, n.Middle, n.Family} {
			if part != "" {
				parts = append(parts, part)
			}
		}
		n.Full = strings.Join(parts, " ")
	}
	n = canonical.NormalizeName(n)
	if n.Full != "" {
		o.checkName(e, n)
	}
	return n, n.Full != ""
}

// sex reads j:PersonSexCode or nc:PersonSexCode (NCIC codes M, F, U), or
// nc:PersonSexText (a code or male, female, transgender, unknown).
func (o *orderDecoder) sex(e *etree.Element) canonical.Sex {
	c := xmlsafe.Child(e, o.v.j("PersonSexCode"))
	if c == nil {
		c = xmlsafe.Child(e, o.v.nc("PersonSexCode"))
	}
	if c == nil {
		c = xmlsafe.Child(e, o.v.nc("PersonSexText"))
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
	o.fail(xmlsafe.Pointer(c), "enum", "unknown sex %s: want M, F or U, or male, female, transgender or unknown",
		canonical.QuoteMasked(xmlsafe.Text(c)))
	return ""
}

// identifiers reads each nc:PersonOtherIdentification, typed by its
// nc:IdentificationCategoryText as idCategories maps it. An Aadhaar
// number in clear is masked, and one in an identification of another
// type is rejected (checkIdentification).
func (o *orderDecoder) identifiers(e *etree.Element) []canonical.Identifier {
	var out []canonical.Identifier
	for _, id := range xmlsafe.Children(e, o.v.nc("PersonOtherIdentification")) {
		value := xmlsafe.Child(id, o.v.nc("IdentificationID"))
		if xmlsafe.Text(value) == "" {
			continue
		}
		category := canonical.NormalizeText(xmlsafe.PathText(id, o.v.nc("IdentificationCategoryText")))
		typ := canonical.IDOther
		if known, ok := idCategories[strings.ToLower(category)]; ok {
			typ = known
		} else if category != "" {
			typ = category
		}
		ident := canonical.Identifier{
			Type: typ, Value: xmlsafe.Text(value),
			Issuer: canonical.NormalizeText(xmlsafe.PathText(id, o.v.nc("IdentificationSourceText"))),
		}
		if typ == canonical.IDAadhaar {
			ident = o.maskAadhaar(value, ident)
		} else {
			o.checkIdentification(value)
		}
		out = append(out, ident)
	}
	return out
}

// maskAadhaar replaces the clear Aadhaar number in the element value by
// its masked form, in the identifier and in the document, so the journal
// copy holds no clear number either. A masked number passes unchanged.
func (o *orderDecoder) maskAadhaar(value *etree.Element, ident canonical.Identifier) canonical.Identifier {
	if canonical.IsMaskedAadhaar(ident.Value) {
		return ident
	}
	if len(o.adapter.AadhaarKey) == 0 {
		o.fail(xmlsafe.Pointer(value), "aadhaar",
			"clear Aadhaar number and no masking key: send it masked as XXXXXXXX and the last four digits")
		return canonical.Identifier{}
	}
	masked, err := canonical.MaskAadhaar(ident.Value, o.adapter.AadhaarKey)
	if err != nil {
		// The error names no digits, so the number reaches no log.
		o.fail(xmlsafe.Pointer(value), "aadhaar", "%v", err)
		return canonical.Identifier{}
	}
	masked.Issuer = ident.Issuer
	value.SetText(masked.Value)
	o.masked = true
	return masked
}

// dateTime reads the nc:DateTime or nc:Date inside e. A date is taken as
// midnight, and a date-time without a zone as IST. It returns the zero
// time when e is nil or holds neither, and records an invalid value and
// one before 1900, such as the zero instant 0001-01-01T00:00:00Z.
func (o *orderDecoder) dateTime(e *etree.Element) time.Time {
	if dt := xmlsafe.Child(e, o.v.nc("DateTime")); dt != nil {
		value := xmlsafe.Text(dt)
		if t, ok := xmlsafe.ParseDateTime(value, india); ok {
			return o.notBeforeEarliest(dt, value, t)
		}
		o.fail(xmlsafe.Pointer(dt), "date-time", "invalid date-time %s: want RFC 3339 with an offset "+
			"from -23:59 to +23:59, such as 2025-10-01T15:40:00+05:30", canonical.QuoteMasked(value))
		return time.Time{}
	}
	if day := o.date(e); day != "" {
		t, _ := time.ParseInLocation(time.DateOnly, day, india) // date checked it.
		return o.notBeforeEarliest(xmlsafe.Child(e, o.v.nc("Date")), day, t)
	}
	return time.Time{}
}

// notBeforeEarliest returns t, read from value in e, or the zero time
// after recording a violation of rule canonical.RuleEarliest at e when t
// is before 1900.
func (o *orderDecoder) notBeforeEarliest(e *etree.Element, value string, t time.Time) time.Time {
	if err := canonical.CheckEarliest(e.FullTag(), value, t); err != nil {
		o.fail(xmlsafe.Pointer(e), canonical.RuleEarliest, "%v", err)
		return time.Time{}
	}
	return t
}

// date reads the calendar date inside e, from nc:Date or the date part
// of nc:DateTime, as YYYY-MM-DD. It returns "" when e holds neither and
// records an invalid value.
func (o *orderDecoder) date(e *etree.Element) string {
	if d := xmlsafe.Child(e, o.v.nc("Date")); d != nil {
		day, err := parseDate(xmlsafe.Text(d))
		if err != nil {
			o.fail(xmlsafe.Pointer(d), "date", "%v", err)
		}
		return day
	}
	if xmlsafe.Child(e, o.v.nc("DateTime")) != nil {
		if t := o.dateTime(e); !t.IsZero() {
			return t.In(india).Format(time.DateOnly)
		}
	}
	return ""
}

// pastDateSince1900 reads the date inside e as pastDate does, and
// returns "" for a date before 1900, for which dateTime records a
// violation of rule canonical.RuleEarliest.
func (o *orderDecoder) pastDateSince1900(e *etree.Element) string {
	day := o.pastDate(e)
	if day != "" && o.dateTime(e).IsZero() {
		return ""
	}
	return day
}

// pastDate reads the date inside e, a date that has happened, and
// records a violation when it is invalid or later than the clock skew
// allows.
func (o *orderDecoder) pastDate(e *etree.Element) string {
	day := o.date(e)
	if day != "" {
		t, _ := time.ParseInLocation(time.DateOnly, day, india) // date checked it.
		o.notFuture(e, t)
	}
	return day
}
