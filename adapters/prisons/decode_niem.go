package prisons

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
	"github.com/sangam-hub/sangam/schemas"
)

// Namespaces of the Open Justice Broker Consortium's booking report and
// custody release report, which use NIEM 3.0 core and Justice 5.1.
const (
	nsBookingReport = "http://ojbc.org/IEPD/Exchange/BookingReport/1.0"
	nsBookingExt    = "http://ojbc.org/IEPD/Extensions/BookingReportExtension/1.0"
	nsReleaseReport = "http://ojbc.org/IEPD/Exchange/CustodyReleaseReport/1.0"
	nsReleaseExt    = "http://ojbc.org/IEPD/Extensions/CustodyReleaseReportExtension/1.0"
	nsNC            = "http://release.niem.gov/niem/niem-core/3.0/"
	nsJ             = "http://release.niem.gov/niem/domains/jxdm/5.1/"
)

// actUnstated is the Act of a NIEM charge whose statute gives a section
// but no code (j:StatuteCodeIdentification), such as "ARS13-1105".
const actUnstated = "unstated"

func nc(local string) xmlsafe.Name  { return xmlsafe.Name{Space: nsNC, Local: local} }
func jx(local string) xmlsafe.Name  { return xmlsafe.Name{Space: nsJ, Local: local} }
func bkx(local string) xmlsafe.Name { return xmlsafe.Name{Space: nsBookingExt, Local: local} }
func crx(local string) xmlsafe.Name { return xmlsafe.Name{Space: nsReleaseExt, Local: local} }

// idOf returns the nc:IdentificationID inside e's child named n, without
// surrounding white space.
func idOf(e *etree.Element, n xmlsafe.Name) string {
	return canonical.NormalizeText(xmlsafe.PathText(e, n, nc("IdentificationID")))
}

// decodeNIEM reads a booking report into an admission and a custody
// release report into a release. contentType is the body's XML media
// type, or empty when the body starts with '<'.
func (a *Adapter) decodeNIEM(body []byte, contentType string) (adapters.Decoded, error) {
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if errors.Is(err, xmlsafe.ErrNotXML) {
		// Only the Content-Type made the hub read the body as XML.
		return adapters.Decoded{}, fmt.Errorf("decoding prison report: %w: %w, "+
			"but the Content-Type is %s: send a JSON document as %s", adapters.ErrMalformed, err,
			contentType, ContentType)
	}
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison report: %w: %w",
			adapters.ErrMalformed, err)
	}
	root := doc.Root()
	refs, err := xmlsafe.IndexIDs(root)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s: %w: %w",
			root.Tag, adapters.ErrMalformed, err)
	}

	n := &niemDecoder{adapter: a, root: root, content: niemContent(root), refs: refs}
	var m canonical.Message
	switch {
	case xmlsafe.Is(root, xmlsafe.Name{Space: nsBookingReport, Local: "BookingReport"}):
		m = n.booking()
	case xmlsafe.Is(root, xmlsafe.Name{Space: nsReleaseReport, Local: "CustodyReleaseReport"}):
		m = n.release()
	default:
		return adapters.Decoded{}, fmt.Errorf("decoding prison report: %w: root element %s "+
			"is neither a NIEM BookingReport nor a CustodyReleaseReport",
			adapters.ErrMalformed, xmlsafe.NameOf(root))
	}
	n.documentCreated()
	xmlsafe.SortInDocumentOrder(root, n.problems)
	if err := schemas.Invalid(n.problems...); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s: %w", root.Tag, err)
	}

	out := adapters.Decoded{Messages: []canonical.Message{m}}
	if n.masked {
		if out.Journal, err = doc.WriteToBytes(); err != nil {
			return adapters.Decoded{}, fmt.Errorf("decoding %s: writing masked journal copy: %w",
				root.Tag, err)
		}
	}
	return out, nil
}

