package schemas_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

var ist = time.FixedZone("IST", 5*3600+1800)

func testFIRRef() canonical.FIRRef {
	return canonical.FIRRef{
		State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187,
		NationalID: "KL-EKM0412-2025-001187",
	}
}

// testPerson sets every field of a person, with a masked Aadhaar number.
func testPerson(t *testing.T) canonical.Person {
	t.Helper()
	aadhaar, err := canonical.MaskAadhaar("2345 6789 0124", []byte("test key of thirty-two bytes...."))
	if err != nil {
		t.Fatalf("MaskAadhaar: %v", err)
	}
	aadhaar.Issuer = "UIDAI"
	return canonical.Person{
		Names: []canonical.Name{
			{Full: "രാജൻ കെ. പി.", Script: "Mlym"},
			{Full: "Rajan K. P.", Given: "Rajan", Middle: "", Family: "", Initials: "K. P.", Script: "Latn"},
		},
		Aliases:     []canonical.Name{{Full: "Kuttan", Script: "Latn"}},
		Sex:         canonical.SexMale,
		DateOfBirth: "1984-03-02",
		BirthYear:   1984,
		Age:         &canonical.Age{Years: 41, AsOf: "2025-09-14"},
		Relatives:   []canonical.Relative{{Relation: "father", Name: "Pappan K."}},
		Addresses: []canonical.Address{{
			Kind: "present", Line: "Kizhakkeveedu, TC 12/345", Locality: "Kaloor",
			City: "Kochi", District: "Ernakulam", State: "Kerala", PIN: "682017", Country: "IN",
		}},
		Identifiers: []canonical.Identifier{aadhaar, {Type: canonical.IDPassport, Value: "M1234567"}},
		Nationality: "IN",
		Occupation:  "autorickshaw driver",
	}
}

func testCharges() []canonical.Charge {
	return []canonical.Charge{
		canonical.Charge{Sequence: 1, Act: canonical.ActBNS, Section: "303(2)", Description: "theft"}.WithEquivalent(),
		{Sequence: 2, Act: "Kerala Police Act, 2011", Section: "118(a)", OffenseID: "KPA-118A"},
	}
}

func testMessages(t *testing.T) map[canonical.Type]canonical.Message {
	t.Helper()
	ref := testFIRRef()
	at := time.Date(2025, 9, 14, 10, 45, 0, 0, ist)
	envelope := func(typ canonical.Type) canonical.Message {
		return canonical.Message{
			ID: "01JBZ5Q8XK", Type: typ, Source: "police", SenderMessageID: "EKM0412-" + string(typ),
			CorrelationID: "corr-1", CaseKey: ref.Key(), OccurredAt: at,
			ReceivedAt: at.Add(time.Minute), SchemaVersion: canonical.SchemaVersion,
		}
	}
	officer := canonical.Officer{Name: "Anil Kumar", Rank: "Sub Inspector", ID: "KP-4471", PoliceStation: "EKM0412"}
	property := []canonical.Property{{Description: "gold chain, 2 sovereigns", Category: "jewellery", ValueINR: 120000}}
	accused := canonical.Accused{
		Person: testPerson(t), Description: "about 40, thin build", Status: canonical.AccusedArrested,
		Charged: true, PreviousConvictions: []string{"CC 77/2019, JFCM Kochi"},
	}

	fir := envelope(canonical.TypeFIR)
	fir.FIR = &canonical.FIR{
		Ref: ref, RegisteredAt: at, Charges: testCharges(),
		OccurredFrom: at.Add(-26 * time.Hour), OccurredTo: at.Add(-25 * time.Hour),
		InformationReceivedAt: at.Add(-time.Hour), GeneralDiaryRef: "GD 23/2025",
		Place: canonical.Place{DistanceKm: 1.5, Direction: "NE", Beat: "Beat 4",
			Address: canonical.Address{Kind: "occurrence", Line: "Near Kaloor bus stand", City: "Kochi"}},
		Complainant: testPerson(t),
		Accused:     []canonical.Accused{{Description: "unknown man", Status: canonical.AccusedUnknown}},
		DelayReason: "complainant was in hospital", Property: property,
		FirstInformation: "The complainant states that ...", ActionTaken: "Case registered",
		SentToCourtAt: at.Add(3 * time.Hour), Officer: officer,
	}

	arrest := envelope(canonical.TypeArrest)
	arrest.Arrest = &canonical.Arrest{
		FIR: ref, Person: testPerson(t), Surrender: true, At: at, Place: "JFCM Court II, Ernakulam",
		By: officer, Charges: testCharges(), RelativeInformed: "Lakshmi (wife)",
		PropertyRecovered: property,
	}

	sheet := envelope(canonical.TypeChargesheet)
	sheet.Chargesheet = &canonical.Chargesheet{
		FIR: &ref, TrackingID: "T-1", Title: "State of Kerala v. Rajan", ReportNumber: "FR 12/2025",
		FiledOn: "2025-12-01", Kind: canonical.FinalChargesheet, Supplementary: 1,
		InvestigatingOfficer: officer,
		Court:                canonical.Court{Code: "KLER01", Name: "JFCM Court II, Ernakulam", District: "Ernakulam"},
		Accused:              []canonical.Accused{accused}, Charges: testCharges(),
		Witnesses: []canonical.Person{testPerson(t)}, PropertySeized: property,
		LabResults: []string{"FSL Thiruvananthapuram: stains are human blood"}, BriefFacts: "On 13 September ...",
	}

	reg := envelope(canonical.TypeCourtRegistration)
	reg.CourtRegistration = &canonical.CourtRegistration{
		CNR: "KLER010011872025", Court: canonical.Court{Code: "KLER01", Name: "JFCM Court II"},
		FilingNumber: "CC 1187/2025", FiledOn: "2025-12-02", NextHearing: "2026-01-15",
		FIR: &ref, TrackingID: "T-1", Title: "State of Kerala v. Rajan", Status: "rejected",
		Reason: "copy of seizure mahazar missing",
	}
	msgs := map[canonical.Type]canonical.Message{
		canonical.TypeFIR: fir, canonical.TypeArrest: arrest,
		canonical.TypeChargesheet: sheet, canonical.TypeCourtRegistration: reg,
	}
	for _, m := range prisonMessages(t, envelope) {
		msgs[m.Type] = m
	}
	for _, m := range passportMessages(t, envelope) {
		msgs[m.Type] = m
	}
	return msgs
}

