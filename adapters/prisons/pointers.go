package prisons

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// movementFields are the canonical fields of a movement, under
// /prisoner_movement, that a JSON movement holds at the same pointer
// from its root. A case's court is left out: the document names its
// code establishment_code.
var movementFields = []string{
	"/at", "/kind", "/reason", "/release_ground", "/from", "/to",
	"/prisoner/prison_code", "/prisoner/prison_name", "/prisoner/number",
	"/prisoner/booking_number", "/prisoner/custody_status", "/prisoner/admitted_at",
}

// BodyPointer returns the pointer, in doc, the prison's document that m
// was decoded from, of the canonical field at pointer. It implements
// adapters.BodyPointers. It maps the message type of a court order,
// which only a JSON document carries, the correlation id of a JSON
// movement to its in_reply_to, and the fields of a JSON movement that
// the document contains at the same place. In a NIEM report it maps
// the time, the prison and the prisoner number, and no other field.
func (a *Adapter) BodyPointer(doc adapters.Document, m *canonical.Message, pointer string) (string, bool) {
	if pointer == "/type" && m.Type == canonical.TypeCourtOrder {
		return "/document_type", true
	}
	rest, ok := strings.CutPrefix(pointer, "/prisoner_movement")
	if m.Type != canonical.TypeMovement || m.Movement == nil || (!ok && pointer != "/correlation_id") {
		return "", false
	}
	xml, err := isXML(doc.Body, doc.ContentType)
	switch {
	case err != nil:
		return "", false
	case pointer == "/correlation_id":
		// Only a JSON movement carries in_reply_to.
		return "/in_reply_to", !xml
	case xml:
		return niemPointer(doc.Body, m.Movement, rest)
	}
	for _, f := range movementFields {
		if tail, ok := strings.CutPrefix(rest, f); ok && (tail == "" || tail[0] == '/') {
			return rest, true
		}
	}
	return "", false
}

// niemPointer returns the element path, in the NIEM report body that mv
// was decoded from, of the movement's field at pointer, relative to
// /prisoner_movement, as the decoder's violations name it.
func niemPointer(body []byte, mv *canonical.Movement, pointer string) (string, bool) {
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if err != nil {
		return "", false
	}
	content := niemContent(doc.Root())
	b := xmlsafe.Child(content, jx("Booking"))
	if b == nil {
		return "", false
	}
	switch {
	case pointer == "/at" && mv.Kind == canonical.MoveRelease:
		return under(content, "Release/ActivityDate"), true
	case pointer == "/at", pointer == "/prisoner/admitted_at":
		return under(b, "ActivityDate"), true
	case pointer == "/prisoner/prison_code":
		return under(b, "BookingDetentionFacility"), true
	case pointer == "/prisoner/number":
		if xmlsafe.Path(b, jx("BookingSubject"), jx("SubjectIdentification")) != nil {
			return under(xmlsafe.Child(b, jx("BookingSubject")), "SubjectIdentification/IdentificationID"), true
		}
		return under(b, "BookingAgencyRecordIdentification/IdentificationID"), true
	}
	return "", false
}

// niemContent returns the element of a NIEM report root that holds its
// content: the root of a booking report, crr-ext:Custody of a custody
// release report that has one.
func niemContent(root *etree.Element) *etree.Element {
	if xmlsafe.Is(root, xmlsafe.Name{Space: nsReleaseReport, Local: "CustodyReleaseReport"}) {
		if custody := xmlsafe.Child(root, crx("Custody")); custody != nil {
			return custody
		}
	}
	return root
}