// niemDecoder carries the state of one NIEM report's decoding.
type niemDecoder struct {
	adapter *Adapter
	root    *etree.Element
	// content is the element holding the report's NIEM content: the root
	// of a booking report, crr-ext:Custody of a release report.
	content  *etree.Element
	refs     *xmlsafe.Refs
	problems []schemas.Violation
	// masked is set when a clear Aadhaar number in the document was
	// replaced by its masked form.
	masked bool
}

// notFuture records a violation at pointer when t, read there, lies
// further in the future than the adapter's clock skew allows, as a JSON
// movement's time would.
func (n *niemDecoder) notFuture(pointer string, t time.Time) {
	cfg := n.adapter.cfg
	if !t.IsZero() && t.After(cfg.Now().Add(cfg.ClockSkew)) {
		n.fail(pointer, jsondoc.RuleFuture, "%s is in the future", t.Format(time.RFC3339))
	}
}

// fail records a violation at the element path pointer.
func (n *niemDecoder) fail(pointer, rule, format string, args ...any) {
	n.problems = append(n.problems, schemas.Violation{
		Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
	})
}

// under returns the element path of a child named local of parent, for
// reporting a missing child.
func under(parent *etree.Element, local string) string {
	return xmlsafe.Pointer(parent) + "/" + local
}

// follow returns the element that e refers to by its structures:ref, or
// e itself without one. It returns nil when e is nil or Refs.Follow
// rejects the reference, and then records why.
func (n *niemDecoder) follow(e *etree.Element) *etree.Element {
	if e == nil {
		return nil
	}
	target, err := n.refs.Follow(e)
	if err != nil {
		n.fail(xmlsafe.Pointer(e), "reference", "%v", err)
		return nil
	}
	return target
}

// booking maps a booking report to an admission into the booking's
// facility, at the booking time.
func (n *niemDecoder) booking() canonical.Message {
	b := n.bookingElement()
	p := n.prisoner(b)
	switch date := xmlsafe.Child(b, nc("ActivityDate")); {
	case !hasDate(date):
		n.fail(under(b, "ActivityDate"), "required", "missing booking date and time")
	case xmlsafe.PathText(date, nc("DateTime")) == "":
		n.fail(under(b, "ActivityDate"), "date-time", "the booking has a date but no time: give "+
			"nc:DateTime, since a date alone would be read as midnight")
	}
	mv := &canonical.Movement{
		Prisoner: p, Kind: canonical.MoveAdmission, At: p.AdmittedAt,
		To: prisonLocation(p), From: n.arrestingAgency(),
	}
	return n.message("BookingReport", p, p.AdmittedAt, mv)
}

// release maps a custody release report to a release from the booking's
// facility. Its message occurred at the release (nc:Release), which the
// report must give, because every movement the hub forwards states when
// it happened.
func (n *niemDecoder) release() canonical.Message {
	b := n.bookingElement()
	p := n.prisoner(b)
	rel := xmlsafe.Child(n.content, nc("Release"))
	mv := &canonical.Movement{
		Prisoner: p, Kind: canonical.MoveRelease, From: prisonLocation(p),
		At: n.dateTime(xmlsafe.Child(rel, nc("ActivityDate"))), Reason: releaseReason(rel),
	}
	if loc := n.follow(xmlsafe.Child(rel, nc("ReleaseToLocation"))); loc != nil {
		if line := addressLine(xmlsafe.Child(loc, nc("Address"))); line != "" {
			mv.To = canonical.Location{Kind: canonical.LocationOther, Name: line}
		}
	}
	released := under(n.content, "Release/ActivityDate")
	switch date := xmlsafe.Child(rel, nc("ActivityDate")); {
	case mv.At.IsZero() && !hasDate(date):
		n.fail(released, "required",
			"missing release date and time (nc:Release/nc:ActivityDate/nc:DateTime): "+
				"the movement the hub forwards says when the prisoner was released")
	case xmlsafe.PathText(date, nc("DateTime")) == "":
		n.fail(released, "date-time", "the release has a date but no time: give "+
			"nc:DateTime, since a date alone would be read as midnight")
	}
	n.notFuture(released, mv.At)
	if !mv.At.IsZero() && !p.AdmittedAt.IsZero() && mv.At.Before(p.AdmittedAt) {
		n.fail(released, jsondoc.RuleChronology, "the release, %s, is before the booking, %s",
			canonical.FormatTime(mv.At), formatTimeIn(p.AdmittedAt, mv.At))
	}
	return n.message("CustodyReleaseReport", p, mv.At, mv)
}

