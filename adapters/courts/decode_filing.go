package courts

import (
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// filing decodes a CoreFilingMessage into a chargesheet message.
func (d *decoder) filing() canonical.Message {
	m := canonical.Message{Type: canonical.TypeChargesheet}
	d.header(&m)
	cs := &canonical.Chargesheet{Kind: canonical.FinalChargesheet}
	m.Chargesheet = cs

	c := caseElement(d.root)
	if c == nil {
		d.fail(under(d.root, "CriminalCase"), "required",
			"missing case: want criminal:CriminalCase or another ECF 4.0 case element")
		return m
	}
	d.leadDocument(cs)
	cs.FIR, cs.TrackingID = d.fir(c)
	if cs.FIR != nil {
		d.checkNationalID(c, nsNC, cs.FIR.NationalID)
	}
	if cs.FIR == nil && cs.TrackingID == "" {
		d.fail(under(c, "CaseTrackingID"), "required", "missing case tracking id (FIR key or case number)")
	}
	cs.Title = canonical.NormalizeText(xmlsafe.PathText(c, nc("CaseTitleText")))
	cs.CNR = d.filingCNR(c, cs.Supplementary)
	cs.BriefFacts = xmlsafe.PathText(c, nc("ActivityDescriptionText"))
	cs.Court = d.court(c)
	cs.Accused = d.defendants(c)
	if len(cs.Accused) == 0 && cs.Kind == canonical.FinalChargesheet {
		d.fail(under(c, "CaseAugmentation/CaseDefendantParty"), "required",
			"missing defendant: a chargesheet charges at least one person")
	}
	cs.InvestigatingOfficer = d.officer(c)
	cs.Charges, cs.OccurredFrom, cs.OccurredTo = d.charges(c)
	d.filingSingles(c)

	m.CaseKey = caseKey(cs.FIR, "", cs.TrackingID)
	return m
}

// filingCNR reads the CNR that a supplementary report's CaseDocketID
// gives. An original report opens a case, so it may not name one.
func (d *decoder) filingCNR(c *etree.Element, supplementary int) string {
	docket := xmlsafe.Child(c, nc("CaseDocketID"))
	if docket == nil {
		return ""
	}
	cnr := strings.ToUpper(xmlsafe.Text(docket))
	if supplementary == 0 {
		d.fail(xmlsafe.Pointer(docket), "original-report",
			"an original final report opens a court case, so it names no CaseDocketID; "+
				"a supplementary report names its case's CNR there")
		return ""
	}
	if _, err := canonical.ParseCNR(cnr); err != nil {
		d.fail(xmlsafe.Pointer(docket), "cnr", "%v", err)
		return ""
	}
	return cnr
}

// parties returns the j:CaseDefendantParty and j:CaseRespondentParty
// elements of case element c, in document order.
func parties(c *etree.Element) []*etree.Element {
	var out []*etree.Element
	if aug := xmlsafe.Child(c, jx("CaseAugmentation")); aug != nil {
		for _, e := range aug.ChildElements() {
			if xmlsafe.Is(e, jx("CaseDefendantParty")) || xmlsafe.Is(e, jx("CaseRespondentParty")) {
				out = append(out, e)
			}
		}
	}
	return out
}

// defendants reads the persons that j:CaseDefendantParty and
// j:CaseRespondentParty name, in document order, each once.
func (d *decoder) defendants(c *etree.Element) []canonical.Accused {
	seen := map[*etree.Element]bool{}
	var out []canonical.Accused
	for _, party := range parties(c) {
		for _, entity := range party.ChildElements() {
			target, err := d.refs.Follow(entity)
			if err != nil {
				d.fail(xmlsafe.Pointer(entity), "reference", "%v", err)
				continue
			}
			if seen[target] {
				continue
			}
			seen[target] = true
			if a, ok := d.accused(target); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// accused reads a defendant from the element a party names: an
// ecf:CaseParticipant holding the person, or the person itself.
func (d *decoder) accused(target *etree.Element) (canonical.Accused, bool) {
	person, holder := target, target
	if xmlsafe.Is(target, ecf("CaseParticipant")) {
		person = xmlsafe.Child(target, ecf("EntityPerson"))
	} else if p := target.Parent(); xmlsafe.Is(p, ecf("CaseParticipant")) {
		holder = p
	}
	if !isPerson(person) {
		d.fail(xmlsafe.Pointer(target), "reference", "defendant party does not name a person")
		return canonical.Accused{}, false
	}
	p := d.person(person)
	p.Addresses = append(p.Addresses, addresses(holder)...)
	if holder != person {
		p.Addresses = append(p.Addresses, addresses(xmlsafe.Child(person, ecf("PersonAugmentation")))...)
	}
	p.Normalize()
	return canonical.Accused{Person: p, Charged: true}, true
}

// personElements are the elements that hold a person's NIEM content.
var personElements = []xmlsafe.Name{ecf("EntityPerson"), nc("EntityPerson"), nc("Person")}

func isPerson(e *etree.Element) bool {
	for _, n := range personElements {
		if xmlsafe.Is(e, n) {
			return true
		}
	}
	return false
}

// officer reads the ecf:CaseParticipant whose role is the investigating
// officer, with the police station the officer is associated with.
func (d *decoder) officer(c *etree.Element) canonical.Officer {
	aug := xmlsafe.Child(c, ecf("CaseAugmentation"))
	for _, p := range xmlsafe.Children(aug, ecf("CaseParticipant")) {
		role := xmlsafe.PathText(p, ecf("CaseParticipantRoleCode"))
		if !strings.EqualFold(role, roleOfficer) {
			continue
		}
		person := xmlsafe.Child(p, ecf("EntityPerson"))
		name := xmlsafe.Child(person, nc("PersonName"))
		o := canonical.Officer{
			Name: canonical.NormalizeText(xmlsafe.PathText(name, nc("PersonFullName"))),
			Rank: canonical.NormalizeText(xmlsafe.PathText(name, nc("PersonNamePrefixText"))),
		}
		if o.Name == "" {
			o.Name = canonical.NormalizeText(joinName(name))
		}
		for _, id := range xmlsafe.Children(person, nc("PersonOtherIdentification")) {
			if strings.EqualFold(xmlsafe.PathText(id, nc("IdentificationCategoryText")), CategoryOfficerID) {
				value := xmlsafe.Child(id, nc("IdentificationID"))
				d.checkIdentification(value)
				o.ID = xmlsafe.Text(value)
			}
		}
		o.PoliceStation = d.employer(aug, person)
		return o
	}
	return canonical.Officer{}
}

// employer returns the identification of the organisation that an
// ecf:PersonOrganizationAssociation links to person.
func (d *decoder) employer(aug, person *etree.Element) string {
	for _, assoc := range xmlsafe.Children(aug, ecf("PersonOrganizationAssociation")) {
		ref := xmlsafe.Child(assoc, nc("PersonReference"))
		if ref == nil {
			continue
		}
		if target, err := d.refs.Follow(ref); err != nil || target != person {
			continue
		}
		org, err := d.refs.Follow(xmlsafe.Child(assoc, nc("OrganizationReference")))
		if err != nil {
			d.fail(xmlsafe.Pointer(assoc), "reference", "%v", err)
			return ""
		}
		return xmlsafe.PathText(org, nc("OrganizationIdentification"), nc("IdentificationID"))
	}
	return ""
}

// charges reads every criminal:CaseCharge of the case, and any
// j:CaseCharge of its justice augmentation. It returns the earliest
// offence date and the latest offence end date among them, each zero
// when no charge states one.
func (d *decoder) charges(c *etree.Element) (charges []canonical.Charge, from, to time.Time) {
	elems := xmlsafe.Children(c, name(nsCriminal, "CaseCharge"))
	elems = append(elems, xmlsafe.Children(xmlsafe.Child(c, jx("CaseAugmentation")), jx("CaseCharge"))...)
	if len(elems) == 0 {
		d.fail(under(c, "CaseCharge"), "required", "missing charge: a final report names at least one")
	}
	charges = make([]canonical.Charge, 0, len(elems))
	for i, e := range elems {
		charges = append(charges, d.charge(e, i))
		start, end := d.offenceDates(xmlsafe.Child(e, name(nsCriminal, "ChargeOffense")))
		if !start.IsZero() && (from.IsZero() || start.Before(from)) {
			from = start
		}
		if end.After(to) {
			to = end
		}
	}
	return charges, from, to
}

// offenceDates reads when the offence of a criminal:ChargeOffense
// occurred: its nc:ActivityDate, or the start and end of its
// nc:ActivityDateRange.
func (d *decoder) offenceDates(offense *etree.Element) (start, end time.Time) {
	read := func(e *etree.Element) time.Time {
		if e == nil {
			return time.Time{}
		}
		t, err := dateTimeOf(e)
		if err != nil {
			d.fail(xmlsafe.Pointer(e), dateRule(err, "date-time"), "%v", err)
			return time.Time{}
		}
		d.notFuture(e, t)
		return t
	}
	if e := xmlsafe.Child(offense, nc("ActivityDate")); e != nil {
		return read(e), time.Time{}
	}
	r := xmlsafe.Child(offense, nc("ActivityDateRange"))
	return read(xmlsafe.Child(r, nc("StartDate"))), read(xmlsafe.Child(r, nc("EndDate")))
}

func (d *decoder) charge(e *etree.Element, i int) canonical.Charge {
	ch := canonical.Charge{Sequence: i + 1}
	if seq := xmlsafe.Child(e, jx("ChargeSequenceID")); seq != nil {
		v := xmlsafe.PathText(seq, nc("IdentificationID"))
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			d.fail(xmlsafe.Pointer(seq), "integer", "invalid charge sequence %s: want a number from 1", canonical.QuoteMasked(v))
		} else {
			ch.Sequence = n
		}
	}
	st := xmlsafe.Child(e, jx("ChargeStatute"))
	ch.Act = canonical.NormalizeText(xmlsafe.PathText(st, jx("StatuteCodeIdentification"), nc("IdentificationID")))
	ch.Section = canonical.NormalizeText(xmlsafe.PathText(st, jx("StatuteCodeSectionIdentification"), nc("IdentificationID")))
	ch.OffenseID = xmlsafe.PathText(st, jx("StatuteOffenseIdentification"), nc("IdentificationID"))
	ch.Description = canonical.NormalizeText(xmlsafe.PathText(st, jx("StatuteDescriptionText")))
	if ch.Description == "" {
		ch.Description = canonical.NormalizeText(xmlsafe.PathText(e, jx("ChargeDescriptionText")))
	}

	if ch.Act == "" {
		d.fail(under(e, "ChargeStatute/StatuteCodeIdentification/IdentificationID"), "required",
			"missing statute (act) of the charge")
	}
	if err := canonical.CheckSection(ch.Act, ch.Section); err != nil {
		d.fail(under(e, "ChargeStatute/StatuteCodeSectionIdentification"), "section", "%v", err)
	}
	return ch.WithEquivalent()
}

// leadDocument reads the final report's kind, number, date and
// supplementary number from the first core:FilingLeadDocument.
func (d *decoder) leadDocument(cs *canonical.Chargesheet) {
	doc := xmlsafe.Child(d.root, name(nsCore, "FilingLeadDocument"))
	if doc == nil {
		return
	}
	for _, cat := range xmlsafe.Children(doc, nc("DocumentCategoryText")) {
		if kind, ok := reportKind(xmlsafe.Text(cat)); ok {
			cs.Kind = kind
		}
	}
	cs.ReportNumber = xmlsafe.PathText(doc, nc("DocumentIdentification"), nc("IdentificationID"))
	cs.FiledOn = d.pastDateSince1900(xmlsafe.Child(doc, nc("DocumentFiledDate")))

	action := xmlsafe.Path(doc, ecf("DocumentMetadata"), jx("RegisterActionDescriptionText"))
	rest, ok := strings.CutPrefix(strings.ToLower(xmlsafe.Text(action)), registerSupplementary)
	if !ok {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(rest))
	if err != nil || n < 1 {
		d.fail(xmlsafe.Pointer(action), "integer",
			"invalid supplementary report number %s: want %q and a number from 1",
			canonical.QuoteMasked(xmlsafe.Text(action)), registerSupplementary)
		return
	}
	cs.Supplementary = n
}

// reportKind maps a document category to a final report kind.
func reportKind(category string) (canonical.FinalReportKind, bool) {
	switch k := canonical.FinalReportKind(strings.ToLower(category)); k {
	case canonical.FinalChargesheet, canonical.FinalUndetected, canonical.FinalUntraced,
		canonical.FinalFalseCase, canonical.FinalMistakeOfFact, canonical.FinalCivilNature:
		return k, true
	}
	return "", false
}
