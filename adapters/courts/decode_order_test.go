package courts

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// orderKey is the Aadhaar masking key of the order tests.
var orderKey = []byte("court order test key of 32 bytes")

// orderAdapter returns an adapter whose clock is set to 1 December 2025,
// after every order in testdata.
func orderAdapter() *Adapter {
	return &Adapter{
		AadhaarKey: orderKey,
		Now:        func() time.Time { return time.Date(2025, 12, 1, 12, 0, 0, 0, india) },
	}
}

// orderFiles returns the names of the order documents in testdata.
func orderFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("testdata/order_*.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no order documents in testdata")
	}
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

// TestOrderGolden decodes each order document in testdata, compares the
// message with NAME.golden.json, and checks that the message passes the
// canonical schema and encodes as a prison's court order.
func TestOrderGolden(t *testing.T) {
	prison, err := prisons.New(prisons.Config{AadhaarKey: orderKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range orderFiles(t) {
		t.Run(file, func(t *testing.T) {
			m := decodeOne(t, orderAdapter(), readTestdata(t, file))
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", strings.TrimSuffix(file, ".xml")+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded message differs from %s (run with -update if the change is intended)\ngot:\n%s",
					path, got)
			}

			if err := schemas.ValidateValue("canonical/message.json", m); err != nil {
				t.Errorf("decoded order fails the canonical schema: %v", err)
			}
			m.ID = "hub-1"
			enc, err := prison.Encode(&m)
			if err != nil {
				t.Fatalf("prisons Encode: %v", err)
			}
			if err := schemas.Validate("prisons/court_order.json", enc.Body); err != nil {
				t.Errorf("encoded order fails the prison schema: %v", err)
			}
			checkOrderTimeAndDirections(t, readTestdata(t, file), enc.Body)
		})
	}
}

// checkOrderTimeAndDirections checks that the prison's copy of an order
// has issued_at exactly when the order gave its time with nc:DateTime,
// and the order's directions when it has an nc:ActivityDescriptionText.
func checkOrderTimeAndDirections(t *testing.T, order, encoded []byte) {
	t.Helper()
	var doc struct {
		IssuedAt   string `json:"issued_at"`
		Directions string `json:"directions"`
	}
	if err := json.Unmarshal(encoded, &doc); err != nil {
		t.Fatal(err)
	}
	issuing := regexp.MustCompile(`(?s)<(\w+:)?CourtOrderIssuingDate>.*?</(\w+:)?CourtOrderIssuingDate>`).Find(order)
	if timed := bytes.Contains(issuing, []byte("DateTime>")); timed != (doc.IssuedAt != "") {
		t.Errorf("issued_at %q, for an order whose issuing date gives a time: %v", doc.IssuedAt, timed)
	}
	if described := bytes.Contains(order, []byte("ActivityDescriptionText>")); described != (doc.Directions != "") {
		t.Errorf("directions %q, for an order with directions: %v", doc.Directions, described)
	}
}

func TestOrderKindsAndRouting(t *testing.T) {
	cases := map[string]struct {
		kind   canonical.CourtOrderKind
		prison string
		key    string
	}{
		"order_production_warrant.xml": {canonical.OrderProductionWarrant, "KLSJEKM",
			"FIR/KL/EKM/EKM0412/2025/1187"},
		"order_remand_warrant.xml": {canonical.OrderCommittal, "KLCJVIY", "FIR/KL/EKM/EKM0420/2023/402"},
		"order_release_bail.xml":   {canonical.OrderRelease, "KLSJEKM", "FIR/KL/EKM/EKM0412/2025/1187"},
	}
	for file, want := range cases {
		m := decodeOne(t, orderAdapter(), readTestdata(t, file))
		o := m.CourtOrder
		if m.Type != canonical.TypeCourtOrder || o == nil {
			t.Fatalf("%s: type %s, want court_order", file, m.Type)
		}
		if o.Kind != want.kind {
			t.Errorf("%s: kind %s, want %s", file, o.Kind, want.kind)
		}
		if o.Prisoner.PrisonCode != want.prison {
			t.Errorf("%s: prison %q, want %q", file, o.Prisoner.PrisonCode, want.prison)
		}
		if m.CaseKey != want.key {
			t.Errorf("%s: case key %q, want %q", file, m.CaseKey, want.key)
		}
	}
}

