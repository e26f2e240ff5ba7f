package courts

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
	"github.com/sangam-hub/sangam/schemas"
)

// Decode reads an ECF 4.0 CoreFilingMessage into a chargesheet message,
// a RecordDocketingCallbackMessage into a court_registration message, and
// a NIEM document with a j:Warrant or j:CourtOrder child of its root into
// a court_order message (see decoder.order).
// contentType may be empty or any XML media type.
//
// Input that is not XML, carries a DTD, or has another root element
// returns an error wrapping adapters.ErrMalformed. An order document
// with a NIEM namespace that the hub does not read with its Justice
// namespace, or with an element in no namespace, gets one violation of
// rule RuleNamespace for that namespace and no others, because its
// elements would read as missing. Missing or invalid
// content, and a document, filing, birth or offence date later than
// Adapter.ClockSkew past now, returns a *schemas.ValidationError whose
// pointers are element paths such as
// "/RecordDocketingCallbackMessage/AppellateCase/CaseTrackingID".
//
// Aadhaar numbers are masked before the content is read: see maskText
// and maskAadhaar. Decoded.Journal is then the document with the same
// replacements, and nil when it needed none.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	if err := checkContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding court message: %w", err)
	}
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding court message: %w: %w", adapters.ErrMalformed, err)
	}
	root := doc.Root()
	refs, err := xmlsafe.IndexIDs(root)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s: %w: %w", root.Tag, adapters.ErrMalformed, err)
	}

	d := &decoder{adapter: a, root: root, refs: refs, latest: a.now().Add(a.clockSkew())}
	d.masked = maskText(root)
	var m canonical.Message
	switch {
	case xmlsafe.Is(root, name(nsCore, "CoreFilingMessage")):
		m = d.filing()
	case xmlsafe.Is(root, name(nsCallback, "RecordDocketingCallbackMessage")):
		m = d.callback()
	default:
		orders, v := orderElements(root)
		if len(orders) == 0 {
			if d.unknownJustice(root) {
				break
			}
			return adapters.Decoded{}, fmt.Errorf("decoding court message: %w: root element %s "+
				"is neither an ECF 4.0 CoreFilingMessage nor a RecordDocketingCallbackMessage, "+
				"and has no NIEM j:Warrant or j:CourtOrder child",
				adapters.ErrMalformed, xmlsafe.NameOf(root))
		}
		if len(orders) > 1 {
			// The hub journals one message per document, so a second
			// order would be lost.
			d.fail(xmlsafe.Pointer(orders[1]), RuleOneOrder, "the document has %d j:Warrant or "+
				"j:CourtOrder elements: send each order in a document of its own", len(orders))
		}
		// An element of another NIEM release would read as missing, so
		// the order is read only when every element is in v.
		if d.checkVocabulary(root, v) {
			m = d.order(orders[0], v)
		}
	}
	problems := distinct(d.problems)
	xmlsafe.SortInDocumentOrder(root, problems)
	if err := schemas.Invalid(problems...); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s: %w", root.Tag, err)
	}

	out := adapters.Decoded{Messages: []canonical.Message{m}}
	if d.masked {
		if out.Journal, err = doc.WriteToBytes(); err != nil {
			return adapters.Decoded{}, fmt.Errorf("decoding %s: writing masked journal copy: %w", root.Tag, err)
		}
	}
	return out, nil
}

// RuleCourtCode is the violation rule of an order whose issuing court's
// code is not an e-Courts establishment code.
const RuleCourtCode = "court-code"

// RulePattern is the violation rule of an order whose prison code has a
// lower-case letter, the rule a police document's lower-case station
// code breaks. It is also the rule of a document id with a character
// outside printable ASCII, as for a police document's message_id.
const RulePattern = "pattern"

// RuleOneOrder is the violation rule of an order document with more than
// one j:Warrant or j:CourtOrder.
const RuleOneOrder = "one-order"

