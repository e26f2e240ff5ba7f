package courts

import (
	"regexp"
	"strings"
	"unicode/utf8"

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
// shape of a CNR, or starts with the court's e-Courts establishment code
// as every CNR does, it must be a valid CNR and becomes CNR. CaseDocketID,
// when present, is the filing number, and a tracking id that is not a
// CNR is then kept as TrackingID unless the lineage case names the
// filer's own tracking id. Without a CaseDocketID, such a tracking id is
// the filing number. A j:CaseLineageCase, when present, must name the
// police case: a FIR key within the CCTNS limits or the filer's case id.
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
	reg.Court = d.court(c)
	courtTracking := d.caseNumbers(c, reg)
	if reg.Court.Code == "" && reg.CNR != "" {
		// The first six characters of a CNR are the establishment code.
		reg.Court.Code = reg.CNR[:6]
	}
	if reg.Court.Code == "" {
		d.fail(under(c, "CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID"),
			"required", "missing court: no CaseCourt identification and no CNR")
	}
	reg.FiledOn = d.pastDateSince1900(xmlsafe.Child(d.root, nc("DocumentFiledDate")))
	var hearing *etree.Element
	reg.NextHearing, hearing = d.nextHearing(c)
	if reg.NextHearing != "" && reg.FiledOn != "" && reg.NextHearing < reg.FiledOn {
		d.fail(xmlsafe.Pointer(hearing), "chronology",
			"the next hearing, %s, is before the filing date, %s", reg.NextHearing, reg.FiledOn)
	}
	if lineage := xmlsafe.Path(c, jx("CaseAugmentation"), jx("CaseLineageCase")); lineage != nil {
		reg.FIR, reg.TrackingID = d.lineage(lineage)
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
	d.filingStatus(status, reg.Status)

	d.callbackLengths(c, status, reg)
	d.callbackSingles(c)

	number := reg.TrackingID
	if number == "" {
		number = reg.FilingNumber
	}
	m.CaseKey = caseKey(reg.FIR, reg.CNR, number)
	return m
}

// filingStatus records a violation when a callback has no
// ecf:FilingStatusCode, which ECF 4.0 requires in every callback, or one
// that is not among canonical.FilingStatuses, compared without regard to
// case.
func (d *decoder) filingStatus(status *etree.Element, code string) {
	allowed := strings.Join(canonical.FilingStatuses, ", ")
	switch {
	case status == nil:
		d.fail(under(d.root, "FilingStatus"), "required",
			"missing filing status: want ecf:FilingStatus with an ecf:FilingStatusCode of %s", allowed)
	case code == "":
		d.fail(under(status, "FilingStatusCode"), "required",
			"missing filing status code: want one of %s", allowed)
	case !canonical.IsFilingStatus(code):
		d.fail(xmlsafe.Pointer(xmlsafe.Child(status, ecf("FilingStatusCode"))), "enum",
			"unknown filing status %s: want one of %s", canonical.QuoteMasked(code), allowed)
	}
}

// callbackSingles records a maxItems violation at the second of each
// repeated element whose one value the hub reads. These are the case,
// the filing status, the document ids and dates, and the case's title,
// numbers, court and lineage case with its national FIR id. Without it
// the hub would read the first and ignore the rest, so a callback with
// the status codes accepted and rejected would register the case as
// accepted.
func (d *decoder) callbackSingles(c *etree.Element) {
	d.oneCase("because a callback registers one case")
	const status = "because ECF 4.0 allows one filing status in a callback"
	d.onePath(d.root, status, ecf("FilingStatus"), ecf("FilingStatusCode"))
	d.onePath(d.root, status, ecf("FilingStatus"), nc("StatusDescriptionText"))
	d.headerSingles(headerReasons{
		date:     "because it gives the callback's date",
		ownID:    "because it gives the callback's own id",
		filingID: "because it gives the id of the filing the callback answers",
	})

	d.onePath(c, "because it gives the case's title", nc("CaseTitleText"))
	d.onePath(c, "because it gives the CNR or the court's case number", nc("CaseTrackingID"))
	d.onePath(c, "because it gives the court's filing number", nc("CaseDocketID"))
	d.oneCaseCourt(c)
	const police = "because it gives the police case"
	lineage := d.onePath(c, police, jx("CaseAugmentation"), jx("CaseLineageCase"))
	d.onePath(lineage, police, nc("CaseTrackingID"))
	d.oneOfCategory(nsNC, lineage, nc("ActivityIdentification"), CategoryFIRNationalID,
		"because it gives the CCTNS national FIR id")
}

// Limits of a court registration's fields, in characters, as the
// canonical form has them (schemas/canonical/court_registration.json,
// case.json and message.json).
const (
	maxDocumentID   = 256
	maxTitle        = 1024
	maxFilingNumber = 128
	maxTrackingID   = 256
	maxCourtCode    = 64
	maxCourtName    = 512
	maxStatus       = 64
	maxReason       = 4000
)

// callbackLengths records a violation at each element of a callback
// whose value is longer than the canonical form allows, so that the
// court learns which of its elements is too long.
func (d *decoder) callbackLengths(c, status *etree.Element, reg *canonical.CourtRegistration) {
	for _, id := range xmlsafe.Children(d.root, nc("DocumentIdentification")) {
		e := xmlsafe.Child(id, nc("IdentificationID"))
		d.maxLength(e, xmlsafe.Text(e), maxDocumentID)
	}
	d.maxLength(xmlsafe.Child(c, nc("CaseTitleText")), reg.Title, maxTitle)

	docket := xmlsafe.Child(c, nc("CaseDocketID"))
	d.maxLength(docket, xmlsafe.Text(docket), maxFilingNumber)
	// Without a docket id, a court's tracking id is the filing number.
	trackingLimit := maxTrackingID
	if xmlsafe.Text(docket) == "" {
		trackingLimit = maxFilingNumber
	}
	tracking := xmlsafe.Child(c, nc("CaseTrackingID"))
	d.maxLength(tracking, xmlsafe.Text(tracking), trackingLimit)
	if reg.FIR == nil {
		lineage := xmlsafe.Path(c, jx("CaseAugmentation"), jx("CaseLineageCase"), nc("CaseTrackingID"))
		d.maxLength(lineage, xmlsafe.Text(lineage), maxTrackingID)
	}

	courtElement := xmlsafe.Path(c, jx("CaseAugmentation"), jx("CaseCourt"))
	d.maxLength(xmlsafe.Path(courtElement, nc("OrganizationIdentification"), nc("IdentificationID")),
		reg.Court.Code, maxCourtCode)
	d.maxLength(xmlsafe.Child(courtElement, jx("CourtName")), reg.Court.Name, maxCourtName)

	d.maxLength(xmlsafe.Child(status, ecf("FilingStatusCode")), reg.Status, maxStatus)
	d.maxLength(xmlsafe.Child(status, nc("StatusDescriptionText")), reg.Reason, maxReason)
}

// maxLength records a violation at e when value, read from e, has more
// than limit characters.
func (d *decoder) maxLength(e *etree.Element, value string, limit int) {
	if n := utf8.RuneCountInString(value); e != nil && n > limit {
		d.fail(xmlsafe.Pointer(e), "maxLength", "%d characters, want at most %d", n, limit)
	}
}

// caseNumbers reads the CNR and the filing number, after reg.Court. It
// returns the court's tracking id when that is neither a CNR nor the
// filing number.
func (d *decoder) caseNumbers(c *etree.Element, reg *canonical.CourtRegistration) (courtTracking string) {
	tracking := xmlsafe.Child(c, nc("CaseTrackingID"))
	number := xmlsafe.Text(tracking)
	docketElement := xmlsafe.Child(c, nc("CaseDocketID"))
	docket := xmlsafe.Text(docketElement)
	switch {
	case number == "" && docket == "":
		d.fail(under(c, "CaseTrackingID"), "required", "missing CNR or court case number: give "+
			"the CNR or the court's case number in nc:CaseTrackingID, or the court's filing "+
			"number in nc:CaseDocketID, which a rejected or returned filing without a CNR has too")
	case cnrShape.MatchString(number):
		cnr, err := canonical.ParseCNR(number)
		if err != nil {
			d.fail(xmlsafe.Pointer(tracking), "cnr", "%v", err)
			return ""
		}
		reg.CNR = cnr.String()
		reg.FilingNumber = docket
		d.recordNumber(docketElement, "filing number", docket)
	case startsWithCode(number, reg.Court.Code):
		// Every CNR starts with its court's establishment code, so such a
		// tracking id is a CNR, here one of the wrong form.
		_, err := canonical.ParseCNR(number)
		d.fail(xmlsafe.Pointer(tracking), "cnr", "%v; a CaseTrackingID that starts with "+
			"the court's establishment code %s is read as the CNR", err, reg.Court.Code)
		return ""
	case docket != "":
		reg.FilingNumber = docket
		d.recordNumber(docketElement, "filing number", docket)
		d.recordNumber(tracking, "court tracking id", number)
		return number
	default:
		reg.FilingNumber = number
		d.recordNumber(tracking, "filing number", number)
	}
	return ""
}

// nextHearing returns the next hearing among the case's
// j:CaseCourtEvent elements, with the element of its date. That is the
// first scheduled date of an event whose nc:ActivityDescriptionText
// names the next hearing, else of an event that names a hearing to come
// (not a past or cancelled one), else of the first event without a
// description. An
// event described as something else, such as the date of filing or the
// last hearing, is not the next hearing.
func (d *decoder) nextHearing(c *etree.Element) (string, *etree.Element) {
	aug := xmlsafe.Child(c, jx("CaseAugmentation"))
	var next, hearings, undescribed []*etree.Element
	for _, ev := range xmlsafe.Children(aug, jx("CaseCourtEvent")) {
		text := strings.ToLower(xmlsafe.PathText(ev, nc("ActivityDescriptionText")))
		switch {
		case text == "":
			undescribed = append(undescribed, ev)
		case !strings.Contains(text, "hearing") || notAHearingToCome(text):
		case strings.Contains(text, "next"):
			next = append(next, ev)
		default:
			hearings = append(hearings, ev)
		}
	}
	for _, events := range [][]*etree.Element{next, hearings, undescribed} {
		for _, ev := range events {
			if day, e := d.scheduled(ev); day != "" {
				return day, e
			}
		}
	}
	return "", nil
}

// notAHearingToCome reports whether text, an event's description in
// lower case, names a hearing that has been held or will not be.
func notAHearingToCome(text string) bool {
	for _, word := range []string{"last", "previous", "prior", "held", "no hearing", "cancel"} {
		if strings.Contains(text, word) {
			return true
		}
	}
	return false
}

// scheduled returns the first date of an event's j:CourtEventSchedule
// elements, with its element.
func (d *decoder) scheduled(ev *etree.Element) (string, *etree.Element) {
	for _, sched := range xmlsafe.Children(ev, jx("CourtEventSchedule")) {
		e := xmlsafe.Child(sched, nc("ScheduleDate"))
		if day := d.date(e); day != "" {
			return day, e
		}
	}
	return "", nil
}

// hasFilingID reports whether a DocumentIdentification is the one that
// names the filing a callback replies to.
func hasFilingID(id *etree.Element) bool {
	return strings.EqualFold(xmlsafe.PathText(id, nc("IdentificationCategoryText")), CategoryFilingID)
}

// startsWithCode reports whether number starts with courtCode, ignoring
// case, when courtCode is an e-Courts establishment code.
func startsWithCode(number, courtCode string) bool {
	return canonical.IsEstablishmentCode(courtCode) && len(number) >= len(courtCode) &&
		strings.EqualFold(number[:len(courtCode)], courtCode)
}

// lineage reads the police case a callback's j:CaseLineageCase names, as
// fir does, and records a violation when it names none or names a FIR
// that CCTNS could not have registered. A court that has no police case
// to name leaves the element out.
func (d *decoder) lineage(lineage *etree.Element) (fir *canonical.FIRRef, trackingID string) {
	tracking := xmlsafe.Child(lineage, nc("CaseTrackingID"))
	if xmlsafe.Text(tracking) == "" {
		d.fail(under(lineage, "CaseTrackingID"), "required", "the lineage case names no police "+
			"case: want nc:CaseTrackingID with the FIR key, such as FIR/KL/EKM/1234/2024/123, "+
			"or the filer's case id, or no j:CaseLineageCase")
		return nil, ""
	}
	fir, trackingID = d.fir(lineage)
	if fir != nil {
		d.checkFIR(lineage, tracking, *fir)
	}
	return fir, trackingID
}

// CCTNS limits on the parts of a FIR, as police documents carry them
// (schemas/police/common.json, fir_ref).
var (
	firState      = regexp.MustCompile(`^[A-Z]{2}$`)
	firCode       = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)
	firNationalID = regexp.MustCompile(`^[A-Za-z0-9/._-]{1,64}$`)
)