func TestOrderMasksAadhaar(t *testing.T) {
	const clear = "586301729436"
	body := readTestdata(t, "order_production_warrant.xml")
	if !bytes.Contains(body, []byte(clear)) {
		t.Fatalf("the sample lacks the Aadhaar number %s", clear)
	}
	d, err := orderAdapter().Decode(body, ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Journal == nil || bytes.Contains(d.Journal, []byte(clear)) {
		t.Errorf("journal copy keeps the Aadhaar number in clear or is missing:\n%s", d.Journal)
	}
	ids := d.Messages[0].CourtOrder.Prisoner.Person.Identifiers
	if len(ids) != 1 || ids[0].Type != canonical.IDAadhaar {
		t.Fatalf("identifiers = %+v, want one Aadhaar", ids)
	}
	if ids[0].Value != "XXXXXXXX9436" || ids[0].Token == "" {
		t.Errorf("Aadhaar identifier = %+v, want the masked number with a token", ids[0])
	}

	if _, err := (&Adapter{}).Decode(body, ContentType); !hasOrderViolation(err,
		"/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson/PersonOtherIdentification/IdentificationID",
		"aadhaar") {
		t.Errorf("Decode without a key: error = %v, want an aadhaar violation", err)
	}
}

func hasOrderViolation(err error, pointer, rule string) bool {
	for _, v := range schemas.Violations(err) {
		if v.Pointer == pointer && v.Rule == rule {
			return true
		}
	}
	return false
}

func TestOrderViolations(t *testing.T) {
	const (
		pw      = "order_production_warrant.xml"
		remand  = "order_remand_warrant.xml"
		release = "order_release_bail.xml"
		warrant = "/CourtOrderReport/Warrant"
		order   = "/CourtOrderReport/CourtOrder"
	)
	cases := []struct {
		name, file, old, new string
		pointer, rule        string
	}{
		{"missing kind", pw, "<nc:ActivityCategoryText>Production warrant</nc:ActivityCategoryText>", "",
			warrant + "/ActivityCategoryText", "required"},
		{"unknown kind", pw, ">Production warrant<", ">Search warrant<",
			warrant + "/ActivityCategoryText", "enum"},
		{"missing order date", pw, "<nc:Date>2025-10-01</nc:Date>", "",
			warrant + "/CourtOrderIssuingDate/Date", "required"},
		{"invalid order date", pw, "<nc:Date>2025-10-01</nc:Date>", "<nc:Date>01-10-2025</nc:Date>",
			warrant + "/CourtOrderIssuingDate/Date", "date"},
		{"order date in the future", pw, "<nc:Date>2025-10-01</nc:Date>", "<nc:Date>2026-10-01</nc:Date>",
			warrant + "/CourtOrderIssuingDate", "future"},
		{"order dated before 1900", pw, "<nc:Date>2025-10-01</nc:Date>", "<nc:Date>1899-10-01</nc:Date>",
			warrant + "/CourtOrderIssuingDate/Date", "earliest"},
		{"release order dated before 1900", release, "<nc:Date>2025-10-18</nc:Date>",
			"<nc:Date>1899-10-18</nc:Date>", order + "/CourtOrderIssuingDate/Date", "earliest"},
		{"order created at the zero instant", pw, "2025-10-01T15:40:00+05:30", "0001-01-01T00:00:00Z",
			"/CourtOrderReport/DocumentCreationDate/DateTime", "earliest"},
		{"order issued at the zero instant", remand, "2023-11-02T13:05:00", "0001-01-01T00:00:00Z",
			"/CourtOrderReport/CourtOrder/CourtOrderIssuingDate/DateTime", "earliest"},
		{"missing appearance date", pw, "<nc:Date>2025-10-03</nc:Date>", "",
			warrant + "/CourtAppearance/CourtAppearanceDate/Date", "required"},
		{"appearance before the order", pw, "<nc:Date>2025-10-03</nc:Date>", "<nc:Date>2025-09-30</nc:Date>",
			warrant + "/CourtAppearance/CourtAppearanceDate", "chronology"},
		{"missing prisoner number", pw, "<nc:IdentificationID>UT-2231-2025</nc:IdentificationID>", "",
			warrant + "/CourtOrderDesignatedSubject/SubjectCorrectionsIdentification/IdentificationID", "required"},
		{"prisoner number with a slash", pw, ">UT-2231-2025<", ">UT/2231/2025<",
			warrant + "/CourtOrderDesignatedSubject/SubjectCorrectionsIdentification/IdentificationID", "code"},
		{"prisoner number like an Aadhaar number", pw, ">UT-2231-2025<", ">4918 7362 5403<",
			warrant + "/CourtOrderDesignatedSubject/SubjectCorrectionsIdentification/IdentificationID",
			canonical.RuleAadhaarLike},
		{"order number like an Aadhaar number", pw, ">PW 45/2025<", ">PW 491873625403<",
			warrant + "/ActivityIdentification/IdentificationID", canonical.RuleAadhaarLike},
		{"missing prison", pw, "<nc:IdentificationID>KLSJEKM</nc:IdentificationID>", "",
			warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID", "required"},
		{"prison code too long", pw, ">KLSJEKM<", ">" + strings.Repeat("K", 65) + "<",
			warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID", "max-length"},
		{"lower-case prison code", pw, ">KLSJEKM<", ">klsjekm<",
			warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID", RulePattern},
		{"mixed-case prison code", remand, ">KLCJVIY<", ">KLCJViy<",
			order + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID", RulePattern},
		{"missing subject", pw, "j:CourtOrderDesignatedSubject>", "j:CourtOrderSubject>",
			warrant + "/CourtOrderDesignatedSubject", "required"},
		{"missing name", release, "<nc:PersonFullName>Shibu K. R.</nc:PersonFullName>", "",
			order + "/CourtOrderDesignatedSubject/RoleOfPerson/PersonName", "required"},
		{"unknown sex", pw, "<nc:PersonSexText>M<", "<nc:PersonSexText>Q<",
			warrant + "/CourtOrderDesignatedSubject/RoleOfPerson/PersonSexText", "enum"},
		{"birth date in the future", pw, "1999-02-11", "2025-12-25",
			warrant + "/CourtOrderDesignatedSubject/RoleOfPerson/PersonBirthDate", "future"},
		{"born before 1900", pw, "1999-02-11", "1899-02-11",
			warrant + "/CourtOrderDesignatedSubject/RoleOfPerson/PersonBirthDate/Date", "earliest"},
		{"invalid FIR key", pw, "FIR/KL/EKM/EKM0412/2025/1187", "FIR/KL/EKM/EKM0412/20x5/1187",
			"/CourtOrderReport/Case/CaseTrackingID", "fir_key"},
		{"case number neither CNR nor FIR", pw, "FIR/KL/EKM/EKM0412/2025/1187", "CC 1423/2025",
			"/CourtOrderReport/Case/CaseTrackingID", "case-number"},
		{"missing case", pw, "nc:Case>", "nc:Matter>", "/CourtOrderReport/Case", "required"},
		{"invalid CNR", release, "KLER100011872025", "KLER10001187202X",
			"/CourtOrderReport/Case/CaseTrackingID", "cnr"},
		{"missing release ground", release, "<nc:ActivityReasonText>Bail</nc:ActivityReasonText>", "",
			order + "/ActivityReasonText", "required"},
		{"unknown release ground", release, ">Bail<", ">Good conduct<",
			order + "/ActivityReasonText", "enum"},
		{"issuing court not an e-Courts code", pw, ">KLER10<", ">kler10<",
			warrant + "/CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID", "court-code"},
		{"release without court or CNR", release, "<nc:CaseTrackingID>KLER100011872025</nc:CaseTrackingID>", "",
			order + "/CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID", "required"},
		{"dangling person reference", remand, `<RoleOfPerson s:ref="accused-1"/>`, `<RoleOfPerson s:ref="accused-9"/>`,
			"/CourtOrderReport/CourtOrder/CourtOrderDesignatedSubject/RoleOfPerson", "reference"},
		{"invalid age", remand, "<MeasureValueText>34<", "<MeasureValueText>thirty-four<",
			"/CourtOrderReport/Person/PersonAgeMeasure", "integer"},
		{"invalid lineage FIR", remand, "FIR/KL/EKM/EKM0420/2023/402", "402/2023",
			"/CourtOrderReport/Case/CaseAugmentation/CaseLineageCase/CaseTrackingID", "fir_key"},
		{"invalid date-time", remand, "2023-11-02T13:05:00", "2023-11-02 13:05",
			"/CourtOrderReport/CourtOrder/CourtOrderIssuingDate/DateTime", "date-time"},
		{"invalid country", remand, ">IN<", ">IND<",
			"/CourtOrderReport/Person/PersonCitizenshipISO3166Alpha2Code", "country"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := orderAdapter().Decode(replaced(t, c.file, c.old, c.new), ContentType)
			if err == nil {
				t.Fatalf("Decode accepted the document: %+v", d.Messages)
			}
			if len(d.Messages) != 0 || d.Journal != nil {
				t.Errorf("Decode returned messages or a journal copy with its error")
			}
			if !hasOrderViolation(err, c.pointer, c.rule) {
				t.Errorf("no violation %s (%s) in %v", c.pointer, c.rule, err)
			}
		})
	}
}

// TestOrderListsEveryViolation checks that one document with several
// faults gets all of them in one error.
func TestOrderListsAFaultOnce(t *testing.T) {
	body := replaced(t, "order_remand_warrant.xml", "2023-11-02T13:05:00", "2023-11-02")
	_, err := orderAdapter().Decode(body, ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Rule != "date-time" {
		t.Errorf("an issuing date-time without its time gave %v, want one date-time violation", vs)
	}
}

func TestOrderListsEveryViolation(t *testing.T) {
	body := replaced(t, "order_production_warrant.xml", ">Production warrant<", ">Search warrant<")
	body = bytes.Replace(body, []byte(">KLSJEKM<"), []byte("><"), 1)
	body = bytes.Replace(body, []byte("<nc:Date>2025-10-01</nc:Date>"), []byte("<nc:Date>2025-1-1</nc:Date>"), 1)
	vs := schemas.Violations(func() error { _, err := orderAdapter().Decode(body, ContentType); return err }())
	if len(vs) < 3 {
		t.Errorf("%d violations, want at least 3 (kind, prison, order date): %v", len(vs), vs)
	}
}

func TestOrderIdentifiedByCourtAndNumber(t *testing.T) {
	body := replaced(t, "order_release_bail.xml", "KLER10-ORD-2025-000533", "")
	m := decodeOne(t, orderAdapter(), body)
	if m.SenderMessageID != "ORDER/KLER10/Crl.M.P. 2291/2025" {
		t.Errorf("sender message id = %q, want the court code and order number", m.SenderMessageID)
	}

	// The prison matches the order number as written, so one that passes
	// the Aadhaar check is rejected rather than masked in the id.
	aadhaar := bytes.Replace(body, []byte("Crl.M.P. 2291/2025"), []byte("586301729436"), 1)
	_, err := orderAdapter().Decode(aadhaar, ContentType)
	if !hasOrderViolation(err, "/CourtOrderReport/CourtOrder/ActivityIdentification/IdentificationID",
		canonical.RuleAadhaarLike) {
		t.Errorf("Decode with an Aadhaar-valid order number: error = %v, want it aadhaar-like", err)
	}
	if err != nil && strings.Contains(err.Error(), "58630172") {
		t.Errorf("error %q shows the number in clear", err)
	}

	hidden := bytes.Replace(body, []byte("Crl.M.P. 2291/2025"), []byte("PW\u2060586301729436"), 1)
	_, err = orderAdapter().Decode(hidden, ContentType)
	for _, rule := range []string{"pattern", canonical.RuleAadhaarLike} {
		if !hasOrderViolation(err, "/CourtOrderReport/CourtOrder/ActivityIdentification/IdentificationID", rule) {
			t.Errorf("Decode with an Aadhaar-valid order number after a word joiner: error = %v, "+
				"want it %s", err, rule)
		}
	}

	body = bytes.Replace(body, []byte("Crl.M.P. 2291/2025"), nil, 1)
	_, err = orderAdapter().Decode(body, ContentType)
	if !hasOrderViolation(err, "/CourtOrderReport/DocumentIdentification/IdentificationID", "required") {
		t.Errorf("Decode without document id and order number: error = %v, want it required", err)
	}
}

// TestOrderBuiltIDReachesPrison encodes an order identified by its court
// code and an order number with spaces for the prison. Only prisons
// receive court orders, and their message_id, unlike a police
// document's, may contain spaces, so such an id needs no document id
// check.
func TestOrderBuiltIDReachesPrison(t *testing.T) {
	const id = "ORDER/KLER10/Crl.M.P. 2291/2025"
	prison, err := prisons.New(prisons.Config{AadhaarKey: orderKey})
	if err != nil {
		t.Fatal(err)
	}
	m := decodeOne(t, orderAdapter(), replaced(t, "order_release_bail.xml", "KLER10-ORD-2025-000533", ""))
	if m.SenderMessageID != id {
		t.Fatalf("sender message id = %q, want %q", m.SenderMessageID, id)
	}
	m.ID = "hub-1"
	enc, err := prison.Encode(&m)
	if err != nil {
		t.Fatalf("prisons Encode: %v", err)
	}
	var doc struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(enc.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.MessageID != id {
		t.Errorf("prison's message_id = %q, want %q", doc.MessageID, id)
	}
}

func TestOrderCommittalWithoutNumber(t *testing.T) {
	m := decodeOne(t, orderAdapter(), readTestdata(t, "order_remand_warrant.xml"))
	p := m.CourtOrder.Prisoner
	if p.Number != "" {
		t.Errorf("prisoner number = %q, want none on this committal", p.Number)
	}
	if p.Status != canonical.CustodyUndertrial {
		t.Errorf("custody status = %q, want undertrial from a remand warrant", p.Status)
	}
	if m.CourtOrder.AppearOn != "2023-11-16" {
		t.Errorf("appear_on = %q, want the day the remand ends", m.CourtOrder.AppearOn)
	}
}

func TestOrderMalformed(t *testing.T) {
	cases := map[string][]byte{
		"no order element": []byte(`<r:Report xmlns:r="urn:example" ` +
			`xmlns:nc="http://release.niem.gov/niem/niem-core/5.0/"><nc:Case/></r:Report>`),
		"DTD": append([]byte(`<!DOCTYPE r [<!ENTITY x "y">]>`), readTestdata(t, "order_release_bail.xml")[39:]...),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := orderAdapter().Decode(body, ContentType)
			if !errors.Is(err, adapters.ErrMalformed) {
				t.Errorf("Decode error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestOrderAuthoredByCourts(t *testing.T) {
	if !(&Adapter{}).Authors(canonical.TypeCourtOrder) {
		t.Error("a court may not post a court order")
	}
	if (&Adapter{}).Authors(canonical.TypeChargesheet) {
		t.Error("a court may post a chargesheet")
	}
}

func TestOrderPrefixesDoNotMatter(t *testing.T) {
	body := readTestdata(t, "order_production_warrant.xml")
	renamed := reprefix(t, body, map[string]string{"nc": "core", "j": "justice", "structures": "st"})
	want := decodeOne(t, orderAdapter(), body)
	got := decodeOne(t, orderAdapter(), renamed)
	if got.CourtOrder.Prisoner.Number != want.CourtOrder.Prisoner.Number || got.CaseKey != want.CaseKey {
		t.Errorf("renamed prefixes changed the decoded order: %+v", got.CourtOrder)
	}
}

// TestSampleWarrantIssuedReport decodes a real NIEM 3 arrest warrant. It
// is no order to a prison, so each missing part is reported at its
// element.
func TestSampleWarrantIssuedReport(t *testing.T) {
	_, err := orderAdapter().Decode(readSample(t, "WarrantIssuedReport.xml"), ContentType)
	const warrant = "/WarrantIssuedReport/Warrant"
	for _, want := range []struct{ pointer, rule string }{
		{warrant + "/ActivityCategoryText", "required"},
		{warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID", "required"},
		{"/WarrantIssuedReport/Case/CaseTrackingID", "required"},
	} {
		if !hasOrderViolation(err, want.pointer, want.rule) {
			t.Errorf("no violation %s (%s) in %v", want.pointer, want.rule, err)
		}
	}
}

// refWarrant returns the production warrant with its issuing court and
// its enforcement agency given by structures:ref to elements of the root.
func refWarrant(t *testing.T, courtRef, agencyRef string) []byte {
	t.Helper()
	body := string(readTestdata(t, "order_production_warrant.xml"))
	inline := regexp.MustCompile(`(?s)<j:CourtOrderIssuingCourt>.*</j:CourtOrderIssuingCourt>`)
	body = inline.ReplaceAllString(body, `<j:CourtOrderIssuingCourt structures:ref="`+courtRef+`"/>`)
	inline = regexp.MustCompile(`(?s)<j:CourtOrderEnforcementAgency>.*</j:CourtOrderEnforcementAgency>`)
	body = inline.ReplaceAllString(body, `<j:CourtOrderEnforcementAgency structures:ref="`+agencyRef+`"/>`)
	return []byte(strings.Replace(body, "</ord:CourtOrderReport>", `  <j:Court structures:id="ct1">
    <nc:OrganizationIdentification>
      <nc:IdentificationID>KLTV01</nc:IdentificationID>
    </nc:OrganizationIdentification>
    <j:CourtName>Chief Judicial Magistrate Court, Thiruvananthapuram</j:CourtName>
  </j:Court>
  <nc:Organization structures:id="jail1">
    <nc:OrganizationIdentification>
      <nc:IdentificationID>KLDJEKM</nc:IdentificationID>
    </nc:OrganizationIdentification>
    <nc:OrganizationName>District Jail, Ernakulam</nc:OrganizationName>
  </nc:Organization>
</ord:CourtOrderReport>`, 1))
}

func TestOrderFollowsCourtAndPrisonRefs(t *testing.T) {
	m := decodeOne(t, orderAdapter(), refWarrant(t, "ct1", "jail1"))
	co := m.CourtOrder
	if co.Court.Code != "KLTV01" || co.Court.Name != "Chief Judicial Magistrate Court, Thiruvananthapuram" {
		t.Errorf("issuing court = %+v, want KLTV01 from the referenced j:Court", co.Court)
	}
	if co.Prisoner.PrisonCode != "KLDJEKM" || co.Prisoner.PrisonName != "District Jail, Ernakulam" {
		t.Errorf("prison = %q %q, want KLDJEKM from the referenced organization",
			co.Prisoner.PrisonCode, co.Prisoner.PrisonName)
	}
}

func TestOrderDanglingCourtRefs(t *testing.T) {
	_, err := orderAdapter().Decode(refWarrant(t, "ct9", "jail9"), ContentType)
	for _, pointer := range []string{
		"/CourtOrderReport/Warrant/CourtOrderIssuingCourt",
		"/CourtOrderReport/Warrant/CourtOrderEnforcementAgency",
	} {
		if !hasOrderViolation(err, pointer, "reference") {
			t.Errorf("no reference violation at %s in %v", pointer, err)
		}
	}
}

func TestOrderTwoOrdersRejected(t *testing.T) {
	body := string(readTestdata(t, "order_production_warrant.xml"))
	warrant := regexp.MustCompile(`(?s)  <j:Warrant .*</j:Warrant>\n`).FindString(body)
	if warrant == "" {
		t.Fatal("no j:Warrant in the production warrant")
	}
	second := strings.ReplaceAll(strings.ReplaceAll(warrant, ">KLER10<", ">KLTV01<"), "PW-45-2025", "PW-46-2025")
	_, err := orderAdapter().Decode([]byte(strings.Replace(body, warrant, warrant+second, 1)), ContentType)
	// The second order is the one the hub would not read.
	const secondOrder = "/CourtOrderReport/Warrant[2]"
	if !hasOrderViolation(err, secondOrder, RuleOneOrder) {
		t.Errorf("no %s violation at %s in %v", RuleOneOrder, secondOrder, err)
	}
}

func TestOrderNumberWithHiddenCharacterRejected(t *testing.T) {
	for name, number := range map[string]string{
		"word joiner":            "Crl.M.P. 2291\u2060/2025",
		"right-to-left override": "Crl.M.P. \u202e2291/2025",
	} {
		t.Run(name, func(t *testing.T) {
			body := replaced(t, "order_release_bail.xml", "Crl.M.P. 2291/2025", number)
			_, err := orderAdapter().Decode(body, ContentType)
			if !hasOrderViolation(err, "/CourtOrderReport/CourtOrder/ActivityIdentification/IdentificationID",
				"pattern") {
				t.Fatalf("Decode: error = %v, want rule pattern at the order number", err)
			}
			if strings.ContainsAny(err.Error(), "\u2060\u202e") {
				t.Errorf("error %q quotes the character raw", err)
			}
			if !strings.Contains(err.Error(), `\u`) {
				t.Errorf("error %q does not escape the character", err)
			}
		})
	}
}

func TestOrderAadhaarGivenTwiceMaskedOnce(t *testing.T) {
	const id = `<nc:PersonOtherIdentification>
          <nc:IdentificationID>586301729436</nc:IdentificationID>`
	spaced := id + `
          <nc:IdentificationCategoryText>Aadhaar</nc:IdentificationCategoryText>
        </nc:PersonOtherIdentification>
        <nc:PersonOtherIdentification>
          <nc:IdentificationID>5863 0172 9436</nc:IdentificationID>`
	body := replaced(t, "order_production_warrant.xml", id, spaced)
	m := decodeOne(t, orderAdapter(), body)
	ids := m.CourtOrder.Prisoner.Person.Identifiers
	if len(ids) != 1 {
		t.Fatalf("identifiers = %+v, want the Aadhaar number once", ids)
	}
	if ids[0].Value != "XXXXXXXX9436" {
		t.Errorf("identifier value = %q, want XXXXXXXX9436", ids[0].Value)
	}
}

// TestOrderIDFitsPrisonMessageID checks that an order is rejected when
// its document id is longer than a prison's message_id allows, because
// the hub could not then deliver the order to the prison.
func TestOrderIDFitsPrisonMessageID(t *testing.T) {
	atLimit := strings.Repeat("D", 128)
	atLimitOrder := replaced(t, "order_production_warrant.xml", "KLER10-ORD-2025-000451", atLimit)
	m := decodeOne(t, orderAdapter(), atLimitOrder)
	prison, err := prisons.New(prisons.Config{AadhaarKey: orderKey})
	if err != nil {
		t.Fatal(err)
	}
	m.ID = "hub-1"
	if _, err := prison.Encode(&m); err != nil {
		t.Errorf("prisons Encode of an order with a 128-character id: %v", err)
	}

	tooLong := replaced(t, "order_production_warrant.xml", "KLER10-ORD-2025-000451", atLimit+"D")
	_, err = orderAdapter().Decode(tooLong, ContentType)
	if !hasOrderViolation(err, "/CourtOrderReport/DocumentIdentification/IdentificationID", "maxLength") {
		t.Errorf("Decode of an order with a 129-character document id: error = %v, want it maxLength", err)
	}
}
