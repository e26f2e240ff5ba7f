package courts

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// headerReasons ends the maxItems messages of headerSingles with the
// reason why the hub reads one element.
type headerReasons struct {
	date, ownID, filingID string
}

// headerSingles records a maxItems violation at the second of each
// repeated header element of an ECF message: its post, filed and received
// dates, its own DocumentIdentification, the DocumentIdentification of
// category CategoryFilingID, and the IdentificationID of each.
func (d *decoder) headerSingles(reasons headerReasons) {
	for _, local := range []string{"DocumentPostDate", "DocumentFiledDate", "DocumentReceivedDate"} {
		d.oneDate(nsNC, d.root, reasons.date, nc(local))
	}

	var own, filing []*etree.Element
	for _, id := range xmlsafe.Children(d.root, nc("DocumentIdentification")) {
		if hasFilingID(id) {
			filing = append(filing, id)
		} else {
			own = append(own, id)
		}
	}
	for _, ids := range []struct {
		elements   []*etree.Element
		kind, want string
	}{
		{own, "without category " + CategoryFilingID, reasons.ownID},
		{filing, "of category " + CategoryFilingID, reasons.filingID},
	} {
		d.oneOfKind(ids.elements, d.root, ids.kind, ids.want)
		for _, id := range ids.elements {
			d.onePath(id, ids.want, nc("IdentificationID"))
		}
	}
}

// oneCase records a maxItems violation at the second case element of an
// ECF message, of any of caseElements, because the hub reads the first
// case only. want ends the message with the reason for one.
func (d *decoder) oneCase(want string) {
	var cases []*etree.Element
	for _, e := range d.root.ChildElements() {
		for _, n := range caseElements {
			if xmlsafe.Is(e, n) {
				cases = append(cases, e)
			}
		}
	}
	if len(cases) > 1 {
		d.fail(xmlsafe.Pointer(cases[1]), "maxItems", "%d case elements in %s, the second %s: want one, %s",
			len(cases), d.root.FullTag(), cases[1].FullTag(), want)
	}
}

// oneCaseCourt checks the j:CaseCourt of case element c, or the element
// it refers to, and the court's code and name in it, of which the hub
// reads one each.
func (d *decoder) oneCaseCourt(c *etree.Element) {
	court := d.follow(d.onePath(c, "because it gives the court", jx("CaseAugmentation"), jx("CaseCourt")))
	d.onePath(court, "because it gives the court's establishment code",
		nc("OrganizationIdentification"), nc("IdentificationID"))
	d.onePath(court, "because it gives the court's name", jx("CourtName"))
}

// oneOfCategory records a maxItems violation at the second child of
// parent named n whose IdentificationCategoryText is category, ignoring
// case, and at a second IdentificationID in each such child. Both are in
// the NIEM core namespace core.
func (d *decoder) oneOfCategory(core string, parent *etree.Element, n xmlsafe.Name, category, want string) {
	var same []*etree.Element
	for _, id := range xmlsafe.Children(parent, n) {
		if strings.EqualFold(xmlsafe.PathText(id, name(core, "IdentificationCategoryText")), category) {
			same = append(same, id)
			d.onePath(id, want, name(core, "IdentificationID"))
		}
	}
	d.oneOfKind(same, parent, "of category "+category, want)
}