// message returns the movement message. Its sender id is the report's
// nc:DocumentIdentification, which must be printable ASCII without spaces
// (xmlsafe.CheckDocumentID) and at most maxMessageID characters, or else the report kind, prison code and
// booking number, which one booking repeats only in a resent report, with
// Aadhaar numbers masked (canonical.BuildMessageID).
func (n *niemDecoder) message(
	kind string,
	p canonical.Prisoner,
	occurred time.Time,
	mv *canonical.Movement,
) canonical.Message {
	idElement := xmlsafe.Child(xmlsafe.Child(n.root, nc("DocumentIdentification")), nc("IdentificationID"))
	id := xmlsafe.Text(idElement)
	if err := xmlsafe.CheckDocumentID(id); err != nil {
		n.fail(xmlsafe.Pointer(idElement), rulePattern, "%v", err)
	}
	if length := utf8.RuneCountInString(id); length > maxMessageID {
		n.fail(xmlsafe.Pointer(idElement), "maxLength", "document id has %d characters, more than "+
			"%d, the maximum of a prison's message_id", length, maxMessageID)
	}
	if id == "" {
		number := p.BookingNumber
		if number == "" {
			number = p.Number
		}
		// With the time, a readmission or a second release differs from a
		// resend of the same report, also at a prison that numbers its
		// prisoners but not their periods of custody.
		parts := []string{kind, p.PrisonCode, number}
		if !occurred.IsZero() {
			parts = append(parts, occurred.UTC().Format("20060102T150405Z"))
		}
		id = canonical.BuildMessageID(parts...)
		n.builtIDLength(id, p.PrisonCode, number)
	}
	m := canonical.Message{
		Type: canonical.TypeMovement, SenderMessageID: id, CaseKey: p.CaseKey(),
		OccurredAt: occurred, SchemaVersion: canonical.SchemaVersion, Movement: mv,
	}
	if xmlsafe.Text(idElement) == "" {
		m.BuiltSenderID = builtMovementID
	}
	return m
}

// maxMessageID is the maximum length, in characters, of message_id in
// schemas/prisons/common.json, which the hub writes from the sender
// message id when it sends a movement to a prison.
const maxMessageID = 128

// builtIDLength records a violation when id, the sender message id built
// from a report without nc:DocumentIdentification, has more than
// maxMessageID characters. A prison code and a number each within
// canonical.MaxPrisonCodeLength can give that, because with the report
// type, the time and the slashes the id has up to 167 characters. A code
// or number over that length has a violation of its own, so this one is
// then left out.
func (n *niemDecoder) builtIDLength(id, prisonCode, number string) {
	length := utf8.RuneCountInString(id)
	if length <= maxMessageID ||
		utf8.RuneCountInString(prisonCode) > canonical.MaxPrisonCodeLength ||
		utf8.RuneCountInString(number) > canonical.MaxPrisonCodeLength {
		return
	}
	n.fail(under(n.root, "DocumentIdentification"), "required", "missing nc:DocumentIdentification, "+
		"and the message id built in its place from the report type, prison code, number and time "+
		"has %d characters, more than %d, the maximum of a prison's message_id: give the report an "+
		"nc:DocumentIdentification of at most %d characters", length, maxMessageID, maxMessageID)
}

// builtMovementID describes the sender message id of a NIEM report
// without nc:DocumentIdentification. Two such reports that build one id
// report one kind of movement of one prisoner less than a second apart,
// which internal/movementclaim counts as one movement.
var builtMovementID = &canonical.BuiltID{
	From: "the report type, the prison code, the booking number (or else the prisoner " +
		"number) and the movement time in whole seconds",
	Missing: "nc:DocumentIdentification",
	Advice: "reports of one kind of movement of one prisoner less than a second apart are " +
		"one movement, which the hub holds already, so this report needs no resend; give a " +
		"report of another movement the time it happened, or an nc:DocumentIdentification " +
		"of its own",
}