// Bounds of a FIR's year and number in police documents.
const (
	minFIRYear   = 1860
	maxFIRYear   = 9999
	maxFIRNumber = 99999999
)

// checkFIR records a violation at tracking, the element with the FIR key
// of lineage, for each part of fir outside the CCTNS limits, and one at
// the national id's element when that is outside them.
func (d *decoder) checkFIR(lineage, tracking *etree.Element, fir canonical.FIRRef) {
	pointer := xmlsafe.Pointer(tracking)
	if !firState.MatchString(fir.State) {
		d.fail(pointer, "fir_key", "invalid state %s in FIR key: want a two-letter code such as KL", canonical.QuoteMasked(fir.State))
	}
	for _, part := range []struct{ name, value string }{
		{"district", fir.District}, {"police station", fir.PoliceStation},
	} {
		if !firCode.MatchString(part.value) {
			d.fail(pointer, "fir_key", "invalid %s code %s in FIR key: want 1 to 32 capital letters, "+
				"digits, hyphens or underscores, as CCTNS codes are", part.name, canonical.QuoteMasked(part.value))
		}
	}
	if fir.Year < minFIRYear || fir.Year > maxFIRYear {
		d.fail(pointer, "fir_key", "invalid year %d in FIR key: want %d to %d", fir.Year, minFIRYear, maxFIRYear)
	}
	if fir.Number < 1 || fir.Number > maxFIRNumber {
		d.fail(pointer, "fir_key", "invalid number %d in FIR key: want 1 to %d", fir.Number, maxFIRNumber)
	}
	d.checkNationalID(lineage, nsNC, fir.NationalID)
}

