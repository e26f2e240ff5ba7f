package courts

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// filingSingles records a maxItems violation at the second of each
// repeated element whose one value the hub reads from a filing, case
// element c. Without it the hub would read the first and ignore the rest,
// so a filing with two CaseTrackingIDs would reach the court under the
// first FIR alone. Defendants, charges, names, identifications and
// addresses may repeat.
func (d *decoder) filingSingles(c *etree.Element) {
	d.oneCase("because a filing files one case")
	d.headerSingles(headerReasons{
		date:     "because it gives the filing's date",
		ownID:    "because it gives the filing's own id",
		filingID: "because it gives the id of the filing it refers to",
	})
	d.leadDocumentSingles()

	d.onePath(c, "because it gives the FIR key or the case number", nc("CaseTrackingID"))
	d.onePath(c, "because it gives the case's title", nc("CaseTitleText"))
	d.onePath(c, "because it gives the CNR of a supplementary report's case", nc("CaseDocketID"))
	d.onePath(c, "because it gives the brief facts", nc("ActivityDescriptionText"))
	d.oneOfCategory(nsNC, c, nc("ActivityIdentification"), CategoryFIRNationalID,
		"because it gives the CCTNS national FIR id")
	d.oneCaseCourt(c)
	d.officerSingles(d.onePath(c, "because it gives the investigating officer", ecf("CaseAugmentation")))

	for _, party := range parties(c) {
		for _, entity := range party.ChildElements() {
			if target, err := d.refs.Follow(entity); err == nil {
				d.accusedSingles(target)
			}
		}
	}
	charges := xmlsafe.Children(c, name(nsCriminal, "CaseCharge"))
	charges = append(charges, xmlsafe.Children(xmlsafe.Child(c, jx("CaseAugmentation")), jx("CaseCharge"))...)
	for _, charge := range charges {
		d.chargeSingles(charge)
	}
}

// leadDocumentSingles checks the core:FilingLeadDocument, from which the
// hub reads the final report's kind, number, date and supplementary
// number.
func (d *decoder) leadDocumentSingles() {
	const want = "because the hub reads the final report from one lead document"
	doc := d.onePath(d.root, want, name(nsCore, "FilingLeadDocument"))
	if doc == nil {
		return
	}
	var kinds []*etree.Element
	for _, cat := range xmlsafe.Children(doc, nc("DocumentCategoryText")) {
		if _, ok := reportKind(xmlsafe.Text(cat)); ok {
			kinds = append(kinds, cat)
		}
	}
	d.oneOfKind(kinds, doc, "that name a final report kind", "because it gives the report's kind")
	d.onePath(doc, "because it gives the report number", nc("DocumentIdentification"), nc("IdentificationID"))
	d.oneDate(nsNC, doc, "because it gives the filing date", nc("DocumentFiledDate"))
	d.onePath(doc, "because it gives the supplementary report number", ecf("DocumentMetadata"),
		jx("RegisterActionDescriptionText"))
}

// officerSingles checks the investigating officer in aug, the case's
// ecf:CaseAugmentation: the participant of that role, the officer's name,
// rank and service number, and the employer association's police station.
func (d *decoder) officerSingles(aug *etree.Element) {
	const want = "because a filing names one investigating officer"
	var officers []*etree.Element
	for _, p := range xmlsafe.Children(aug, ecf("CaseParticipant")) {
		if strings.EqualFold(xmlsafe.PathText(p, ecf("CaseParticipantRoleCode")), roleOfficer) {
			officers = append(officers, p)
		}
	}
	d.oneOfKind(officers, aug, "of role "+roleOfficer, want)
	if len(officers) == 0 {
		return
	}
	d.onePath(officers[0], want, ecf("CaseParticipantRoleCode"))
	person := d.onePath(officers[0], want, ecf("EntityPerson"))
	name := d.onePath(person, "because it gives the officer's name", nc("PersonName"))
	d.onePath(name, "because it gives the officer's rank", nc("PersonNamePrefixText"))
	d.nameSingles(nsNC, name)
	d.oneOfCategory(nsNC, person, nc("PersonOtherIdentification"), CategoryOfficerID,
		"because it gives the officer's service number")

	for _, assoc := range xmlsafe.Children(aug, ecf("PersonOrganizationAssociation")) {
		ref := xmlsafe.Child(assoc, nc("PersonReference"))
		if target, err := d.refs.Follow(ref); ref == nil || err != nil || target != person {
			continue
		}
		const station = "because it gives the officer's police station"
		d.onePath(assoc, station, nc("PersonReference"))
		org, err := d.refs.Follow(d.onePath(assoc, station, nc("OrganizationReference")))
		if err == nil {
			d.onePath(org, station, nc("OrganizationIdentification"), nc("IdentificationID"))
		}
		return
	}
}

