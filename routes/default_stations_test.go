package routes

import (
	"slices"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// targetsOf returns the destinations the default routes send m to,
// failing t when a route cannot be evaluated.
func targetsOf(t *testing.T, tab *Table, m *canonical.Message) []string {
	t.Helper()
	var out []string
	decisions := tab.Decide(m)
	for _, d := range decisions {
		if d.Failed {
			t.Errorf("route %s failed: %s", d.Route, d.Reason)
		}
	}
	for _, target := range Targets(decisions) {
		out = append(out, target.Destination)
	}
	slices.Sort(out)
	return out
}

func TestDefaultRoutesCallbacksReachTheFIRsStation(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	callback := func(fir *canonical.FIRRef) *canonical.Message {
		return &canonical.Message{
			Type: canonical.TypeCourtRegistration, Source: "courts", CaseKey: "CNR/KLER010001232024",
			OccurredAt: time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC),
			CourtRegistration: &canonical.CourtRegistration{CNR: "KLER010001232024",
				Court: canonical.Court{Code: "KLER01"}, FIR: fir},
		}
	}
	firOf := func(station string) *canonical.FIRRef {
		return &canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: station, Year: 2025, Number: 7}
	}
	for name, c := range map[string]struct {
		fir  *canonical.FIRRef
		want []string
	}{
		"EKM0412's FIR":         {firOf("EKM0412"), []string{"cctns-ekm0412"}},
		"EKM0420's FIR":         {firOf("EKM0420"), []string{"cctns-ekm0420"}},
		"another station's FIR": {firOf("TVM0101"), []string{"dpo-kochi-city"}},
		"no FIR":                {nil, []string{"dpo-kochi-city"}},
	} {
		if got := targetsOf(t, tab, callback(c.fir)); !slices.Equal(got, c.want) {
			t.Errorf("%s: callback goes to %v, want %v", name, got, c.want)
		}
	}
}

func TestDefaultRoutesEveryDeathReachesDistrictAndCourt(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dpo-kochi-city-prisons", "ecourts-kerala-prisons"}
	for name, cases := range map[string][]canonical.CaseRef{
		"a case of district EKM": {{FIR: &canonical.FIRRef{State: "KL", District: "EKM",
			PoliceStation: "EKM0420", Year: 2023, Number: 402}}},
		"a case of district TVM": {{FIR: &canonical.FIRRef{State: "KL", District: "TVM",
			PoliceStation: "TVM0101", Year: 2023, Number: 9}}},
		"a case named by CNR only": {{CNR: "KLTR010001232023"}},
		"no case":                  nil,
	} {
		m := &canonical.Message{
			Type: canonical.TypeMovement, Source: "prisons", CaseKey: "PRISONER/KLCJVIY/C-1",
			OccurredAt: time.Date(2025, 11, 2, 4, 0, 0, 0, time.UTC),
			Movement: &canonical.Movement{Kind: canonical.MoveDeath,
				Prisoner: canonical.Prisoner{PrisonCode: "KLCJVIY", Number: "C-1", Cases: cases}},
		}
		if got := targetsOf(t, tab, m); !slices.Equal(got, want) {
			t.Errorf("death with %s goes to %v, want %v", name, got, want)
		}
	}
}

// TestDefaultRoutesUndertrialWhereabouts moves undertrials and convicts
// to another prison and to hospital: the court and the station of the
// case's FIR learn of each move of an undertrial, and of no convict's.
func TestDefaultRoutesUndertrialWhereabouts(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	moved := func(kind canonical.MovementKind, status canonical.CustodyStatus) *canonical.Message {
		return &canonical.Message{
			Type: canonical.TypeMovement, Source: "prisons", CaseKey: "PRISONER/KLSJEKM/UT-7",
			OccurredAt: time.Date(2025, 11, 2, 4, 0, 0, 0, time.UTC),
			Movement: &canonical.Movement{Kind: kind, Prisoner: canonical.Prisoner{
				PrisonCode: "KLSJEKM", Number: "UT-7", Status: status,
				Cases: []canonical.CaseRef{{FIR: &canonical.FIRRef{State: "KL", District: "EKM",
					PoliceStation: "EKM0420", Year: 2025, Number: 31}}},
			}},
		}
	}
	for _, kind := range []canonical.MovementKind{canonical.MoveTransferOut, canonical.MoveTransferIn,
		canonical.MoveHospitalOut, canonical.MoveHospitalReturn} {
		want := []string{"cctns-ekm0420-prisons", "ecourts-kerala-prisons"}
		if got := targetsOf(t, tab, moved(kind, canonical.CustodyUndertrial)); !slices.Equal(got, want) {
			t.Errorf("undertrial's %s goes to %v, want %v", kind, got, want)
		}
		if got := targetsOf(t, tab, moved(kind, canonical.CustodyConvict)); len(got) != 0 {
			t.Errorf("convict's %s goes to %v, want nowhere", kind, got)
		}
	}
}

// TestDefaultRoutesVerificationReachesOffices routes requests and the
// hub's escalations of them. A request goes to its station, or for a
// station without a destination to its district office, or to Kochi
// City for an office without a destination either. An escalation
// goes to its own district office, or to Kochi City for an office
// without a destination.
func TestDefaultRoutesVerificationReachesOffices(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	const kochi, rural = "dpo-kochi-city-verification", "dpo-ekm-rural-verification"
	for _, c := range []struct {
		station, office string
		request         string
		escalation      string
	}{
		{"EKM0420", "KOCHI-CITY", "cctns-ekm0420-verification", kochi},
		{"EKM0401", "KOCHI-CITY", kochi, kochi},
		{"EKR0501", "EKM-RURAL", rural, rural},
		{"TVM0101", "TVM-CITY", kochi, kochi},
	} {
		m := &canonical.Message{
			Type: canonical.TypeVerificationRequest, Source: "passport", CaseKey: "PASSPORT/CO1075120587125",
			VerificationRequest: &canonical.VerificationRequest{FileNumber: "CO1075120587125",
				Kind: canonical.VerificationReissue, PoliceStation: c.station, DistrictOffice: c.office},
		}
		if got := targetsOf(t, tab, m); !slices.Equal(got, []string{c.request}) {
			t.Errorf("request for %s of %s goes to %v, want [%s]", c.station, c.office, got, c.request)
		}
		m.Source, m.VerificationRequest.Escalated = "hub", true
		if got := targetsOf(t, tab, m); !slices.Equal(got, []string{c.escalation}) {
			t.Errorf("escalation for %s of %s goes to %v, want [%s]", c.station, c.office, got,
				c.escalation)
		}
	}
}
