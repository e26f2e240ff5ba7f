// Package courts is the adapter for court case management systems that
// speak OASIS LegalXML Electronic Court Filing (ECF) 4.0 with NIEM 2.0
// content.
//
// Encode turns a canonical chargesheet into an ECF CoreFilingMessage with
// a criminal case. Decode reads a CoreFilingMessage back into a
// chargesheet, a RecordDocketingCallbackMessage into a
// court_registration, and a NIEM 3 or NIEM 5 document whose root element
// has a j:Warrant or j:CourtOrder child (a production warrant, release
// order or committal order) into a court_order. EncodeCallback writes
// the callback that a court (or the mock court) sends after docketing a
// filing.
//
// Where the identifiers travel, in both directions:
//
//	filing id (hub message id)
//	  filing:   /CoreFilingMessage/DocumentIdentification/IdentificationID
//	  callback: /RecordDocketingCallbackMessage/DocumentIdentification with
//	            IdentificationCategoryText "FilingID"; decoded as CorrelationID
//	FIR
//	  filing:   /CoreFilingMessage/CriminalCase/CaseTrackingID, the FIR key
//	            "FIR/state/district/station/year/number"; the CCTNS national
//	            id in CriminalCase/ActivityIdentification with
//	            IdentificationCategoryText "CCTNS FIR"
//	  callback: /RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/
//	            CaseLineageCase/CaseTrackingID, with the national id in
//	            CaseLineageCase/ActivityIdentification as above
//	CNR
//	  filing:   /CoreFilingMessage/CriminalCase/CaseDocketID, in a
//	            supplementary report whose original the court registered
//	  callback: /RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID;
//	            the court's filing number in CriminalCase/CaseDocketID
//
// A callback whose CaseTrackingID is not shaped like a CNR (16 letters and
// digits), such as one from a court outside India's e-Courts, leaves CNR
// empty. The registration's FilingNumber is then CaseDocketID and its
// TrackingID the court's CaseTrackingID; without a CaseDocketID the
// CaseTrackingID is the court's only number and becomes FilingNumber.
//
// The offence date travels as the nc:ActivityDate of each charge's
// criminal:ChargeOffense.
//
// Element names are matched by namespace URI, never by prefix, and NIEM
// structures:ref attributes are followed in either direction. Parsing is
// done by internal/xmlsafe, which rejects DTDs and entities.
package courts