// testPrisoner sets every field of a prisoner.
func testPrisoner(t *testing.T) canonical.Prisoner {
	t.Helper()
	ref := testFIRRef()
	return canonical.Prisoner{
		PrisonCode: "KLSJEKM", PrisonName: "Sub Jail, Ernakulam", Number: "UT-2231-2025",
		BookingNumber: "B-2025-0918", Person: testPerson(t),
		Status: canonical.CustodyUndertrial, StatusDetail: "remanded till 30 September",
		AdmittedAt: time.Date(2025, 9, 21, 19, 10, 0, 0, ist), Housing: "Block B, cell 12",
		Alerts: []string{"escape risk"},
		Cases: []canonical.CaseRef{{
			FIR: &ref, CNR: "KLER100011872025",
			Court: canonical.Court{Code: "KLER10", Name: "JFCM Court II, Ernakulam"},
		}},
		Charges: testCharges(),
	}
}

func prisonMessages(t *testing.T, envelope func(canonical.Type) canonical.Message) []canonical.Message {
	t.Helper()
	move := envelope(canonical.TypeMovement)
	move.Movement = &canonical.Movement{
		Prisoner: testPrisoner(t), Kind: canonical.MoveRelease,
		At:            time.Date(2025, 10, 2, 17, 30, 0, 0, ist),
		From:          canonical.Location{Kind: canonical.LocationPrison, Code: "KLSJEKM", Name: "Sub Jail, Ernakulam"},
		To:            canonical.Location{Kind: canonical.LocationHome},
		Reason:        "bail granted in Crl.M.P. 2291/2025",
		ReleaseGround: canonical.ReleaseBail,
	}

	order := envelope(canonical.TypeCourtOrder)
	order.CourtOrder = &canonical.CourtOrder{
		Kind: canonical.OrderProductionWarrant, Number: "PW 45/2025",
		Court:    canonical.Court{Code: "KLER10", Name: "JFCM Court II, Ernakulam"},
		Prisoner: testPrisoner(t), Case: testPrisoner(t).Cases[0],
		AppearOn: "2025-10-03", OrderedOn: "2025-10-01", Judge: "Smt. Leena R., JFCM II",
	}
	return []canonical.Message{move, order}
}