// accusedSingles checks a defendant that a party names: an
// ecf:CaseParticipant holding the person, or the person itself.
func (d *decoder) accusedSingles(target *etree.Element) {
	person, holder := target, target
	if xmlsafe.Is(target, ecf("CaseParticipant")) {
		person = d.onePath(target, "because a participant is one person", ecf("EntityPerson"))
	} else if p := target.Parent(); xmlsafe.Is(p, ecf("CaseParticipant")) {
		holder = p
	}
	if !isPerson(person) {
		return
	}
	d.personSingles(person)
	d.addressSingles(holder)
	if holder != person {
		augmentation := d.onePath(person, "because it gives the person's addresses", ecf("PersonAugmentation"))
		d.addressSingles(augmentation)
	}
}

// personSingles checks the parts of a person that the hub reads once:
// the parts of each name, the birth date, age and sex, and the tax and
// state identifications.
func (d *decoder) personSingles(person *etree.Element) {
	for _, local := range []string{"PersonName", "PersonAlternateName"} {
		for _, n := range xmlsafe.Children(person, nc(local)) {
			d.nameSingles(nsNC, n)
		}
	}

	const birth = "because it gives the date of birth"
	d.oneDate(nsNC, person, birth, nc("PersonBirthDate"))
	d.onePath(person, birth, nc("PersonBirthDate"), nc("Year"))
	d.onePath(person, "because it gives the age", nc("PersonAgeMeasure"), nc("MeasurePointValue"))
	const sex = "because it gives the sex"
	d.onePath(person, sex, nc("PersonSexCode"))
	d.onePath(person, sex, nc("PersonSexText"))

	ids := xmlsafe.Children(person, nc("PersonOtherIdentification"))
	for _, local := range []string{"PersonTaxIdentification", "PersonStateIdentification"} {
		if id := d.onePath(person, "because it gives one identifier", nc(local)); id != nil {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		d.identificationSingles(nsNC, id)
	}
}

// nameSingles checks the given, middle, family and full name of a
// PersonNameType in the NIEM core namespace core, of which the hub reads
// one each.
func (d *decoder) nameSingles(core string, personName *etree.Element) {
	for _, local := range []string{"PersonGivenName", "PersonMiddleName", "PersonSurName", "PersonFullName"} {
		d.onePath(personName, "because it gives one name", name(core, local))
	}
}

// identificationSingles checks the number, category and issuer of an
// IdentificationType in the NIEM core namespace core, of which the hub
// reads one each.
func (d *decoder) identificationSingles(core string, id *etree.Element) {
	for _, local := range []string{"IdentificationID", "IdentificationCategoryText", "IdentificationSourceText"} {
		d.onePath(id, "because it gives one identifier", name(core, local))
	}
}

// addressSingles checks the parts of each mailing address in the
// nc:ContactInformation children of e, of which the hub reads one each.
func (d *decoder) addressSingles(e *etree.Element) {
	const want = "because it gives one address"
	for _, ci := range xmlsafe.Children(e, nc("ContactInformation")) {
		for _, ma := range xmlsafe.Children(ci, nc("ContactMailingAddress")) {
			d.onePath(ma, want, nc("AddressFullText"))
			s := d.onePath(ma, want, nc("StructuredAddress"))
			for _, local := range []string{"LocationCityName", "LocationCountyName", "LocationStateName",
				"LocationStateUSPostalServiceCode", "LocationCountryISO3166Alpha2Code", "LocationPostalCode",
				"AddressDeliveryPointID", "AddressSecondaryUnitText"} {
				d.onePath(s, want, nc(local))
			}
			street := d.onePath(s, want, nc("LocationStreet"))
			for _, local := range []string{"StreetFullText", "StreetNumberText", "StreetPredirectionalText",
				"StreetName", "StreetCategoryText", "StreetPostdirectionalText"} {
				d.onePath(street, want, nc(local))
			}
		}
	}
}

// chargeSingles checks a charge's sequence number, first statute and
// offence dates, of which the hub reads one each. A later j:ChargeStatute
// may repeat the offence in the other penal code, as Encode writes it,
// and the hub reads only the first.
func (d *decoder) chargeSingles(charge *etree.Element) {
	const want = "because a charge names one offence"
	d.onePath(charge, want, jx("ChargeSequenceID"), nc("IdentificationID"))
	d.onePath(charge, want, jx("ChargeDescriptionText"))
	statute := xmlsafe.Child(charge, jx("ChargeStatute"))
	for _, local := range []string{"StatuteCodeIdentification", "StatuteCodeSectionIdentification",
		"StatuteOffenseIdentification"} {
		d.onePath(statute, want, jx(local), nc("IdentificationID"))
	}
	d.onePath(statute, want, jx("StatuteDescriptionText"))

	const when = "because it gives when the offence occurred"
	offense := d.onePath(charge, when, name(nsCriminal, "ChargeOffense"))
	d.oneDate(nsNC, offense, when, nc("ActivityDate"))
	r := d.onePath(offense, when, nc("ActivityDateRange"))
	d.oneDate(nsNC, r, when, nc("StartDate"))
	d.oneDate(nsNC, r, when, nc("EndDate"))
}
