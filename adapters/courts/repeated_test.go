package courts

import (
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// repeatedCase is a document that repeats an element whose value the
// hub reads once, with the path of the repeat.
type repeatedCase struct {
	name    string
	body    []byte
	pointer string
}

// checkRepeatedRejected requires each case's document to be rejected
// with exactly one violation, of rule maxItems at the repeated element.
func checkRepeatedRejected(t *testing.T, a *Adapter, cases []repeatedCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Decode(c.body, ContentType)
			if len(d.Messages) != 0 {
				t.Errorf("Decode returned %d messages, want none", len(d.Messages))
			}
			vs := schemas.Violations(err)
			want := []string{c.pointer + " maxItems"}
			var got []string
			for _, v := range vs {
				got = append(got, v.Pointer+" "+v.Rule)
			}
			if !slices.Equal(got, want) {
				t.Errorf("violations = %v, want %v (error %v)", got, want, err)
			}
		})
	}
}

func TestCallbackRepeatedElementsRejected(t *testing.T) {
	const (
		file     = "kochi_callback.xml"
		root     = "/RecordDocketingCallbackMessage"
		code     = "<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>"
		ownID    = "<nc:IdentificationID>KLER01-CB-000123</nc:IdentificationID>"
		filingID = "<nc:IdentificationCategoryText>FilingID</nc:IdentificationCategoryText>"
		cnr      = "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>"
		court    = "<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>"
	)
	status := "<ecf:FilingStatus>\n    <nc:StatusDescriptionText>Registered as calendar case</nc:StatusDescriptionText>\n    " +
		code + "\n  </ecf:FilingStatus>"
	cases := []repeatedCase{
		{"status codes accepted then rejected",
			replaced(t, file, code, code+"<ecf:FilingStatusCode>rejected</ecf:FilingStatusCode>"),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"status codes rejected then accepted",
			replaced(t, file, code, "<ecf:FilingStatusCode>rejected</ecf:FilingStatusCode>"+code),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"status code accepted then bogus",
			replaced(t, file, code, code+"<ecf:FilingStatusCode>bogus</ecf:FilingStatusCode>"),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"two filing statuses",
			replaced(t, file, status, status+"<ecf:FilingStatus><ecf:FilingStatusCode>rejected</ecf:FilingStatusCode></ecf:FilingStatus>"),
			root + "/FilingStatus[2]"},
		{"two own document ids",
			replaced(t, file, "<nc:DocumentIdentification>\n    "+ownID,
				"<nc:DocumentIdentification><nc:IdentificationID>KLER01-CB-000124</nc:IdentificationID></nc:DocumentIdentification>"+
					"<nc:DocumentIdentification>\n    "+ownID),
			root + "/DocumentIdentification[2]"},
		{"two ids in own document identification",
			replaced(t, file, ownID, ownID+"<nc:IdentificationID>KLER01-CB-000124</nc:IdentificationID>"),
			root + "/DocumentIdentification[1]/IdentificationID[2]"},
		{"two filing ids",
			replaced(t, file, filingID, filingID+"</nc:DocumentIdentification><nc:DocumentIdentification>"+
				"<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0B</nc:IdentificationID>"+filingID),
			root + "/DocumentIdentification[3]"},
		{"two CNRs", replaced(t, file, cnr, cnr+"<nc:CaseTrackingID>KLER010001242024</nc:CaseTrackingID>"),
			root + "/CriminalCase/CaseTrackingID[2]"},
		{"two case courts",
			replaced(t, file, "</j:CaseCourt>", "</j:CaseCourt><j:CaseCourt><nc:OrganizationIdentification>"+
				"<nc:IdentificationID>KLER02</nc:IdentificationID></nc:OrganizationIdentification></j:CaseCourt>"),
			root + "/CriminalCase/CaseAugmentation/CaseCourt[2]"},
		{"two court codes",
			replaced(t, file, court, "<nc:IdentificationID>KLER02</nc:IdentificationID>"+court),
			root + "/CriminalCase/CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID[2]"},
	}
	checkRepeatedRejected(t, &Adapter{}, cases)
}

func TestOrderRepeatedElementsRejected(t *testing.T) {
	const (
		file   = "order_production_warrant.xml"
		root   = "/CourtOrderReport"
		docID  = "<nc:IdentificationID>KLER10-ORD-2025-000451</nc:IdentificationID>"
		fir    = "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1187</nc:CaseTrackingID>"
		issuer = "<nc:IdentificationID>KLER10</nc:IdentificationID>\n      </nc:OrganizationIdentification>\n      <j:CourtName>"
	)
	cases := []repeatedCase{
		{"two document identifications",
			replaced(t, file, "</nc:DocumentIdentification>", "</nc:DocumentIdentification><nc:DocumentIdentification>"+
				"<nc:IdentificationID>KLER10-ORD-2025-000452</nc:IdentificationID></nc:DocumentIdentification>"),
			root + "/DocumentIdentification[2]"},
		{"two document ids",
			replaced(t, file, docID, docID+"<nc:IdentificationID>KLER10-ORD-2025-000452</nc:IdentificationID>"),
			root + "/DocumentIdentification/IdentificationID[2]"},
		{"two case tracking ids",
			replaced(t, file, fir, fir+"<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1188</nc:CaseTrackingID>"),
			root + "/Case/CaseTrackingID[2]"},
		{"two case courts",
			replaced(t, file, "</j:CaseCourt>", "</j:CaseCourt><j:CaseCourt><nc:OrganizationIdentification>"+
				"<nc:IdentificationID>KLER11</nc:IdentificationID></nc:OrganizationIdentification></j:CaseCourt>"),
			root + "/Case/CaseAugmentation/CaseCourt[2]"},
		{"two issuing court codes",
			replaced(t, file, issuer, "<nc:IdentificationID>KLER11</nc:IdentificationID>"+issuer),
			root + "/Warrant/CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID[2]"},
	}
	checkRepeatedRejected(t, orderAdapter(), cases)
}