func passportMessages(t *testing.T, envelope func(canonical.Type) canonical.Message) []canonical.Message {
	t.Helper()
	ref := testFIRRef()
	request := envelope(canonical.TypeVerificationRequest)
	request.VerificationRequest = &canonical.VerificationRequest{
		FileNumber: "CO1075123456725", Kind: canonical.VerificationReissue,
		Applicant: testPerson(t),
		OldPassport: &canonical.MRZ{
			Format: "TD3", DocumentCode: "P", IssuingState: "IND", DocumentNumber: "M1234567",
			Nationality: "IND", DateOfBirth: "1984-03-02", Sex: "M", ExpiresOn: "2026-01-20",
			PrimaryIdentifier: "K P", SecondaryIdentifier: "RAJAN", OptionalData: "AB12",
			OptionalData2: "C",
		},
		DueOn: "2025-10-14", PoliceStation: "EKM0412",
		Matches: []canonical.CaseMatch{{Case: canonical.CaseRef{FIR: &ref}, MatchedBy: "aadhaar_token"}},
	}

	report := envelope(canonical.TypeVerificationReport)
	report.VerificationReport = &canonical.VerificationReport{
		FileNumber: "CO1075123456725", Outcome: canonical.VerificationAdverse,
		Cases: []canonical.CaseRef{{FIR: &ref}}, Reason: "accused in a pending theft case",
		PoliceStation: "EKM0412",
		Officer:       canonical.Officer{Name: "Anil Kumar", Rank: "Sub Inspector", ID: "KP-4471"},
		ReportedOn:    "2025-10-16", Late: true,
	}
	return []canonical.Message{request, report}
}

