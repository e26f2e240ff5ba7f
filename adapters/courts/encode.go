package courts

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Encode writes a chargesheet as an ECF 4.0 CoreFilingMessage with a
// criminal case. The filing's DocumentIdentification is m.ID, so the
// court's callback can name the filing it replies to. Other message types
// return an error wrapping adapters.ErrUnsupported. The output depends
// only on m: Encode reads no clock.
func (a *Adapter) Encode(m *canonical.Message) (adapters.Encoded, error) {
	if m.Type != canonical.TypeChargesheet {
		return adapters.Encoded{}, fmt.Errorf("encoding %q for courts: %w", m.Type, adapters.ErrUnsupported)
	}
	if err := checkFiling(m); err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding chargesheet: %w", err)
	}
	body, err := writeDocument(a.filing(m))
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding chargesheet: %w", err)
	}
	return adapters.Encoded{Body: body, ContentType: ContentType}, nil
}

// checkFiling reports what a filing cannot do without, by JSON pointer
// into the canonical message.
func checkFiling(m *canonical.Message) error {
	var vs []schemas.Violation
	if m.ID == "" {
		vs = append(vs, schemas.Violation{Pointer: "/id", Rule: "required",
			Message: "missing hub message id, which the court's callback returns"})
	}
	if m.OccurredAt.IsZero() {
		vs = append(vs, schemas.Violation{Pointer: "/occurred_at", Rule: "required",
			Message: "missing time of the report"})
	}
	cs := m.Chargesheet
	if cs == nil {
		vs = append(vs, schemas.Violation{Pointer: "/chargesheet", Rule: "required",
			Message: "missing chargesheet body"})
		return schemas.Invalid(vs...)
	}
	if cs.FIR == nil && cs.TrackingID == "" {
		vs = append(vs, schemas.Violation{Pointer: "/chargesheet/fir", Rule: "required",
			Message: "missing FIR or tracking id: the filing needs a case to name"})
	}
	if cs.Court.Code == "" {
		vs = append(vs, schemas.Violation{Pointer: "/chargesheet/court/code", Rule: "required",
			Message: "missing court code: the filing must name the court it is filed in"})
	}
	if len(cs.Charges) == 0 {
		vs = append(vs, schemas.Violation{Pointer: "/chargesheet/charges", Rule: "required",
			Message: "missing charges: the filing must list at least one section"})
	}
	return schemas.Invalid(vs...)
}

// filing builds the CoreFilingMessage document for m.
func (a *Adapter) filing(m *canonical.Message) *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("core:CoreFilingMessage")
	declare(root, "core", nsCore)
	declare(root, "criminal", nsCriminal)

	addID(root, "nc:DocumentIdentification", m.ID, "")
	addDateTime(root, "nc:DocumentPostDate", m.OccurredAt)
	addID(root, "ecf:SendingMDELocationID", a.locationID(), "")
	addText(root, "ecf:SendingMDEProfileCode", ProfileWebServices)

	cs := m.Chargesheet
	criminalCase(root.CreateElement("criminal:CriminalCase"), cs)
	leadDocument(root.CreateElement("core:FilingLeadDocument"), cs)
	return doc
}

// declare writes the namespace declarations every document shares, and
// one more.
func declare(root *etree.Element, prefix, space string) {
	root.CreateAttr("xmlns:"+prefix, space)
	root.CreateAttr("xmlns:ecf", nsECF)
	root.CreateAttr("xmlns:j", nsJ)
	root.CreateAttr("xmlns:nc", nsNC)
	root.CreateAttr("xmlns:s", nsS)
}

func criminalCase(c *etree.Element, cs *canonical.Chargesheet) {
	trackingID := cs.TrackingID
	if cs.FIR != nil {
		trackingID = cs.FIR.Key()
		if cs.FIR.NationalID != "" {
			addID(c, "nc:ActivityIdentification", cs.FIR.NationalID, CategoryFIRNationalID)
		}
	}
	addText(c, "nc:ActivityDescriptionText", cs.BriefFacts)
	addText(c, "nc:CaseTitleText", cs.Title)
	addText(c, "nc:CaseTrackingID", trackingID)
	addText(c, "nc:CaseDocketID", cs.CNR)

	parties := participants(cs)
	aug := c.CreateElement("j:CaseAugmentation")
	addCourt(aug, cs.Court)
	for _, p := range parties {
		if p.role == roleDefendant {
			ref := aug.CreateElement("j:CaseDefendantParty").CreateElement("nc:EntityPersonReference")
			ref.CreateAttr("s:ref", p.id)
		}
	}
	ecfAug := c.CreateElement("ecf:CaseAugmentation")
	for _, p := range parties {
		p.write(ecfAug)
	}
	officerAssociation(ecfAug, cs.InvestigatingOfficer)

	for i, ch := range cs.Charges {
		addCharge(c.CreateElement("criminal:CaseCharge"), i, ch, cs.OccurredFrom)
	}
}