func (n *niemDecoder) bookingElement() *etree.Element {
	b := xmlsafe.Child(n.content, jx("Booking"))
	if b == nil {
		n.fail(under(n.content, "Booking"), "required", "missing j:Booking")
	}
	return b
}

// prisoner reads the booking's subject, facility, numbers and time, with
// the charges and cases the report lists.
func (n *niemDecoder) prisoner(b *etree.Element) canonical.Prisoner {
	subject := xmlsafe.Child(b, jx("BookingSubject"))
	p := canonical.Prisoner{
		BookingNumber: idOf(b, jx("BookingAgencyRecordIdentification")),
		Number:        idOf(subject, jx("SubjectIdentification")),
		StatusDetail: canonical.NormalizeText(xmlsafe.PathText(subject,
			bkx("SubjectLocationStatus"), nc("StatusDescriptionText"))),
		AdmittedAt: n.dateTime(xmlsafe.Child(b, nc("ActivityDate"))),
		Housing:    n.housing(),
		Cases:      n.cases(),
		Charges:    n.charges(),
	}
	n.notFuture(under(b, "ActivityDate"), p.AdmittedAt)
	n.facility(b, &p)
	numbered := under(subject, "SubjectIdentification/IdentificationID")
	booked := under(b, "BookingAgencyRecordIdentification/IdentificationID")
	if p.Number == "" {
		p.Number = p.BookingNumber
		numbered = booked
	}
	if p.Number == "" {
		n.fail(under(b, "BookingAgencyRecordIdentification"), "required", "missing booking number "+
			"and subject identification: want at least one to number the prisoner")
	} else {
		n.prisonerNumber(numbered, p.Number)
	}
	if p.BookingNumber != p.Number {
		n.recordNumber(booked, "booking number", p.BookingNumber, true)
	}
	var person *etree.Element
	p.Person, person = n.subject(subject)
	n.bornBy(xmlsafe.Child(person, nc("PersonBirthDate")), p.Person.DateOfBirth, p.AdmittedAt)
	n.arrests(b, p.AdmittedAt)
	return p
}

// formatTimeIn returns t as canonical.FormatTime writes it, in the
// offset of at, the time that a chronology message names first, so that
// the two times the message compares read alike.
func formatTimeIn(t, at time.Time) string {
	return canonical.FormatTime(t.In(at.Location()))
}

// bornBy records a violation of rule jsondoc.RuleBirthDate at birth, the
// element that gave the date of birth born, when born is after the day
// of booked in IST. A zero booked or an empty born passes.
func (n *niemDecoder) bornBy(birth *etree.Element, born string, booked time.Time) {
	if born == "" || booked.IsZero() {
		return
	}
	if day := booked.In(jsondoc.IST).Format(time.DateOnly); born > day {
		n.fail(xmlsafe.Pointer(birth), jsondoc.RuleBirthDate,
			"date of birth %s is after the booking date (j:Booking/nc:ActivityDate), %s", born, day)
	}
}

// arrests checks the nc:ActivityDate of each j:Arrest of the report, in
// its content or inline in the booking b: a valid date-time since 1900,
// not in the future and not after booked. The canonical movement has no
// field for the arrest time, so the hub keeps it only in the journal's
// copy of the report.
func (n *niemDecoder) arrests(b *etree.Element, booked time.Time) {
	arrests := xmlsafe.Children(n.content, jx("Arrest"))
	for _, inline := range xmlsafe.Children(b, jx("Arrest")) {
		// A reference names one of the content's arrests, checked above.
		if xmlsafe.Ref(inline) == "" {
			arrests = append(arrests, inline)
		}
	}
	for _, arrest := range arrests {
		date := xmlsafe.Child(arrest, nc("ActivityDate"))
		at := n.dateTime(date)
		if at.IsZero() {
			continue
		}
		reported := len(n.problems)
		n.notFuture(xmlsafe.Pointer(date), at)
		// An arrest in the future is after the booking too, so one violation reports both.
		if len(n.problems) == reported && !booked.IsZero() && at.After(booked) {
			n.fail(xmlsafe.Pointer(date), jsondoc.RuleChronology, "the arrest, %s, is after the booking, %s",
				canonical.FormatTime(at), formatTimeIn(booked, at))
		}
	}
}

