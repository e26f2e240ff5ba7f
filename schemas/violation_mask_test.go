package schemas

import "testing"

func TestViolationsMaskAadhaar(t *testing.T) {
	vs := []Violation{
		{Pointer: "/fir/3876 5432 1095", Rule: RuleNotAllowed, Message: notAllowedMessage},
		{Pointer: "/accused/0/name", Rule: "pattern", Message: "३८७६-५४३२-१०९५ is not a name"},
		{Pointer: "/fir/police_station", Rule: "pattern", Message: "does not match"},
	}
	got := MaskAadhaar(vs)
	want := []Violation{
		{Pointer: "/fir/XXXXXXXX1095", Rule: RuleNotAllowed, Message: notAllowedMessage},
		{Pointer: "/accused/0/name", Rule: "pattern", Message: "XXXXXXXX1095 is not a name"},
		{Pointer: "/fir/police_station", Rule: "pattern", Message: "does not match"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("violation %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if vs[0].Pointer != "/fir/3876 5432 1095" {
		t.Errorf("MaskAadhaar changed its argument: %+v", vs[0])
	}
}