func addCourt(aug *etree.Element, court canonical.Court) {
	if court.Code == "" && court.Name == "" {
		return
	}
	e := aug.CreateElement("j:CaseCourt")
	addID(e, "nc:OrganizationIdentification", court.Code, "")
	addText(e, "j:CourtName", court.Name)
}

// addCharge writes one charge. The sequence is the charge's own, or its
// position from 1 when it has none. The offence date, when known, is
// the nc:ActivityDate of the charge's offence.
//
// A charge whose section has an equivalent in the other penal code gets
// a second j:ChargeStatute with it; decoding reads the first.
//
// NOTE: whether the NIEM subset shipped with ECF 4.0 admits a second
// j:ChargeStatute has not been checked against its schema.
//
// NOTE: only when the offence began is written. The chargesheet's
// OccurredTo is left out of the filing: ECF 4.0's sample filings date an
// offence with nc:ActivityDate alone, and whether its NIEM subset
// admits nc:ActivityDateRange there has not been checked.
func addCharge(e *etree.Element, i int, ch canonical.Charge, occurred time.Time) {
	seq := ch.Sequence
	if seq == 0 {
		seq = i + 1
	}
	addID(e, "j:ChargeSequenceID", strconv.Itoa(seq), "")
	st := e.CreateElement("j:ChargeStatute")
	addID(st, "j:StatuteCodeIdentification", ch.Act, "")
	addID(st, "j:StatuteCodeSectionIdentification", ch.Section, "")
	addText(st, "j:StatuteDescriptionText", ch.Description)
	addID(st, "j:StatuteOffenseIdentification", ch.OffenseID, "")
	if eq := ch.Equivalent; eq != nil {
		// The same offence's section in the other penal code, for a court
		// that reads one code: BNS replaced IPC on 1 July 2024.
		alt := e.CreateElement("j:ChargeStatute")
		addID(alt, "j:StatuteCodeIdentification", eq.Act, "")
		addID(alt, "j:StatuteCodeSectionIdentification", eq.Section, "")
	}
	// ECF requires both: the offence details travel in the statute, and
	// a charge filed by the police is never an amendment.
	offense := e.CreateElement("criminal:ChargeOffense")
	if !occurred.IsZero() {
		addDateTime(offense, "nc:ActivityDate", occurred)
	}
	addText(e, "criminal:ChargeAmendedIndicator", "false")
}

// leadDocument describes the final report itself: its kind, number, date
// and whether it is supplementary.
//
// NOTE: ECF requires a DocumentRendition with the document's binary. The
// hub carries the report's data, not its signed copy, so none is written.
func leadDocument(e *etree.Element, cs *canonical.Chargesheet) {
	e.CreateAttr("s:id", "LeadDocument")
	kind := cs.Kind
	if kind == "" {
		kind = canonical.FinalChargesheet
	}
	addText(e, "nc:DocumentCategoryText", string(kind))
	addText(e, "nc:DocumentDescriptionText", "Police final report: "+string(kind))
	addDate(e, "nc:DocumentFiledDate", cs.FiledOn)
	addID(e, "nc:DocumentIdentification", cs.ReportNumber, "")

	meta := e.CreateElement("ecf:DocumentMetadata")
	action := registerFinalReport
	if cs.Supplementary > 0 {
		action = registerSupplementary + strconv.Itoa(cs.Supplementary)
	}
	addText(meta, "j:RegisterActionDescriptionText", action)
	meta.CreateElement("ecf:FilingAttorneyID")
	meta.CreateElement("ecf:FilingPartyID")
}

// addText adds <tag>text</tag> to parent unless text is empty.
func addText(parent *etree.Element, tag, text string) *etree.Element {
	if text == "" {
		return nil
	}
	e := parent.CreateElement(tag)
	e.SetText(text)
	return e
}

// addID adds an identification element with its IdentificationID and,
// when category is set, its IdentificationCategoryText. It adds nothing
// when id is empty.
func addID(parent *etree.Element, tag, id, category string) *etree.Element {
	if id == "" {
		return nil
	}
	e := parent.CreateElement(tag)
	addText(e, "nc:IdentificationID", id)
	addText(e, "nc:IdentificationCategoryText", category)
	return e
}

// addDate adds <tag><nc:Date>date</nc:Date></tag> unless date is empty.
func addDate(parent *etree.Element, tag, date string) {
	if date == "" {
		return
	}
	addText(parent.CreateElement(tag), "nc:Date", date)
}

// addDateTime adds <tag><nc:DateTime>t</nc:DateTime></tag> in RFC 3339,
// keeping t's offset.
func addDateTime(parent *etree.Element, tag string, t time.Time) {
	addText(parent.CreateElement(tag), "nc:DateTime", t.Format(time.RFC3339Nano))
}

func writeDocument(doc *etree.Document) ([]byte, error) {
	doc.Indent(2)
	return doc.WriteToBytes()
}
