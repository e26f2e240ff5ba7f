package courts

import (
	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// singles records a maxItems violation at the second of each repeated
// element whose one value the hub reads from an order. Without it the hub
// would read the first and ignore the rest, so a second prisoner or
// prison would be lost. The document id, the case number and the courts'
// identifications are checked where they are read.
func (o *orderDecoder) singles() {
	v, e := o.v, o.order
	o.onePath(e, "because it gives the order number", v.nc("ActivityIdentification"), v.nc("IdentificationID"))
	o.onePath(e, "because it gives the order's kind", v.nc("ActivityCategoryText"))
	o.onePath(e, "because it gives the court's directions", v.nc("ActivityDescriptionText"))
	o.onePath(e, "because it gives the release ground", v.nc("ActivityReasonText"))
	o.oneDate(v.core, e, "because it gives the date of the order", v.j("CourtOrderIssuingDate"))
	o.oneDate(v.core, o.root, "because it gives when the order was made", v.nc("DocumentCreationDate"))
	o.oneDate(v.core, e, "because it gives the day the prisoner is produced in court",
		v.j("CourtAppearance"), v.j("CourtAppearanceDate"))

	const court = "because the order has one issuing court"
	issuer := o.follow(o.onePath(e, court, v.j("CourtOrderIssuingCourt")))
	o.oneCourtName(issuer)

	const judge = "because it gives the judge"
	official := o.onePath(e, judge, v.j("CourtOrderIssuingJudicialOfficial"))
	judgePerson := o.follow(o.onePath(official, judge, v.nc("RoleOfPerson")))
	o.nameSingles(v.core, o.onePath(judgePerson, "because it gives the judge's name", v.nc("PersonName")))
	o.onePath(official, judge, v.j("JudicialOfficialCategoryText"))

	const subject = "because an order concerns one prisoner: send an order for each"
	designated := o.onePath(e, subject, v.j("CourtOrderDesignatedSubject"))
	o.oneSubject(o.follow(o.onePath(designated, subject, v.nc("RoleOfPerson"))))
	o.onePath(designated, "because it gives the prisoner number",
		v.j("SubjectCorrectionsIdentification"), v.nc("IdentificationID"))

	const prison = "because an order names one prison"
	agency := o.follow(o.onePath(e, prison, v.j("CourtOrderEnforcementAgency")))
	o.onePath(agency, prison, v.nc("OrganizationIdentification"), v.nc("IdentificationID"))
	o.onePath(agency, prison, v.nc("OrganizationName"))

	if c := o.caseElement(); c != nil {
		const lineage = "because it gives the police case"
		const nationalID = "because it gives the CCTNS national FIR id"
		o.oneOfCategory(v.core, c, v.nc("ActivityIdentification"), CategoryFIRNationalID, nationalID)
		lineageCase := o.onePath(c, lineage, v.j("CaseAugmentation"), v.j("CaseLineageCase"))
		o.onePath(lineageCase, lineage, v.nc("CaseTrackingID"))
		o.oneOfCategory(v.core, lineageCase, v.nc("ActivityIdentification"), CategoryFIRNationalID, nationalID)
		caseCourt := o.follow(o.onePath(c, "because it gives the case's court", v.j("CaseAugmentation"),
			v.j("CaseCourt")))
		o.oneCourtName(caseCourt)
	}
}

// oneCourtName checks the j:CourtName and nc:OrganizationName of a court,
// of which the hub reads one name.
func (o *orderDecoder) oneCourtName(court *etree.Element) {
	const want = "because it gives the court's name"
	o.onePath(court, want, o.v.j("CourtName"))
	o.onePath(court, want, o.v.nc("OrganizationName"))
}

// oneSubject checks the birth date, age, sex and citizenship of the
// person an order concerns, and the parts of each of the person's names,
// aliases and identifications. Names, aliases and identifications may
// repeat.
func (o *orderDecoder) oneSubject(person *etree.Element) {
	v := o.v
	for _, local := range []string{"PersonName", "PersonAlternateName"} {
		for _, n := range xmlsafe.Children(person, v.nc(local)) {
			o.nameSingles(v.core, n)
		}
	}
	for _, id := range xmlsafe.Children(person, v.nc("PersonOtherIdentification")) {
		o.identificationSingles(v.core, id)
	}
	o.oneDate(v.core, person, "because it gives the date of birth", v.nc("PersonBirthDate"))
	const age = "because it gives the age"
	o.onePath(person, age, v.nc("PersonAgeMeasure"), v.nc("MeasureValueText"))
	o.onePath(person, age, v.nc("PersonAgeMeasure"), v.nc("MeasurePointValue"))
	const sex = "because it gives the sex"
	o.onePath(person, sex, v.j("PersonSexCode"))
	o.onePath(person, sex, v.nc("PersonSexCode"))
	o.onePath(person, sex, v.nc("PersonSexText"))
	o.onePath(person, "because it gives the nationality", v.nc("PersonCitizenshipISO3166Alpha2Code"))
}
