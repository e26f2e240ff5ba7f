package courts

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// aadhaarLikeIDs are national ids that contain 491873625403, a number
// that passes the Aadhaar check digit, written in the ways that
// canonical.AadhaarLike reports.
var aadhaarLikeIDs = []string{"491873625403", "4918 7362 5403", "4918-7362-5403",
	"KL/4918/7362/5403", "32/491873625403", "491873625403/2025", "KL4918-7362-5403"}

// nationalIDActivity returns a CCTNS FIR nc:ActivityIdentification with
// the national id id, as an order or a filing writes one.
func nationalIDActivity(id string) string {
	return "<nc:ActivityIdentification><nc:IdentificationID>" + id + "</nc:IdentificationID>" +
		"<nc:IdentificationCategoryText>CCTNS FIR</nc:IdentificationCategoryText></nc:ActivityIdentification>"
}

// checkAadhaarLike requires Decode to reject body with a violation of
// rule aadhaar-like at pointer whose message shows the number masked,
// and no violation that shows it in clear.
func checkAadhaarLike(t *testing.T, a *Adapter, body []byte, pointer string) {
	t.Helper()
	d, err := a.Decode(body, ContentType)
	if len(d.Messages) != 0 {
		t.Errorf("Decode returned %d messages, want none", len(d.Messages))
	}
	vs := schemas.Violations(err)
	if !hasViolation(vs, pointer, canonical.RuleAadhaarLike) {
		t.Fatalf("Decode error = %v, want %s at %s", err, canonical.RuleAadhaarLike, pointer)
	}
	for _, v := range vs {
		if v.Pointer == pointer && !strings.Contains(v.Message, "XXXXXXXX") {
			t.Errorf("message %q does not show the number masked", v.Message)
		}
		if strings.Contains(v.Message, "7362") || strings.Contains(v.Message, "0172") {
			t.Errorf("message %q repeats the number in clear", v.Message)
		}
	}
}

func TestOrderRejectsAadhaarLikeNationalID(t *testing.T) {
	const (
		caseID    = "/CourtOrderReport/Case/ActivityIdentification/IdentificationID"
		lineageID = "/CourtOrderReport/Case/CaseAugmentation/CaseLineageCase/ActivityIdentification/IdentificationID"
		lineage   = "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1187</nc:CaseTrackingID>\n      </j:CaseLineageCase>"
	)
	for _, id := range aadhaarLikeIDs {
		t.Run("case "+id, func(t *testing.T) {
			body := replaced(t, "order_production_warrant.xml", "32241012250001187", id)
			checkAadhaarLike(t, orderAdapter(), body, caseID)
		})
		t.Run("lineage case "+id, func(t *testing.T) {
			body := replaced(t, "order_release_bail.xml", lineage,
				strings.Replace(lineage, "</j:CaseLineageCase>", nationalIDActivity(id)+"</j:CaseLineageCase>", 1))
			checkAadhaarLike(t, orderAdapter(), body, lineageID)
		})
	}
}

func TestOrderRejectsNationalIDOutsideLimits(t *testing.T) {
	const pointer = "/CourtOrderReport/Case/ActivityIdentification/IdentificationID"
	// The prisons' format allows no space in a national id, so the prison
	// could never receive this order.
	body := replaced(t, "order_production_warrant.xml", "32241012250001187", "3224 1012 2500 01187")
	_, err := orderAdapter().Decode(body, ContentType)
	if !hasOrderViolation(err, pointer, "fir_national_id") {
		t.Errorf("Decode error = %v, want fir_national_id at %s", err, pointer)
	}
}

func TestFilingRejectsAadhaarLikeNationalID(t *testing.T) {
	const pointer = "/CoreFilingMessage/CriminalCase/ActivityIdentification/IdentificationID"
	for _, id := range aadhaarLikeIDs {
		t.Run(id, func(t *testing.T) {
			body := replaced(t, "kochi_chargesheet.xml", "KL-EKM-1234-2024-000123", id)
			checkAadhaarLike(t, clockedAdapter(), body, pointer)
		})
	}
}

