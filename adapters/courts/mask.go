package courts

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// maskText replaces every Aadhaar number in the character data and
// comments under e by its masked form (canonical.MaskAadhaarInText), so
// that names and descriptions reach neither the canonical message nor
// the journal copy in clear. It reports whether it replaced any.
//
// Text that identifies the message or case is left as sent, because the
// hub matches messages by it: document and activity identifications, such
// as an order's number, the prisoner number of an order
// (j:SubjectCorrectionsIdentification), case tracking and docket ids,
// and the codes of courts and prisons (nc:OrganizationIdentification).
// The order decoder rejects an order or prisoner number that
// canonical.CheckRecordNumber reports. So is the number of an identification
// whose category is Aadhaar, which maskAadhaar checks and masks. These
// elements are matched in the NIEM core namespace of every release the
// adapter reads.
func maskText(e *etree.Element) bool {
	masked := false
	for _, c := range e.Child {
		if cm, ok := c.(*etree.Comment); ok {
			if text, ok := canonical.MaskAadhaarInText(cm.Data); ok {
				cm.Data, masked = text, true
			}
		}
	}
	if !keepsText(e) && maskCharData(e) {
		masked = true
	}
	for _, child := range e.ChildElements() {
		if maskText(child) {
			masked = true
		}
	}
	return masked
}

// maskCharData masks the text directly inside e. Runs of character data
// separated only by comments are joined first, as xmlsafe.Text joins
// them, so a number split by a comment or a CDATA section is found too.
func maskCharData(e *etree.Element) bool {
	masked := false
	var run []*etree.CharData
	flush := func() {
		if len(run) == 0 {
			return
		}
		var b strings.Builder
		for _, cd := range run {
			b.WriteString(cd.Data)
		}
		if text, ok := canonical.MaskAadhaarInText(b.String()); ok {
			run[0].SetData(text)
			for _, cd := range run[1:] {
				cd.SetData("")
			}
			masked = true
		}
		run = run[:0]
	}
	for _, c := range e.Child {
		switch t := c.(type) {
		case *etree.CharData:
			run = append(run, t)
		case *etree.Comment:
		default:
			flush()
		}
	}
	flush()
	return masked
}

// keepsText reports whether e is text that maskText leaves as sent.
func keepsText(e *etree.Element) bool {
	switch {
	case isCore(e, "CaseTrackingID"), isCore(e, "CaseDocketID"):
		return true
	case !isCore(e, "IdentificationID"):
		return false
	}
	parent := e.Parent()
	if isCore(parent, "DocumentIdentification") || isCore(parent, "ActivityIdentification") {
		return true
	}
	// The code of a court or a prison, which routes and tokens compare
	// as written. The decoders reject one that canonical.CheckCode
	// reports.
	if isCore(parent, "OrganizationIdentification") {
		return true
	}
	// The prisoner number of an order, in the Justice domain's namespace
	// of whichever release the order uses.
	if parent != nil && xmlsafe.NameOf(parent).Local == "SubjectCorrectionsIdentification" {
		return true
	}
	category := ""
	for _, c := range parent.ChildElements() {
		if isCore(c, "IdentificationCategoryText") {
			category = strings.ToLower(canonical.NormalizeText(xmlsafe.Text(c)))
			break
		}
	}
	return idCategories[category] == canonical.IDAadhaar
}
