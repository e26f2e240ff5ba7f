package canonical

import (
	"strings"
	"testing"
	"time"
)

func TestMaskAadhaarInMessage(t *testing.T) {
	const clear = "5863 0172 9436" // passes the Verhoeff check
	m := Message{
		ID: "586301729436", Type: TypeMovement, Source: "prisons",
		SenderMessageID: "586301729436", CaseKey: "case-1", OccurredAt: time.Now(),
		Movement: &Movement{
			Reason: "produced; Aadhaar " + clear + " verified",
			Prisoner: Prisoner{Housing: "Block B " + clear, Person: Person{
				Names:       []Name{{Full: "Ravi " + clear}},
				Identifiers: []Identifier{{Type: IDAadhaar, Value: "XXXXXXXX9436", Token: "586301729436"}},
			}},
		},
	}
	if !MaskAadhaarInMessage(&m) {
		t.Fatal("MaskAadhaarInMessage reported nothing masked")
	}
	if m.Movement.Reason != "produced; Aadhaar XXXXXXXX9436 verified" {
		t.Errorf("reason = %q", m.Movement.Reason)
	}
	if got := m.Movement.Prisoner.Person.Names[0].Full; strings.Contains(got, "0172") {
		t.Errorf("name in a slice kept the number: %q", got)
	}
	if got := m.Movement.Prisoner.Housing; got != "Block B XXXXXXXX9436" {
		t.Errorf("housing = %q", got)
	}
	if m.ID != "586301729436" || m.SenderMessageID != "586301729436" {
		t.Errorf("envelope ids changed: %q, %q", m.ID, m.SenderMessageID)
	}
	if tok := m.Movement.Prisoner.Person.Identifiers[0].Token; tok != "586301729436" {
		t.Errorf("identifier token changed: %q", tok)
	}
	if MaskAadhaarInMessage(&m) {
		t.Error("a second pass masked something again")
	}
}

func TestEachStringPointers(t *testing.T) {
	m := Message{Type: TypeMovement, Movement: &Movement{
		Prisoner: Prisoner{Person: Person{Names: []Name{{Full: "a"}, {Full: "b"}}}},
	}}
	var pointers []string
	EachString(&m, func(pointer, s string) (string, bool) {
		if s == "b" {
			pointers = append(pointers, pointer)
		}
		return "", false
	})
	if len(pointers) != 1 || pointers[0] != "/prisoner_movement/prisoner/person/names/1/full" {
		t.Errorf("pointers of %q = %v, want [/prisoner_movement/prisoner/person/names/1/full]", "b", pointers)
	}
}

func TestNameFault(t *testing.T) {
	for _, ok := range []string{"Shibu K. R.", "ഷിബു കെ. ആർ.", "ശ്രീ\u200dകുമാർ", "राम\u200c", "O'Brien"} {
		if f := NameFault(ok); f != "" {
			t.Errorf("NameFault(%q) = %q, want none", ok, f)
		}
	}
	for s, want := range map[string]string{
		"\u200b\u200b":      "U+200B",
		"\u200d":            "no letter",
		"\u0301\u0308":      "no letter",
		"Rajan\u202eevil":   "U+202E",
		"\ufeffRajan":       "U+FEFF",
		"\u3164":            "U+3164",
		"\u115f\u1160":      "U+115F",
		"Raj\u200fan":       "U+200F",
		"...":               "no letter",
		"Ra\u2066jan\u2069": "U+2066",
	} {
		if f := NameFault(s); !strings.Contains(f, want) {
			t.Errorf("NameFault(%q) = %q, want it to contain %q", s, f, want)
		}
	}
}

// TestMaskAadhaarKeepsFileNumbers masks a request and a report whose
// file number, 987654321106, passes the Aadhaar check digit. The file
// number identifies the verification, so it stays, and RecordIDs
// returns it for the journaled body.
func TestMaskAadhaarKeepsFileNumbers(t *testing.T) {
	const file = "987654321106"
	request := Message{Type: TypeVerificationRequest, CaseKey: PassportCaseKey(file),
		VerificationRequest: &VerificationRequest{FileNumber: file,
			Applicant: Person{Occupation: "clerk, Aadhaar 5863 0172 9436"}}}
	report := Message{Type: TypeVerificationReport, CaseKey: PassportCaseKey(file),
		VerificationReport: &VerificationReport{FileNumber: file, Reason: "file " + file}}

	if !MaskAadhaarInMessage(&request) {
		t.Error("MaskAadhaarInMessage masked nothing in the request's occupation")
	}
	if got := request.VerificationRequest.FileNumber; got != file {
		t.Errorf("request file number = %q, want %s", got, file)
	}
	if got := request.VerificationRequest.Applicant.Occupation; got != "clerk, Aadhaar XXXXXXXX9436" {
		t.Errorf("occupation = %q, want the Aadhaar number masked", got)
	}
	MaskAadhaarInMessage(&report)
	if got := report.VerificationReport.FileNumber; got != file {
		t.Errorf("report file number = %q, want %s", got, file)
	}
	for _, m := range []*Message{&request, &report} {
		if ids := RecordIDs(m); len(ids) != 1 || ids[0] != file {
			t.Errorf("RecordIDs(%s) = %v, want [%s]", m.Type, ids, file)
		}
	}
}

