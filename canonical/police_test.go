package canonical

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// valueAt returns the string at JSON pointer in m's JSON form.
func valueAt(t *testing.T, m *Message, pointer string) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, key := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no object at %q", pointer, key)
		}
		v = obj[key]
	}
	s, _ := v.(string)
	return s
}

func TestFilingStation(t *testing.T) {
	ref := FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 7}
	cases := []struct {
		name    string
		m       Message
		station string
		pointer string
	}{
		{"fir", Message{Type: TypeFIR, FIR: &FIR{Ref: ref}},
			"EKM0412", "/fir/ref/police_station"},
		{"arrest", Message{Type: TypeArrest, Arrest: &Arrest{FIR: ref}},
			"EKM0412", "/arrest/fir/police_station"},
		{"final report", Message{Type: TypeChargesheet, Chargesheet: &Chargesheet{FIR: &ref}},
			"EKM0412", "/chargesheet/fir/police_station"},
		{"verification report", Message{Type: TypeVerificationReport,
			VerificationReport: &VerificationReport{PoliceStation: "EKM0420"}},
			"EKM0420", "/verification_report/police_station"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			station, pointer, ok := c.m.FilingStation()
			if !ok {
				t.Fatal("FilingStation found no station")
			}
			if station != c.station {
				t.Errorf("station %q, want %q", station, c.station)
			}
			if pointer != c.pointer {
				t.Errorf("pointer %q, want %q", pointer, c.pointer)
			}
			if got := valueAt(t, &c.m, pointer); got != c.station {
				t.Errorf("the message's JSON has %q at %s, want %q", got, pointer, c.station)
			}
		})
	}
}

func TestFilingStationNone(t *testing.T) {
	for _, m := range []Message{
		{Type: TypeChargesheet, Chargesheet: &Chargesheet{TrackingID: "NIA-2025-17"}},
		{Type: TypeVerificationRequest,
			VerificationRequest: &VerificationRequest{PoliceStation: "EKM0420"}},
		{Type: TypeMovement, Movement: &Movement{}},
		{Type: TypeFIR},
	} {
		if station, pointer, ok := m.FilingStation(); ok {
			t.Errorf("%s: FilingStation = %q at %q, want none", m.Type, station, pointer)
		}
	}
}

func TestIssuingCourts(t *testing.T) {
	cases := []struct {
		name string
		m    Message
		want []OfficeCode
	}{
		{"registration by court and CNR of one court", Message{Type: TypeCourtRegistration,
			CourtRegistration: &CourtRegistration{CNR: "KLER010011872025", Court: Court{Code: "KLER01"}}},
			[]OfficeCode{{"KLER01", "/court_registration/court/code"}}},
		{"registration whose CNR is another court's", Message{Type: TypeCourtRegistration,
			CourtRegistration: &CourtRegistration{CNR: "KLER020011872025", Court: Court{Code: "KLER01"}}},
			[]OfficeCode{{"KLER01", "/court_registration/court/code"}, {"KLER02", "/court_registration/cnr"}}},
		{"registration without a CNR", Message{Type: TypeCourtRegistration,
			CourtRegistration: &CourtRegistration{FilingNumber: "CC 17/2025", Court: Court{Code: "TRIB7"}}},
			[]OfficeCode{{"TRIB7", "/court_registration/court/code"}}},
		{"order", Message{Type: TypeCourtOrder, CourtOrder: &CourtOrder{Court: Court{Code: "KLER03"},
			Case: CaseRef{CNR: "KLER010011872025"}}},
			[]OfficeCode{{"KLER03", "/court_order/court/code"}}},
		{"final report", Message{Type: TypeChargesheet, Chargesheet: &Chargesheet{Court: Court{Code: "KLER01"}}},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.m.IssuingCourts()
			if !slices.Equal(got, c.want) {
				t.Fatalf("IssuingCourts() = %v, want %v", got, c.want)
			}
			for _, cc := range got {
				if v := valueAt(t, &c.m, cc.Pointer); !strings.HasPrefix(v, cc.Code) {
					t.Errorf("the message's JSON has %q at %s, which does not start with %s",
						v, cc.Pointer, cc.Code)
				}
			}
		})
	}
}

func TestSameCourt(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"KLER01", "KLER01", true},
		{"KLER01", "kler01", true},
		{"JFCM-1 Ernakulam", "jfcm-1 ERNAKULAM", true},
		{"KLER01", "KLER02", false},
		{"KLER01", "KLER010", false},
		{"KLER01", "\u212aLER01", false},
		{"ÉKM01", "éKM01", false},
	} {
		if got := SameCourt(c.a, c.b); got != c.want {
			t.Errorf("SameCourt(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
