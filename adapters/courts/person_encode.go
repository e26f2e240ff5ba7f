package courts

import (
	"strconv"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
)

// Structures ids of the investigating officer and the officer's police
// station.
const (
	idOfficer = "Officer"
	idStation = "PoliceStation"
)

// participant is one ecf:CaseParticipant of a filing.
type participant struct {
	id   string // structures:id of the CaseParticipant, for party references
	role string
	// Exactly one of the following is set.
	accused *canonical.Accused
	officer *canonical.Officer
	station string
}

// participants lists the charged accused as defendants, then the
// investigating officer and the officer's police station when known.
func participants(cs *canonical.Chargesheet) []participant {
	var out []participant
	n := 0
	for i := range cs.Accused {
		if !cs.Accused[i].Charged {
			continue
		}
		n++
		out = append(out, participant{
			id: "Accused" + strconv.Itoa(n), role: roleDefendant, accused: &cs.Accused[i],
		})
	}
	io := cs.InvestigatingOfficer
	if io.Name != "" {
		out = append(out, participant{role: roleOfficer, officer: &cs.InvestigatingOfficer})
		if io.PoliceStation != "" {
			out = append(out, participant{role: rolePoliceStation, station: io.PoliceStation})
		}
	}
	return out
}

// write adds the participant as an ecf:CaseParticipant of aug.
func (p participant) write(aug *etree.Element) {
	e := aug.CreateElement("ecf:CaseParticipant")
	if p.id != "" {
		e.CreateAttr("s:id", p.id)
	}
	switch {
	case p.accused != nil:
		personContent(e.CreateElement("ecf:EntityPerson"), &p.accused.Person)
	case p.officer != nil:
		officerContent(e.CreateElement("ecf:EntityPerson"), p.officer)
	default:
		org := e.CreateElement("ecf:EntityOrganization")
		org.CreateAttr("s:id", idStation)
		addID(org, "nc:OrganizationIdentification", p.station, "")
	}
	addText(e, "ecf:CaseParticipantRoleCode", p.role)
	if p.accused != nil {
		for _, addr := range p.accused.Person.Addresses {
			addAddress(e, addr)
		}
	}
}

// personContent writes a person's NIEM elements in the order of the NIEM
// 2.0 PersonType.
func personContent(e *etree.Element, p *canonical.Person) {
	if p.Age != nil {
		age := e.CreateElement("nc:PersonAgeMeasure")
		addText(age, "nc:MeasurePointValue", strconv.Itoa(p.Age.Years))
		// ANN is the UN/ECE Recommendation 20 code for a year.
		addText(age, "nc:TimeUnitCode", "ANN")
	}
	for _, alias := range p.Aliases {
		addName(e, "nc:PersonAlternateName", alias)
	}
	switch {
	case p.DateOfBirth != "":
		addDate(e, "nc:PersonBirthDate", p.DateOfBirth)
	case p.BirthYear != 0:
		addText(e.CreateElement("nc:PersonBirthDate"), "nc:Year", strconv.Itoa(p.BirthYear))
	}
	for _, n := range firstPerScript(p.Names) {
		addName(e, "nc:PersonName", n)
	}
	for _, id := range p.Identifiers {
		o := addID(e, "nc:PersonOtherIdentification", id.Value, id.Type)
		if o != nil {
			addText(o, "nc:IdentificationSourceText", id.Issuer)
		}
	}
	addSex(e, p.Sex)
}

// firstPerScript returns the first name in each script, in order. The
// other names of a script are variants the court does not need.
//
// NOTE: the NIEM subset shipped with ECF 4.0 allows one PersonName per
// person, but a person named in two scripts gets two here.
func firstPerScript(names []canonical.Name) []canonical.Name {
	seen := map[string]bool{}
	var out []canonical.Name
	for _, n := range names {
		script := n.Script
		if script == "" {
			script = canonical.DetectScript(n.Full)
		}
		if !seen[script] {
			seen[script] = true
			out = append(out, n)
		}
	}
	return out
}

func addName(parent *etree.Element, tag string, n canonical.Name) {
	e := parent.CreateElement(tag)
	addText(e, "nc:PersonGivenName", n.Given)
	addText(e, "nc:PersonMiddleName", n.Middle)
	addText(e, "nc:PersonSurName", n.Family)
	addText(e, "nc:PersonFullName", n.Full)
}

// addSex writes the NCIC sex code M, F or U. Transgender, which has no
// code among those three, is written as nc:PersonSexText.
func addSex(e *etree.Element, sex canonical.Sex) {
	switch sex {
	case canonical.SexMale:
		addText(e, "nc:PersonSexCode", "M")
	case canonical.SexFemale:
		addText(e, "nc:PersonSexCode", "F")
	case canonical.SexUnknown:
		addText(e, "nc:PersonSexCode", "U")
	case canonical.SexTransgender:
		addText(e, "nc:PersonSexText", string(sex))
	}
}

func addAddress(parent *etree.Element, a canonical.Address) {
	s := parent.CreateElement("nc:ContactInformation").
		CreateElement("nc:ContactMailingAddress").
		CreateElement("nc:StructuredAddress")
	if a.Line != "" {
		addText(s.CreateElement("nc:LocationStreet"), "nc:StreetFullText", a.Line)
	}
	addText(s, "nc:LocationCityName", a.City)
	addText(s, "nc:LocationCountyName", a.District)
	addText(s, "nc:LocationStateName", a.State)
	addText(s, "nc:LocationCountryISO3166Alpha2Code", a.Country)
	addText(s, "nc:LocationPostalCode", a.PIN)
}

// officerContent writes the investigating officer: the rank as the name's
// prefix (a title, as NIEM defines the prefix) and the service number.
func officerContent(e *etree.Element, o *canonical.Officer) {
	e.CreateAttr("s:id", idOfficer)
	n := e.CreateElement("nc:PersonName")
	addText(n, "nc:PersonNamePrefixText", o.Rank)
	addText(n, "nc:PersonFullName", o.Name)
	addID(e, "nc:PersonOtherIdentification", o.ID, CategoryOfficerID)
}

// officerAssociation links the officer to the police station, as an
// employer, when both were written.
func officerAssociation(aug *etree.Element, o canonical.Officer) {
	if o.Name == "" || o.PoliceStation == "" {
		return
	}
	e := aug.CreateElement("ecf:PersonOrganizationAssociation")
	e.CreateElement("nc:PersonReference").CreateAttr("s:ref", idOfficer)
	e.CreateElement("nc:OrganizationReference").CreateAttr("s:ref", idStation)
	addText(e, "ecf:EntityAssociationTypeCode", associationEmploy)
}