func TestBuildMessageIDMasksAadhaar(t *testing.T) {
	cases := []struct {
		name  string
		parts []string
		want  string
	}{
		{"number in a part", []string{"BookingReport", "KLDJEKM", "586301729436", "20250921T134000Z"},
			"BookingReport/KLDJEKM/XXXXXXXX9436/20250921T134000Z"},
		{"grouped number in a part", []string{"ORDER", "KLER10", "5863 0172 9436"}, "ORDER/KLER10/XXXXXXXX9436"},
		{"number across parts", []string{"ORDER", "5863", "0172", "9436"}, "ORDER/XXXXXXXX9436"},
		{"no number", []string{"ORDER", "KLER10", "Crl.M.P. 2291/2025"}, "ORDER/KLER10/Crl.M.P. 2291/2025"},
		{"failed check digit", []string{"BookingReport", "KLDJEKM", "586301729437"},
			"BookingReport/KLDJEKM/586301729437"},
	}
	for _, c := range cases {
		if got := BuildMessageID(c.parts...); got != c.want {
			t.Errorf("%s: BuildMessageID(%q) = %q, want %q", c.name, c.parts, got, c.want)
		}
	}
}

// TestMaskAadhaarKeepsFIRNationalIDs masks messages whose FIR references
// carry the national id 4918-7362-5403, which passes the Aadhaar check
// digit. The id names the FIR, so it stays wherever a FIRRef holds it,
// RecordIDs returns it, and the journaled body keeps its digits.
func TestMaskAadhaarKeepsFIRNationalIDs(t *testing.T) {
	const id = "4918-7362-5403"
	ref := FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187,
		NationalID: id}
	messages := []Message{
		{Type: TypeFIR, FIR: &FIR{Ref: ref, FirstInformation: "Aadhaar 5863 0172 9436"}},
		{Type: TypeArrest, Arrest: &Arrest{FIR: ref, Place: "Aadhaar 5863 0172 9436"}},
		{Type: TypeChargesheet, Chargesheet: &Chargesheet{FIR: &ref, BriefFacts: "Aadhaar 5863 0172 9436"}},
	}
	for i := range messages {
		m := &messages[i]
		if !MaskAadhaarInMessage(m) {
			t.Errorf("%s: MaskAadhaarInMessage masked nothing", m.Type)
		}
		var got string
		switch m.Type {
		case TypeFIR:
			got = m.FIR.Ref.NationalID
		case TypeArrest:
			got = m.Arrest.FIR.NationalID
		case TypeChargesheet:
			got = m.Chargesheet.FIR.NationalID
		}
		if got != id {
			t.Errorf("%s national id = %q, want %s", m.Type, got, id)
		}
		if ids := RecordIDs(m); len(ids) != 1 || ids[0] != id {
			t.Errorf("RecordIDs(%s) = %v, want [%s]", m.Type, ids, id)
		}
	}
	body := `{"fir":{"national_id":"` + id + `"},"text":"Aadhaar 5863 0172 9436"}`
	got, _ := MaskAadhaarInBody([]byte(body), id)
	want := `{"fir":{"national_id":"` + id + `"},"text":"Aadhaar XXXXXXXX9436"}`
	if string(got) != want {
		t.Errorf("MaskAadhaarInBody = %s, want %s", got, want)
	}
}

func TestCheckIdentifierCharacters(t *testing.T) {
	for id, effect := range map[string]string{
		"PW\u200b45/2025": "U+200B at byte 2, which shows as nothing",
		"PW\u202e45/2025": "U+202E at byte 2, which reorders the text",
		"PW 45/2025\x07":  "U+0007 at byte 10, which is a control character",
		"PW\t45/2025":     "U+0009 at byte 2, which is a control character",
		"PW 45\u0085":     "U+0085 at byte 5, which is a control character",
	} {
		err := CheckIdentifierCharacters("order number", id)
		if err == nil {
			t.Errorf("CheckIdentifierCharacters(%q) = nil, want an error", id)
			continue
		}
		if !strings.Contains(err.Error(), effect) {
			t.Errorf("CheckIdentifierCharacters(%q) = %q, want it to contain %q", id, err, effect)
		}
	}
	for _, id := range []string{"PW 45/2025", "UT-2231-2025", "कैदी 12"} {
		if err := CheckIdentifierCharacters("order number", id); err != nil {
			t.Errorf("CheckIdentifierCharacters(%q) = %v, want nil", id, err)
		}
	}
}

// TestCheckIdentifierCharactersMasksAadhaar checks Aadhaar numbers that
// a hidden character or a line feed splits. The error quotes the value
// with that character escaped, which text masking does not read, so the
// number must be masked before it is quoted.
func TestCheckIdentifierCharactersMasksAadhaar(t *testing.T) {
	for _, id := range []string{
		"4918 7362\u20605403",
		"4918\u200b7362\u200b5403",
		"ID 4918 7362 5403\n",
	} {
		err := CheckIdentifierCharacters("aadhaar number", id)
		if err == nil {
			t.Errorf("CheckIdentifierCharacters(%q) = nil, want an error", id)
			continue
		}
		shown, _ := MaskAadhaarInText(err.Error())
		if !strings.Contains(shown, "XXXXXXXX5403") {
			t.Errorf("CheckIdentifierCharacters(%q) = %q, want the number masked", id, shown)
		}
		if strings.Contains(shown, "7362") {
			t.Errorf("CheckIdentifierCharacters(%q) = %q, which shows digits of the number", id, shown)
		}
	}
}