// checkContentType accepts an empty media type and any XML one, and
// returns an *adapters.MediaTypeError for any other.
func checkContentType(contentType string) error {
	_, err := adapters.CheckMediaType(contentType, ContentType, "text/xml", "+xml")
	return err
}

// decoder carries the state of one Decode call.
type decoder struct {
	adapter  *Adapter
	root     *etree.Element
	refs     *xmlsafe.Refs
	problems []schemas.Violation
	// masked is set when a clear Aadhaar number in the document was
	// replaced by its masked form.
	masked bool
	// latest is the latest date-time a document may carry before it
	// counts as in the future.
	latest time.Time
}

// notFuture records a violation at e when t lies past d.latest.
func (d *decoder) notFuture(e *etree.Element, t time.Time) {
	if !t.IsZero() && t.After(d.latest) {
		d.fail(xmlsafe.Pointer(e), "future", "%s is in the future", t.Format(time.RFC3339))
	}
}

// fail records a violation at the element path pointer.
func (d *decoder) fail(pointer, rule, format string, args ...any) {
	d.problems = append(d.problems, schemas.Violation{
		Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
	})
}

// distinct returns vs without repeats. The order decoder reads an
// order's issuing date for its date, for when it was made and for its
// time, and an invalid date-time would be listed three times.
func distinct(vs []schemas.Violation) []schemas.Violation {
	var out []schemas.Violation
	seen := map[schemas.Violation]bool{}
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// follow returns the element that e refers to by its structures:ref, or
// e itself without one. It returns nil when e is nil or Refs.Follow
// rejects the reference, and then records why.
func (d *decoder) follow(e *etree.Element) *etree.Element {
	if e == nil {
		return nil
	}
	target, err := d.refs.Follow(e)
	if err != nil {
		d.fail(xmlsafe.Pointer(e), "reference", "%v", err)
		return nil
	}
	return target
}

// under returns the element path of a child named local of parent, for
// reporting a missing child.
func under(parent *etree.Element, local string) string {
	return xmlsafe.Pointer(parent) + "/" + local
}

// onePath follows names from parent as xmlsafe.Path does. At each step
// with more than one element of the name, it records a violation of rule
// maxItems at the second, because the hub reads one value there and would
// ignore the others. want ends the message with the reason for one.
func (d *decoder) onePath(parent *etree.Element, want string, names ...xmlsafe.Name) *etree.Element {
	e := parent
	for _, n := range names {
		same := xmlsafe.Children(e, n)
		if len(same) == 0 {
			return nil
		}
		d.oneOf(same, e, want)
		e = same[0]
	}
	return e
}

// oneOf records a violation of rule maxItems at the second of same, the
// elements of one name in parent, when there is more than one. want ends
// the message with the reason for one.
func (d *decoder) oneOf(same []*etree.Element, parent *etree.Element, want string) {
	d.oneOfKind(same, parent, "", want)
}

// oneOfKind is oneOf for elements of one kind among others of their
// name, such as the nc:DocumentIdentification of the filing id. kind,
// such as "of category FilingID", follows the element name in the
// message.
func (d *decoder) oneOfKind(same []*etree.Element, parent *etree.Element, kind, want string) {
	if len(same) <= 1 {
		return
	}
	elements := same[1].FullTag() + " elements"
	if kind != "" {
		elements += " " + kind
	}
	d.fail(xmlsafe.Pointer(same[1]), "maxItems", "%d %s in %s: want one, %s",
		len(same), elements, parent.FullTag(), want)
}

// oneDate checks the path names from parent as onePath does, and then
// the nc:DateTime and nc:Date of the NIEM core namespace core in the date
// element it leads to, because the hub reads one date there.
func (d *decoder) oneDate(core string, parent *etree.Element, want string, names ...xmlsafe.Name) {
	e := d.onePath(parent, want, names...)
	for _, local := range []string{"DateTime", "Date"} {
		d.onePath(e, want, name(core, local))
	}
}

// checkDocumentID records a violation of rule pattern at e when its text
// has a character outside printable ASCII (xmlsafe.CheckDocumentID). The
// element is the IdentificationID of a sender message id or of the filing
// id that a callback quotes.
func (d *decoder) checkDocumentID(e *etree.Element) {
	if err := xmlsafe.CheckDocumentID(xmlsafe.Text(e)); err != nil {
		d.fail(xmlsafe.Pointer(e), RulePattern, "%v", err)
	}
}

// header fills the envelope fields that every ECF message carries.
func (d *decoder) header(m *canonical.Message) {
	m.SchemaVersion = canonical.SchemaVersion
	for _, id := range xmlsafe.Children(d.root, nc("DocumentIdentification")) {
		d.checkDocumentID(xmlsafe.Child(id, nc("IdentificationID")))
		value := xmlsafe.PathText(id, nc("IdentificationID"))
		switch {
		case hasFilingID(id):
			m.CorrelationID = value
		case m.SenderMessageID == "":
			m.SenderMessageID = value
		}
	}
	if m.SenderMessageID == "" {
		d.fail(under(d.root, "DocumentIdentification/IdentificationID"), "required",
			"missing document identification")
	}
	m.OccurredAt = d.documentTime()
}

// documentTime returns the post date of the document, or else its filed
// or received date.
func (d *decoder) documentTime() time.Time {
	for _, local := range []string{"DocumentPostDate", "DocumentFiledDate", "DocumentReceivedDate"} {
		e := xmlsafe.Child(d.root, nc(local))
		if e == nil {
			continue
		}
		t, err := dateTimeOf(e)
		if err != nil {
			d.fail(xmlsafe.Pointer(e), dateRule(err, "date-time"), "%v", err)
			return time.Time{}
		}
		d.notFuture(e, t)
		return t
	}
	d.fail(under(d.root, "DocumentPostDate"), "required", "missing document post date")
	return time.Time{}
}

// caseElement returns the first case element under parent, or nil.
func caseElement(parent *etree.Element) *etree.Element {
	for _, c := range parent.ChildElements() {
		for _, n := range caseElements {
			if xmlsafe.Is(c, n) {
				return c
			}
		}
	}
	return nil
}

// fir reads the FIR a case element names: its CaseTrackingID when that is
// a FIR key, with the national id from its ActivityIdentification. It
// returns the tracking id instead when that is not a FIR key.
func (d *decoder) fir(c *etree.Element) (fir *canonical.FIRRef, trackingID string) {
	tracking := xmlsafe.Child(c, nc("CaseTrackingID"))
	value := xmlsafe.Text(tracking)
	if !strings.HasPrefix(value, "FIR/") {
		return nil, value
	}
	ref, err := canonical.ParseFIRKey(value)
	if err != nil {
		d.fail(xmlsafe.Pointer(tracking), "fir_key", "%v", err)
		return nil, ""
	}
	for _, id := range xmlsafe.Children(c, nc("ActivityIdentification")) {
		if strings.EqualFold(xmlsafe.PathText(id, nc("IdentificationCategoryText")), CategoryFIRNationalID) {
			ref.NationalID = xmlsafe.PathText(id, nc("IdentificationID"))
		}
	}
	return &ref, ""
}

// court reads j:CaseAugmentation/j:CaseCourt of a case element, or the
// element its structures:ref names.
func (d *decoder) court(c *etree.Element) canonical.Court {
	e := d.follow(xmlsafe.Path(c, jx("CaseAugmentation"), jx("CaseCourt")))
	id := xmlsafe.Path(e, nc("OrganizationIdentification"), nc("IdentificationID"))
	court := canonical.Court{
		Code: xmlsafe.Text(id),
		Name: canonical.NormalizeText(xmlsafe.PathText(e, jx("CourtName"))),
	}
	if err := canonical.CheckCode("court code", court.Code); err != nil {
		d.fail(xmlsafe.Pointer(id), canonical.RuleAadhaarLike, "%v", err)
	}
	return court
}

// india is the zone given to a date-time written without one: Indian
// Standard Time (UTC+05:30), the zone of the courts and police the hub
// serves.
var india = time.FixedZone("IST", 5*3600+1800)

var errNoDate = errors.New("missing nc:DateTime or nc:Date")

// dateTimeOf reads the NIEM date representation inside e: nc:DateTime or
// nc:Date (taken as midnight). A value before canonical.EarliestTime,
// such as the zero instant 0001-01-01T00:00:00Z, returns a
// *canonical.EarliestError, so that no caller takes it for an absent one.
func dateTimeOf(e *etree.Element) (time.Time, error) {
	if v := xmlsafe.PathText(e, nc("DateTime")); v != "" {
		if t, ok := xmlsafe.ParseDateTime(v, india); ok {
			return notBeforeEarliest(e, v, t)
		}
		return time.Time{}, fmt.Errorf("invalid date-time %s: want RFC 3339 with an offset "+
			"from -23:59 to +23:59, such as 2024-07-01T10:30:00+05:30", canonical.QuoteMasked(v))
	}
	if v := xmlsafe.PathText(e, nc("Date")); v != "" {
		day, err := parseDate(v)
		if err != nil {
			return time.Time{}, err
		}
		t, _ := time.ParseInLocation(time.DateOnly, day, india) // parseDate checked it.
		return notBeforeEarliest(e, v, t)
	}
	return time.Time{}, errNoDate
}

// notBeforeEarliest returns t, read from value inside e, or the zero time
// and the error of canonical.CheckEarliest for a t before 1900.
func notBeforeEarliest(e *etree.Element, value string, t time.Time) (time.Time, error) {
	if err := canonical.CheckEarliest(e.FullTag(), value, t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// dateRule returns the violation rule of err, an error that reading a
// date or date-time returned: canonical.RuleEarliest for a value before
// 1900, and otherwise rule.
func dateRule(err error, rule string) string {
	var early *canonical.EarliestError
	if errors.As(err, &early) {
		return canonical.RuleEarliest
	}
	return rule
}

// dateOf reads the calendar date inside e, YYYY-MM-DD, from nc:Date or
// from nc:DateTime as a date in India, where the courts sit. It returns
// "" and no error when e is nil.
func dateOf(e *etree.Element) (string, error) {
	if e == nil {
		return "", nil
	}
	if v := xmlsafe.PathText(e, nc("Date")); v != "" {
		return parseDate(v)
	}
	if xmlsafe.Child(e, nc("DateTime")) != nil {
		t, err := dateTimeOf(e)
		if err != nil {
			return "", err
		}
		return t.In(india).Format(time.DateOnly), nil
	}
	return "", nil
}

// parseDate accepts an xsd:date, with or without a zone suffix, and
// returns it as YYYY-MM-DD.
func parseDate(v string) (string, error) {
	day, ok := xmlsafe.ParseDate(v)
	if !ok {
		return "", fmt.Errorf("invalid date %s: want YYYY-MM-DD", canonical.QuoteMasked(v))
	}
	return day, nil
}

// date reads the date inside e and records a violation when it is
// invalid.
func (d *decoder) date(e *etree.Element) string {
	v, err := dateOf(e)
	if err != nil {
		d.fail(xmlsafe.Pointer(e), dateRule(err, "date"), "%v", err)
	}
	return v
}

// pastDateSince1900 reads the date inside e as pastDate does, and
// returns "" after recording a violation of rule canonical.RuleEarliest
// for a date before 1900.
func (d *decoder) pastDateSince1900(e *etree.Element) string {
	day := d.pastDate(e)
	if day == "" {
		return ""
	}
	if _, err := dateTimeOf(e); err != nil {
		d.fail(xmlsafe.Pointer(e), dateRule(err, "date"), "%v", err)
		return ""
	}
	return day
}

// pastDate reads the date inside e, a date that has happened, and
// records a violation when it is invalid or in the future.
func (d *decoder) pastDate(e *etree.Element) string {
	v := d.date(e)
	if v != "" {
		day, _ := time.ParseInLocation(time.DateOnly, v, india) // dateOf checked it.
		d.notFuture(e, day)
	}
	return v
}