// documentCreated checks the report's nc:DocumentCreationDate, which the
// hub keeps only in the journal's copy of the report: a valid date-time
// or date since 1900, not in the future.
func (n *niemDecoder) documentCreated() {
	if created := xmlsafe.Child(n.root, nc("DocumentCreationDate")); created != nil {
		n.notFuture(xmlsafe.Pointer(created), n.dateTime(created))
	}
}

// prisonerNumber records the violations at pointer of number, the
// prisoner number, as a prisons JSON document's prisoner.number gets
// them (recordNumber without a slash).
func (n *niemDecoder) prisonerNumber(pointer, number string) {
	n.recordNumber(pointer, "prisoner number", number, false)
}

// recordNumber records the violations at pointer of value, the value of
// field, that a prisons JSON document gives a code, or a record_number
// when slash is set. Rule maxLength is for more than
// canonical.MaxPrisonCodeLength characters, pattern for a fault that
// canonical.CheckCodeText finds and aadhaar-like for one that
// canonical.CheckRecordNumber finds.
func (n *niemDecoder) recordNumber(pointer, field, value string, slash bool) {
	if length := utf8.RuneCountInString(value); length > canonical.MaxPrisonCodeLength {
		n.fail(pointer, "maxLength", "%s has %d characters, more than %d",
			field, length, canonical.MaxPrisonCodeLength)
	}
	if err := canonical.CheckCodeText(field, value, slash); err != nil {
		n.fail(pointer, rulePattern, "%v", err)
	}
	if err := canonical.CheckRecordNumber(field, value); err != nil {
		n.fail(pointer, canonical.RuleAadhaarLike, "%v", err)
	}
}

// facility sets the prison code and name: the detention facility's
// identification and name, or the booking agency's when the report names
// no facility. Either may be given by structures:ref.
//
// The code is upper-cased, because NIEM systems outside India identify a
// facility by text such as "Pima County Adult Detention Complex", while
// routes, token scopes, the movement claims and the JSON movements
// compare prison codes as written and in upper case. A booking written
// "Pima County ..." and a release written "PIMA COUNTY ..." are then of
// one prisoner. The journaled body keeps the code as written.
func (n *niemDecoder) facility(b *etree.Element, p *canonical.Prisoner) {
	f := n.follow(xmlsafe.Child(b, jx("BookingDetentionFacility")))
	p.PrisonCode = idOf(f, nc("FacilityIdentification"))
	p.PrisonName = canonical.NormalizeText(xmlsafe.PathText(f, nc("FacilityName")))
	agency := n.follow(xmlsafe.Child(b, jx("BookingAgency")))
	if p.PrisonCode == "" {
		p.PrisonCode = idOf(agency, nc("OrganizationIdentification"))
	}
	if p.PrisonCode == "" {
		p.PrisonCode = canonical.NormalizeText(xmlsafe.PathText(agency, nc("OrganizationName")))
	}
	// strings.ToUpper maps each rune to one rune of the same class, so
	// the code's validity does not change.
	p.PrisonCode = strings.ToUpper(p.PrisonCode)
	switch {
	case p.PrisonCode == "":
		n.fail(under(b, "BookingDetentionFacility"), "required",
			"missing detention facility and booking agency: want one to name the prison")
	case !canonical.ValidPrisonCode(p.PrisonCode):
		n.fail(under(b, "BookingDetentionFacility"), "code", "invalid prison code %s: want at most "+
			"64 characters without a slash, which a case key cannot hold, surrounding space, "+
			"a control character or a character that shows as nothing or reorders the text "+
			"around it", canonical.QuoteMasked(p.PrisonCode))
	}
}

