package courts

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// EncodeCallback writes a court_registration message as the ECF 4.0
// RecordDocketingCallbackMessage a court sends after docketing a filing,
// in the form Decode reads. m.SenderMessageID identifies the callback and
// m.CorrelationID names the filing it replies to. The hub does not send
// these; courts and the mock court do.
//
// NOTE: ECF also requires a ReviewedLeadDocument and, in a criminal case,
// at least one CaseCharge. The callback carries neither, because the
// registration has no use for them.
func EncodeCallback(m *canonical.Message) ([]byte, error) {
	if err := checkCallback(m); err != nil {
		return nil, fmt.Errorf("encoding docketing callback: %w", err)
	}
	reg := m.CourtRegistration
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("RecordDocketingCallbackMessage")
	root.CreateAttr("xmlns", nsCallback)
	declare(root, "criminal", nsCriminal)

	addDate(root, "nc:DocumentFiledDate", reg.FiledOn)
	addID(root, "nc:DocumentIdentification", m.SenderMessageID, "")
	addID(root, "nc:DocumentIdentification", m.CorrelationID, CategoryFilingID)
	addDateTime(root, "nc:DocumentPostDate", m.OccurredAt)
	addID(root, "ecf:SendingMDELocationID", reg.Court.Code, "")
	addText(root, "ecf:SendingMDEProfileCode", ProfileWebServices)

	registeredCase(root.CreateElement("criminal:CriminalCase"), reg)

	status := root.CreateElement("ecf:FilingStatus")
	addText(status, "nc:StatusDescriptionText", reg.Reason)
	addText(status, "ecf:FilingStatusCode", reg.Status)
	return writeDocument(doc)
}

func checkCallback(m *canonical.Message) error {
	if m.Type != canonical.TypeCourtRegistration || m.CourtRegistration == nil {
		return schemas.Invalid(schemas.Violation{Pointer: "/court_registration", Rule: "required",
			Message: fmt.Sprintf("message of type %q has no court_registration body", m.Type)})
	}
	var vs []schemas.Violation
	if m.SenderMessageID == "" {
		vs = append(vs, schemas.Violation{Pointer: "/sender_message_id", Rule: "required",
			Message: "missing callback id"})
	}
	if m.OccurredAt.IsZero() {
		vs = append(vs, schemas.Violation{Pointer: "/occurred_at", Rule: "required",
			Message: "missing time of the callback"})
	}
	reg := m.CourtRegistration
	if reg.CNR == "" && reg.FilingNumber == "" {
		vs = append(vs, schemas.Violation{Pointer: "/court_registration/cnr", Rule: "required",
			Message: "missing CNR or filing number"})
	}
	if !canonical.IsFilingStatus(reg.Status) {
		vs = append(vs, schemas.Violation{Pointer: "/court_registration/status", Rule: "enum",
			Message: fmt.Sprintf("filing status %q: want one of %s", reg.Status,
				strings.Join(canonical.FilingStatuses, ", "))})
	}
	return schemas.Invalid(vs...)
}

// registeredCase writes the court's case: the CNR as CaseTrackingID and
// the filing number as CaseDocketID, or, without a CNR, the court's own
// tracking id and the filing number, or the filing number alone. Then
// come the court, the next hearing, and the police case it came from.
func registeredCase(c *etree.Element, reg *canonical.CourtRegistration) {
	addText(c, "nc:CaseTitleText", reg.Title)
	switch {
	case reg.CNR != "":
		addText(c, "nc:CaseTrackingID", reg.CNR)
		addText(c, "nc:CaseDocketID", reg.FilingNumber)
	case reg.FIR != nil && reg.TrackingID != "":
		// The lineage names the FIR, so TrackingID is the court's own.
		addText(c, "nc:CaseTrackingID", reg.TrackingID)
		addText(c, "nc:CaseDocketID", reg.FilingNumber)
	default:
		addText(c, "nc:CaseTrackingID", reg.FilingNumber)
	}

	aug := c.CreateElement("j:CaseAugmentation")
	addCourt(aug, reg.Court)
	if reg.NextHearing != "" {
		ev := aug.CreateElement("j:CaseCourtEvent")
		addText(ev, "nc:ActivityDescriptionText", "next hearing")
		addDate(ev.CreateElement("j:CourtEventSchedule"), "nc:ScheduleDate", reg.NextHearing)
	}
	if reg.FIR != nil || reg.TrackingID != "" {
		lineage := aug.CreateElement("j:CaseLineageCase")
		tracking := reg.TrackingID
		if reg.FIR != nil {
			tracking = reg.FIR.Key()
			addID(lineage, "nc:ActivityIdentification", reg.FIR.NationalID, CategoryFIRNationalID)
		}
		addText(lineage, "nc:CaseTrackingID", tracking)
	}
	c.CreateElement("ecf:CaseAugmentation")
}
