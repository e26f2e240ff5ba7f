package canonical

import (
	"regexp"
	"strings"
	"testing"
)

func TestPrisonerCaseKey(t *testing.T) {
	fir := FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	base := Prisoner{PrisonCode: "KLSJEKM", Number: "UT-2231-2025"}
	tests := []struct {
		name  string
		cases []CaseRef
		want  string
	}{
		{"no case", nil, "PRISONER/KLSJEKM/UT-2231-2025"},
		{"CNR only", []CaseRef{{CNR: "KLER100011872025"}}, "CNR/KLER100011872025"},
		{"FIR and CNR", []CaseRef{{FIR: &fir, CNR: "KLER100011872025"}}, fir.Key()},
		{"FIR in the second case", []CaseRef{{CNR: "KLER100011872025"}, {FIR: &fir}}, fir.Key()},
	}
	for _, tt := range tests {
		p := base
		p.Cases = tt.cases
		if got := p.CaseKey(); got != tt.want {
			t.Errorf("%s: CaseKey() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCourtOrderCaseKey(t *testing.T) {
	fir := FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0420", Year: 2023, Number: 402}
	o := CourtOrder{
		Prisoner: Prisoner{PrisonCode: "KLCJVIY", Number: "C-118", Cases: []CaseRef{{FIR: &fir}}},
		Case:     CaseRef{CNR: "KLER120004022023"},
	}
	if got := o.CaseKey(); got != "CNR/KLER120004022023" {
		t.Errorf("CaseKey() = %q, want the order's own case", got)
	}
	o.Case = CaseRef{}
	if got := o.CaseKey(); got != fir.Key() {
		t.Errorf("CaseKey() without a case = %q, want the prisoner's %q", got, fir.Key())
	}
}

func TestPassportCaseKey(t *testing.T) {
	req := VerificationRequest{FileNumber: "CO1075123456725"}
	rep := VerificationReport{FileNumber: "CO1075123456725"}
	if req.CaseKey() != "PASSPORT/CO1075123456725" || rep.CaseKey() != req.CaseKey() {
		t.Errorf("CaseKey() = %q and %q, want PASSPORT/CO1075123456725 for both",
			req.CaseKey(), rep.CaseKey())
	}
}

func TestHoldingPrison(t *testing.T) {
	m := Message{Type: TypeMovement, Movement: &Movement{Prisoner: Prisoner{PrisonCode: "KLSJEKM"},
		To: Location{Kind: LocationPrison, Code: "KLCJVIY"}}}
	prison, pointer, ok := m.HoldingPrison()
	if !ok || prison != "KLSJEKM" || pointer != "/prisoner_movement/prisoner/prison_code" {
		t.Errorf("HoldingPrison() = %q, %q, %v, want KLSJEKM at /prisoner_movement/prisoner/prison_code",
			prison, pointer, ok)
	}
	if got := valueAt(t, &m, pointer); got != "KLSJEKM" {
		t.Errorf("the message's JSON has %q at %s, want KLSJEKM", got, pointer)
	}
	order := Message{Type: TypeCourtOrder, CourtOrder: &CourtOrder{Prisoner: Prisoner{PrisonCode: "KLSJEKM"}}}
	if _, _, ok := order.HoldingPrison(); ok {
		t.Error("a court order has a holding prison, want none")
	}
}

func TestValidPrisonCode(t *testing.T) {
	for _, ok := range []string{"KLSJEKM", "UT-2231-2025", "Pima County Adult Detention Complex", "A"} {
		if !ValidPrisonCode(ok) {
			t.Errorf("ValidPrisonCode(%q) = false, want true", ok)
		}
	}
	for _, bad := range []string{"", "UT/2231", " KLSJEKM", "KLSJEKM\u00a0", "\u3000KLSJEKM", "UT-9100-2025\u202f",
		"KLSJ\u00a0EKM", "UT\n2231", "UT\u200b2231", "KL\u2028SJ", strings.Repeat("A", 65)} {
		if ValidPrisonCode(bad) {
			t.Errorf("ValidPrisonCode(%q) = true, want false", bad)
		}
	}
}

// TestCheckCodeTextMatchesPatterns checks that CheckCodeText rejects a
// code exactly when PrisonCodePattern, or RecordNumberPattern with slash
// set, does, for codes without characters that only
// CheckIdentifierCharacters rejects, and that ValidPrisonCode bounds the
// length.
func TestCheckCodeTextMatchesPatterns(t *testing.T) {
	codes := []string{
		"KLSJEKM", "UT-2231-2025", "B 2025", "K", "KL/SJ", "/K", "K/", " K", "K ", "\tK", "K\n",
		"K\u00a0L", "K\u3000", "\u2028K", "K\u200bL", "K\u202eL", "K\x01", "K  L", strings.Repeat("U", 70),
	}
	patterns := map[bool]*regexp.Regexp{
		false: regexp.MustCompile(PrisonCodePattern),
		true:  regexp.MustCompile(RecordNumberPattern),
	}
	for slash, pattern := range patterns {
		for _, code := range codes {
			err := CheckCodeText("code", code, slash)
			if matched := pattern.MatchString(code); matched != (err == nil) {
				t.Errorf("slash %v, code %+q: pattern matches %v, CheckCodeText error %v", slash, code, matched, err)
			}
		}
	}
	if !ValidPrisonCode(strings.Repeat("K", MaxPrisonCodeLength)) {
		t.Errorf("ValidPrisonCode rejects %d characters", MaxPrisonCodeLength)
	}
	if ValidPrisonCode(strings.Repeat("K", MaxPrisonCodeLength+1)) {
		t.Errorf("ValidPrisonCode accepts %d characters", MaxPrisonCodeLength+1)
	}
}