// subject reads the person the booking subject names, or else the
// release's person, or else the report's only nc:Person, and returns it
// with its element, nil when there is none.
func (n *niemDecoder) subject(subject *etree.Element) (canonical.Person, *etree.Element) {
	e := n.follow(xmlsafe.Child(subject, nc("RoleOfPerson")))
	if e == nil {
		e = n.follow(xmlsafe.Path(n.content, nc("Release"), nc("ReleasePerson")))
	}
	if people := xmlsafe.Children(n.content, nc("Person")); e == nil && len(people) == 1 {
		e = people[0]
	}
	if e == nil {
		n.fail(under(subject, "RoleOfPerson"), "required", "missing the booked person")
		return canonical.Person{}, nil
	}
	p := n.person(e)
	if len(p.Names) == 0 {
		n.fail(under(e, "PersonName"), "required", "missing the booked person's name")
	}
	return p, e
}

// housing joins the supervision area, cell and bed of j:Detention.
func (n *niemDecoder) housing() string {
	aug := xmlsafe.Path(n.content, jx("Detention"), jx("SupervisionAugmentation"))
	var parts []string
	for _, local := range []string{"SupervisionAreaIdentification", "SupervisionCellIdentification",
		"SupervisionBedIdentification"} {
		if v := idOf(aug, jx(local)); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// cnrShape matches an e-Courts CNR.
var cnrShape = regexp.MustCompile(`^[A-Z]{4}[0-9]{12}$`)

// cases reads each nc:Case whose tracking or docket id is an FIR key or a
// CNR. Cases with other numbers have no canonical reference and are left
// out.
func (n *niemDecoder) cases() []canonical.CaseRef {
	var out []canonical.CaseRef
	for _, c := range xmlsafe.Children(n.content, nc("Case")) {
		var ref canonical.CaseRef
		for _, local := range []string{"CaseTrackingID", "CaseDocketID"} {
			v := xmlsafe.PathText(c, nc(local))
			if f, err := canonical.ParseFIRKey(v); err == nil && ref.FIR == nil {
				ref.FIR = &f
			} else if cnrShape.MatchString(v) && ref.CNR == "" {
				ref.CNR = v
			}
		}
		if ref.Key() != "" {
			out = append(out, ref)
		}
	}
	return out
}

// arrestingAgency returns where an admitted person came from: the agency
// of the report's arrest, when it names one.
func (n *niemDecoder) arrestingAgency() canonical.Location {
	for _, arrest := range xmlsafe.Children(n.content, jx("Arrest")) {
		agency := xmlsafe.Child(arrest, jx("ArrestAgency"))
		if name := canonical.NormalizeText(xmlsafe.PathText(agency, nc("OrganizationName"))); name != "" {
			return canonical.Location{Kind: canonical.LocationOther, Name: name}
		}
	}
	return canonical.Location{}
}

func prisonLocation(p canonical.Prisoner) canonical.Location {
	if p.PrisonCode == "" {
		return canonical.Location{}
	}
	return canonical.Location{
		Kind: canonical.LocationPrison, Code: p.PrisonCode, Name: p.PrisonName,
	}
}

// releaseReason reads why and on what condition a person was released.
func releaseReason(rel *etree.Element) string {
	reason := canonical.NormalizeText(xmlsafe.PathText(rel, nc("ActivityReasonText")))
	if reason == "" {
		reason = canonical.NormalizeText(xmlsafe.PathText(rel, nc("ActivityDescriptionText")))
	}
	for _, cond := range xmlsafe.Children(rel, crx("ReleaseCondition")) {
		v := canonical.NormalizeText(xmlsafe.PathText(cond, nc("ActivityDescriptionText")))
		if v != "" {
			reason = strings.TrimPrefix(reason+"; release condition: "+v, "; ")
		}
	}
	return reason
}
