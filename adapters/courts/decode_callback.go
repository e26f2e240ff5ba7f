package courts

import (
	"regexp"
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// cnrShape matches a value laid out like a CNR: 16 letters and digits.
// Such a value must then pass canonical.ParseCNR.
var cnrShape = regexp.MustCompile(`^[A-Za-z0-9]{16}$`)

// callback decodes a RecordDocketingCallbackMessage into a
// court_registration message.
//
// The case's CaseTrackingID is the court's case number. When it has the
// shape of a CNR it must be a valid one and becomes CNR. CaseDocketID,
// when present, is the filing number, and a tracking id that is not a
// CNR is then kept as TrackingID unless the lineage case names the
// filer's own tracking id. Without a CaseDocketID, such a tracking id is
// the filing number.
func (d *decoder) callback() canonical.Message {
	m := canonical.Message{Type: canonical.TypeCourtRegistration}
	d.header(&m)
	reg := &canonical.CourtRegistration{}
	m.CourtRegistration = reg

	c := caseElement(d.root)
	if c == nil {
		d.fail(under(d.root, "CriminalCase"), "required",
			"missing case: want criminal:CriminalCase or another ECF 4.0 case element")
		return m
	}
	reg.Title = canonical.NormalizeText(xmlsafe.PathText(c, nc("CaseTitleText")))
	courtTracking := d.caseNumbers(c, reg)
	reg.Court = court(c)
	if reg.Court.Code == "" && reg.CNR != "" {
		// The first six characters of a CNR are the establishment code.
		reg.Court.Code = reg.CNR[:6]
	}
	if reg.Court.Code == "" {
		d.fail(under(c, "CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID"),
			"required", "missing court: no CaseCourt identification and no CNR")
	}
	reg.FiledOn = d.pastDate(xmlsafe.Child(d.root, nc("DocumentFiledDate")))
	reg.NextHearing = d.nextHearing(c)
	if lineage := xmlsafe.Path(c, jx("CaseAugmentation"), jx("CaseLineageCase")); lineage != nil {
		reg.FIR, reg.TrackingID = d.fir(lineage)
	}
	if reg.TrackingID == "" {
		// NOTE: a callback that has a filer's tracking id in its lineage
		// as well as a court's own tracking id and a docket id loses the
		// court's tracking id, as the registration has one TrackingID.
		reg.TrackingID = courtTracking
	}

	status := xmlsafe.Child(d.root, ecf("FilingStatus"))
	reg.Status = xmlsafe.PathText(status, ecf("FilingStatusCode"))
	reg.Reason = canonical.NormalizeText(xmlsafe.PathText(status, nc("StatusDescriptionText")))

	number := reg.TrackingID
	if number == "" {
		number = reg.FilingNumber
	}
	m.CaseKey = caseKey(reg.FIR, reg.CNR, number)
	return m
}

// caseNumbers reads the CNR and the filing number. It returns the
// court's tracking id when that is neither a CNR nor the filing number.
func (d *decoder) caseNumbers(c *etree.Element, reg *canonical.CourtRegistration) (courtTracking string) {
	tracking := xmlsafe.Child(c, nc("CaseTrackingID"))
	number := xmlsafe.Text(tracking)
	docket := xmlsafe.PathText(c, nc("CaseDocketID"))
	switch {
	case number == "" && docket == "":
		d.fail(under(c, "CaseTrackingID"), "required", "missing CNR or court case number")
	case cnrShape.MatchString(number):
		cnr, err := canonical.ParseCNR(number)
		if err != nil {
			d.fail(xmlsafe.Pointer(tracking), "cnr", "%v", err)
			return ""
		}
		reg.CNR = cnr.String()
		reg.FilingNumber = docket
	case docket != "":
		reg.FilingNumber = docket
		return number
	default:
		reg.FilingNumber = number
	}
	return ""
}

// nextHearing returns the first scheduled date among the case's
// j:CaseCourtEvent elements.
func (d *decoder) nextHearing(c *etree.Element) string {
	aug := xmlsafe.Child(c, jx("CaseAugmentation"))
	for _, ev := range xmlsafe.Children(aug, jx("CaseCourtEvent")) {
		for _, sched := range xmlsafe.Children(ev, jx("CourtEventSchedule")) {
			if day := d.date(xmlsafe.Child(sched, nc("ScheduleDate"))); day != "" {
				return day
			}
		}
	}
	return ""
}

// hasFilingID reports whether a DocumentIdentification is the one that
// names the filing a callback replies to.
func hasFilingID(id *etree.Element) bool {
	return strings.EqualFold(xmlsafe.PathText(id, nc("IdentificationCategoryText")), CategoryFilingID)
}