import (
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// Namespaces of ECF 4.0 and of the NIEM 2.0 releases it uses.
const (
	nsCore       = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CoreFilingMessage-4.0"
	nsCallback   = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:RecordDocketingCallbackMessage-4.0"
	nsECF        = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CommonTypes-4.0"
	nsCriminal   = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CriminalCase-4.0"
	nsAppellate  = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:AppellateCase-4.0"
	nsBankruptcy = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:BankruptcyCase-4.0"
	nsCitation   = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CitationCase-4.0"
	nsCivil      = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CivilCase-4.0"
	nsDomestic   = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:DomesticCase-4.0"
	nsJuvenile   = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:JuvenileCase-4.0"
	// nsOJBCCriminal is the Open Justice Broker Consortium's criminal
	// case extension, whose CriminalCase has the ECF criminal content.
	nsOJBCCriminal = "http://ojbc.org/IEPD/Extensions/CriminalCaseExtension/1.0"
	nsNC           = "http://niem.gov/niem/niem-core/2.0"
	nsJ            = "http://niem.gov/niem/domains/jxdm/4.0"
	nsS            = xmlsafe.NIEM2Structures
)

// Values this adapter writes and looks for.
const (
	// ProfileWebServices is the ECF messaging profile named in
	// SendingMDEProfileCode.
	ProfileWebServices = "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:WebServicesMessaging-2.0"
	// CategoryFilingID marks the callback's DocumentIdentification that
	// repeats the identification of the filing it replies to.
	CategoryFilingID = "FilingID"
	// CategoryFIRNationalID marks the ActivityIdentification that carries
	// the CCTNS national FIR id.
	CategoryFIRNationalID = "CCTNS FIR"
	// CategoryOfficerID marks an officer's service number.
	CategoryOfficerID = "police service number"

	roleDefendant     = "defendant"
	roleOfficer       = "investigating officer"
	rolePoliceStation = "police station"
	associationEmploy = "Employer"
	// registerFinalReport is the register action of an original final
	// report. A supplementary one is registerSupplementary followed by its
	// number.
	registerFinalReport   = "final report"
	registerSupplementary = "supplementary final report "
)

// ContentType is the media type of every body this adapter writes.
const ContentType = "application/xml"

// DefaultLocationID is the SendingMDELocationID written when
// Adapter.LocationID is empty.
const DefaultLocationID = "SANGAM"

// Adapter is the courts adapter. The zero value works. It keeps no state
// between calls and is safe for concurrent use.
type Adapter struct {
	// LocationID identifies the hub as the sending system in
	// SendingMDELocationID. Default DefaultLocationID.
	LocationID string
	// AadhaarKey is the key for canonical.MaskAadhaar. Decode masks a
	// clear Aadhaar number in an Aadhaar identification with it. When it
	// is empty, such input is rejected.
	AadhaarKey []byte
	// Now returns the current time, for rejecting dates in the future.
	// Default time.Now.
	Now func() time.Time
	// ClockSkew is how far past Now a document, filing, birth or offence
	// date may lie before Decode rejects it as in the future. Zero or
	// less means the default, 24 hours, because courts write many dates
	// without a time or zone.
	ClockSkew time.Duration
}

// defaultClockSkew is Adapter.ClockSkew's default.
const defaultClockSkew = 24 * time.Hour

func (a *Adapter) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

func (a *Adapter) clockSkew() time.Duration {
	if a.ClockSkew <= 0 {
		return defaultClockSkew
	}
	return a.ClockSkew
}

// Agency returns "courts".
func (a *Adapter) Agency() string { return "courts" }

// Authors reports whether a court writes messages of type t: docketing
// callbacks and court orders, but not the chargesheets that the hub
// files with it. It implements adapters.Authorship.
func (a *Adapter) Authors(t canonical.Type) bool {
	return t == canonical.TypeCourtRegistration || t == canonical.TypeCourtOrder
}

// BodyPointer returns the path of the root element, which names the
// document and so its message type, for the canonical field /type. In a
// docketing callback, it returns the path of the case's CaseTrackingID
// for the CNR, of its court's identification for the court's code, of
// the lineage case's CaseTrackingID for the FIR, and of
// DocumentFiledDate for the filing date, of the nc:DocumentIdentification
// of the filing id for the correlation id, and of ecf:FilingStatusCode for
// the filing status. In a court order, it returns
// the element of the order's number, date, time and directions and the
// person element of the prisoner's names, aliases and identifiers
// (orderPointer). It implements adapters.BodyPointers and places no
// other field.
func (a *Adapter) BodyPointer(doc adapters.Document, m *canonical.Message, pointer string) (string, bool) {
	if m.Type == canonical.TypeCourtRegistration && pointer == "/court_registration/filed_on" {
		return "/RecordDocketingCallbackMessage/DocumentFiledDate", true
	}
	if m.Type == canonical.TypeCourtRegistration && (pointer == "/correlation_id" ||
		pointer == "/court_registration/status") {
		return callbackPointer(doc.Body, pointer)
	}
	if m.Type == canonical.TypeCourtRegistration && (pointer == "/court_registration/cnr" ||
		pointer == "/court_registration/court/code" || isUnder(pointer, "/court_registration/fir")) {
		return casePointer(doc.Body, pointer)
	}
	if m.Type == canonical.TypeCourtOrder && isUnder(pointer, "/court_order") {
		return orderPointer(doc.Body, pointer)
	}
	if pointer != "/type" {
		return "", false
	}
	switch m.Type {
	case canonical.TypeChargesheet:
		return "/CoreFilingMessage", true
	case canonical.TypeCourtRegistration:
		return "/RecordDocketingCallbackMessage", true
	}
	return "", false
}

// callbackPointer returns the path, in the docketing callback body, of
// the nc:DocumentIdentification of category CategoryFilingID for the
// correlation id, or of the ecf:FilingStatusCode for the status, and
// false when the callback has no such element.
func callbackPointer(body []byte, pointer string) (string, bool) {
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if err != nil {
		return "", false
	}
	var e *etree.Element
	if pointer == "/correlation_id" {
		for _, id := range xmlsafe.Children(doc.Root(), nc("DocumentIdentification")) {
			if hasFilingID(id) {
				e = id
				break
			}
		}
	} else {
		e = xmlsafe.Path(doc.Root(), ecf("FilingStatus"), ecf("FilingStatusCode"))
	}
	if e == nil {
		return "", false
	}
	return xmlsafe.Pointer(e), true
}

// casePointer returns the path, in the docketing callback body, of the
// element of the case that holds the CNR, the court's code or the FIR at
// pointer, and false when the callback has no such element.
func casePointer(body []byte, pointer string) (string, bool) {
	doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
	if err != nil {
		return "", false
	}
	c := caseElement(doc.Root())
	if c == nil {
		return "", false
	}
	var path []xmlsafe.Name
	switch pointer {
	case "/court_registration/cnr":
		path = []xmlsafe.Name{nc("CaseTrackingID")}
	case "/court_registration/court/code":
		path = []xmlsafe.Name{jx("CaseAugmentation"), jx("CaseCourt"), nc("OrganizationIdentification"),
			nc("IdentificationID")}
	default:
		path = []xmlsafe.Name{jx("CaseAugmentation"), jx("CaseLineageCase"), nc("CaseTrackingID")}
	}
	// A field the callback does not write, such as a court known only
	// from the CNR, has no element to point at.
	e := xmlsafe.Path(c, path...)
	if e == nil {
		return "", false
	}
	return xmlsafe.Pointer(e), true
}

// isUnder reports whether pointer is prefix or a pointer below it.
func isUnder(pointer, prefix string) bool {
	rest, ok := strings.CutPrefix(pointer, prefix)
	return ok && (rest == "" || rest[0] == '/')
}

func (a *Adapter) locationID() string {
	if a.LocationID == "" {
		return DefaultLocationID
	}
	return a.LocationID
}

func name(space, local string) xmlsafe.Name { return xmlsafe.Name{Space: space, Local: local} }

func nc(local string) xmlsafe.Name  { return name(nsNC, local) }
func jx(local string) xmlsafe.Name  { return name(nsJ, local) }
func ecf(local string) xmlsafe.Name { return name(nsECF, local) }

// caseElements are the case elements a filing or callback may carry: the
// ECF 4.0 case types and the OJBC criminal case extension.
var caseElements = []xmlsafe.Name{
	name(nsCriminal, "CriminalCase"),
	name(nsOJBCCriminal, "CriminalCase"),
	name(nsAppellate, "AppellateCase"),
	name(nsBankruptcy, "BankruptcyCase"),
	name(nsCitation, "CitationCase"),
	name(nsCivil, "CivilCase"),
	name(nsDomestic, "DomesticCase"),
	name(nsJuvenile, "JuvenileCase"),
	nc("Case"),
}

// caseKey returns the case key of a court message: the FIR key when the
// FIR is known, else the CNR key, else "COURT/" and the court's or the
// sender's case number.
func caseKey(fir *canonical.FIRRef, cnr, number string) string {
	switch {
	case fir != nil:
		return fir.Key()
	case cnr != "":
		return canonical.CNRKey(cnr)
	}
	return "COURT/" + number
}