// checkNationalID records a violation at the element of id, the CCTNS
// national FIR id of case element c (nationalIDElement), when id looks
// like an Aadhaar number or is outside the CCTNS limits of police
// documents. The hub never masks a national id, and the prisons' and
// police formats reject one outside those limits. core is the NIEM core
// namespace of c's children.
func (d *decoder) checkNationalID(c *etree.Element, core, id string) {
	// An id like an Aadhaar number is reported masked, before the pattern
	// check that would repeat it.
	if err := canonical.CheckNationalID(id); err != nil {
		d.fail(xmlsafe.Pointer(nationalIDElement(c, core)), canonical.RuleAadhaarLike, "%v", err)
	} else if id != "" && !firNationalID.MatchString(id) {
		d.fail(xmlsafe.Pointer(nationalIDElement(c, core)), "fir_national_id", "invalid CCTNS "+
			"national FIR id %s: want 1 to 64 letters, digits, hyphens, slashes, dots and underscores", canonical.QuoteMasked(id))
	}
}

// nationalIDElement returns the IdentificationID of the last
// ActivityIdentification in c of category CategoryFIRNationalID, the one
// fir reads, in the NIEM core namespace core, or nil.
func nationalIDElement(c *etree.Element, core string) *etree.Element {
	var found *etree.Element
	for _, id := range xmlsafe.Children(c, name(core, "ActivityIdentification")) {
		category := xmlsafe.PathText(id, name(core, "IdentificationCategoryText"))
		if strings.EqualFold(category, CategoryFIRNationalID) {
			found = xmlsafe.Child(id, name(core, "IdentificationID"))
		}
	}
	return found
}