func TestCanonicalMessagesValid(t *testing.T) {
	msgs := testMessages(t)
	for _, typ := range canonical.Types {
		m, ok := msgs[typ]
		if !ok {
			t.Errorf("no test message of type %s", typ)
			continue
		}
		if err := m.CheckBody(); err != nil {
			t.Fatalf("test message %s: %v", typ, err)
		}
		if err := schemas.ValidateValue("canonical/message.json", m); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

func TestCanonicalMinimalMessagesValid(t *testing.T) {
	ref := testFIRRef()
	base := canonical.Message{
		Type: canonical.TypeFIR, SenderMessageID: "m1", CaseKey: ref.Key(),
		SchemaVersion: canonical.SchemaVersion,
	}
	fir := base
	fir.FIR = &canonical.FIR{Ref: ref}
	sheet := base
	sheet.Type = canonical.TypeChargesheet
	sheet.Chargesheet = &canonical.Chargesheet{TrackingID: "T-9", Kind: canonical.FinalUntraced}
	for _, m := range []canonical.Message{fir, sheet} {
		if err := schemas.ValidateValue("canonical/message.json", m); err != nil {
			t.Errorf("zero-valued %s: %v", m.Type, err)
		}
	}
}

type wantViolation struct{ pointer, rule string }

func TestCanonicalViolations(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(m *canonical.Message)
		typ   canonical.Type
		want  []wantViolation
	}{
		{"clear aadhaar", func(m *canonical.Message) {
			m.FIR.Complainant.Identifiers[0].Value = "234567890124"
		}, canonical.TypeFIR, []wantViolation{{"/fir/complainant/identifiers/0/value", "pattern"}}},
		{"too many charges and a long name", func(m *canonical.Message) {
			m.FIR.Charges = make([]canonical.Charge, 1001)
			for i := range m.FIR.Charges {
				m.FIR.Charges[i] = canonical.Charge{Act: canonical.ActBNS, Section: "303(2)"}
			}
			m.FIR.Complainant.Names[0].Full = strings.Repeat("a", 513)
		}, canonical.TypeFIR, []wantViolation{
			{"/fir/charges", "maxItems"}, {"/fir/complainant/names/0/full", "maxLength"},
		}},
		{"lower-case station code", func(m *canonical.Message) {
			m.Chargesheet.FIR.PoliceStation = "ekm0412"
		}, canonical.TypeChargesheet, []wantViolation{{"/chargesheet/fir/police_station", "pattern"}}},
		{"second body", func(m *canonical.Message) {
			m.Arrest = testMessages(t)[canonical.TypeArrest].Arrest
		}, canonical.TypeFIR, []wantViolation{{"/arrest", "not"}}},
		{"body of another type", func(m *canonical.Message) {
			m.Type = canonical.TypeChargesheet
		}, canonical.TypeFIR, []wantViolation{{"/chargesheet", "required"}, {"/fir", "not"}}},
		{"unknown type", func(m *canonical.Message) {
			m.Type = "warrant"
		}, canonical.TypeArrest, []wantViolation{{"/type", "enum"}}},
		{"bad date and sex", func(m *canonical.Message) {
			m.Chargesheet.FiledOn = "2025-13-01"
			m.Chargesheet.Accused[0].Person.Sex = "M"
		}, canonical.TypeChargesheet, []wantViolation{
			{"/chargesheet/accused/0/person/sex", "enum"}, {"/chargesheet/filed_on", "format"},
		}},
		{"unknown kind and status", func(m *canonical.Message) {
			m.Chargesheet.Kind = "closed"
			m.Chargesheet.Accused[0].Status = "missing"
		}, canonical.TypeChargesheet, []wantViolation{
			{"/chargesheet/accused/0/status", "enum"}, {"/chargesheet/kind", "enum"},
		}},
		{"release ground on an escape", func(m *canonical.Message) {
			m.Movement.Kind = canonical.MoveEscape
		}, canonical.TypeMovement, []wantViolation{{"/prisoner_movement/kind", "const"}}},
		{"production warrant without a date", func(m *canonical.Message) {
			m.CourtOrder.AppearOn = ""
		}, canonical.TypeCourtOrder, []wantViolation{{"/court_order/appear_on", "required"}}},
		{"case without FIR or CNR", func(m *canonical.Message) {
			m.CourtOrder.Case = canonical.CaseRef{Court: m.CourtOrder.Court}
		}, canonical.TypeCourtOrder, []wantViolation{
			{"/court_order/case/cnr", "required"}, {"/court_order/case/fir", "required"},
		}},
		{"adverse report without cases", func(m *canonical.Message) {
			m.VerificationReport.Cases = nil
		}, canonical.TypeVerificationReport, []wantViolation{{"/verification_report/cases", "required"}}},
		{"MRZ with a lower-case name", func(m *canonical.Message) {
			m.VerificationRequest.OldPassport.PrimaryIdentifier = "k p"
			m.VerificationRequest.OldPassport.Sex = "<"
		}, canonical.TypeVerificationRequest, []wantViolation{
			{"/verification_request/old_passport/primary_identifier", "pattern"},
			{"/verification_request/old_passport/sex", "enum"},
		}},
		{"birth year before 1900", func(m *canonical.Message) {
			m.FIR.Complainant.BirthYear = 1899
		}, canonical.TypeFIR, []wantViolation{{"/fir/complainant/birth_year", "minimum"}}},
		{"bad CNR and no version", func(m *canonical.Message) {
			m.CourtRegistration.CNR = "KLER01-1187-2025"
			m.SchemaVersion = "2.0"
		}, canonical.TypeCourtRegistration, []wantViolation{
			{"/court_registration/cnr", "pattern"}, {"/schema_version", "pattern"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testMessages(t)[tt.typ]
			tt.spoil(&m)
			got := violationsOf(t, schemas.ValidateValue("canonical/message.json", m))
			if !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v", got, tt.want)
			}
		})
	}
}

func violationsOf(t *testing.T, err error) []wantViolation {
	t.Helper()
	vs := schemas.Violations(err)
	if vs == nil {
		t.Fatalf("error = %v, want a validation error", err)
	}
	var out []wantViolation
	for _, v := range vs {
		out = append(out, wantViolation{v.Pointer, v.Rule})
	}
	return out
}

// TestCanonicalCaseSchemasBounded requires a maxItems on every array and
// a maxLength on every free string of the canonical case and person
// schemas. Strings bounded by a pattern, a format or an enum need none.
func TestCanonicalCaseSchemasBounded(t *testing.T) {
	for _, file := range []string{"arrest", "case", "charge", "chargesheet", "court_registration",
		"fir", "message", "person"} {
		name := "canonical/" + file + ".json"
		src, err := schemas.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		var root any
		if err := json.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		walkSchema(root, "", func(at string, s map[string]any) {
			var types string
			switch typ := s["type"].(type) {
			case string, []any: // Not a "type" member of a properties map.
				types = fmt.Sprint(typ)
			}
			_, length := s["maxLength"]
			_, items := s["maxItems"]
			_, pattern := s["pattern"]
			_, format := s["format"]
			if strings.Contains(types, "array") && !items {
				t.Errorf("%s%s: array without maxItems", name, at)
			}
			if strings.Contains(types, "string") && !length && !pattern && !format {
				t.Errorf("%s%s: string without maxLength", name, at)
			}
		})
	}
}

func walkSchema(node any, at string, visit func(string, map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		visit(at, n)
		for k, child := range n {
			walkSchema(child, at+"/"+k, visit)
		}
	case []any:
		for _, child := range n {
			walkSchema(child, at, visit)
		}
	}
}