// TestOrderRejectsAadhaarLikeIdentification puts the Aadhaar number of
// the production warrant's prisoner in identifications of other types,
// written so that text masking does not find it.
func TestOrderRejectsAadhaarLikeIdentification(t *testing.T) {
	const (
		aadhaar = "<nc:IdentificationID>586301729436</nc:IdentificationID>\n" +
			"          <nc:IdentificationCategoryText>Aadhaar</nc:IdentificationCategoryText>"
		pointer = "/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson/" +
			"PersonOtherIdentification/IdentificationID"
	)
	for _, c := range []struct{ category, id string }{
		{"Ration card", "RC586301729436"},
		{"Voter ID", "KLA5863017/29436"},
		{"", "5863017-29436"},
	} {
		t.Run(c.id, func(t *testing.T) {
			body := replaced(t, "order_production_warrant.xml", aadhaar,
				"<nc:IdentificationID>"+c.id+"</nc:IdentificationID>"+
					"<nc:IdentificationCategoryText>"+c.category+"</nc:IdentificationCategoryText>")
			checkAadhaarLike(t, orderAdapter(), body, pointer)
		})
	}
}

// TestOrderMasksGroupedAadhaarInIdentification keeps an Aadhaar number
// in three groups of four in an identification of another type accepted,
// because text masking replaces it before the check.
func TestOrderMasksGroupedAadhaarInIdentification(t *testing.T) {
	body := replaced(t, "order_production_warrant.xml",
		"<nc:IdentificationCategoryText>Aadhaar</nc:IdentificationCategoryText>",
		"<nc:IdentificationCategoryText>Ration card</nc:IdentificationCategoryText>")
	m := decodeOne(t, orderAdapter(), body)
	ids := m.CourtOrder.Prisoner.Person.Identifiers
	if len(ids) != 1 || ids[0].Value != "XXXXXXXX9436" {
		t.Errorf("Identifiers = %+v, want one ration card XXXXXXXX9436", ids)
	}
}

// TestSampleWarrantRejectsAadhaarLikeIdentification adds a ration card
// whose number touches a letter to the person of a real NIEM 3 warrant.
func TestSampleWarrantRejectsAadhaarLikeIdentification(t *testing.T) {
	const ssn = "<nc:PersonSSNIdentification>"
	body := strings.Replace(string(readSample(t, "WarrantIssuedReport.xml")), ssn,
		"<nc:PersonOtherIdentification><nc:IdentificationID>RC586301729436</nc:IdentificationID>"+
			"<nc:IdentificationCategoryText>Ration card</nc:IdentificationCategoryText>"+
			"</nc:PersonOtherIdentification>"+ssn, 1)
	checkAadhaarLike(t, orderAdapter(), []byte(body),
		"/WarrantIssuedReport/Person/PersonOtherIdentification/IdentificationID")
}

func TestFilingRejectsAadhaarLikeIdentification(t *testing.T) {
	const participants = "/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant"
	for _, c := range []struct{ name, old, new, pointer string }{
		{"passport", "<nc:IdentificationID>K1234567</nc:IdentificationID>",
			"<nc:IdentificationID>K586301729436</nc:IdentificationID>",
			participants + "[1]/EntityPerson/PersonOtherIdentification[2]/IdentificationID"},
		{"service number", "<nc:IdentificationID>KLP-4521</nc:IdentificationID>",
			"<nc:IdentificationID>KLP586301729436</nc:IdentificationID>",
			participants + "[2]/EntityPerson/PersonOtherIdentification/IdentificationID"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkAadhaarLike(t, clockedAdapter(), replaced(t, "kochi_chargesheet.xml", c.old, c.new), c.pointer)
		})
	}
}
