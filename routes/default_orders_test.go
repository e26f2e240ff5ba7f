package routes

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// courtOrder returns a production warrant for a prisoner of prison.
func courtOrder(prison string) *canonical.Message {
	fir := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	return &canonical.Message{
		Type: canonical.TypeCourtOrder, Source: "courts", CaseKey: fir.Key(),
		OccurredAt: time.Date(2025, 10, 1, 15, 40, 0, 0, time.FixedZone("IST", 19800)),
		CourtOrder: &canonical.CourtOrder{
			Kind: canonical.OrderProductionWarrant, Court: canonical.Court{Code: "KLER10"},
			Prisoner: canonical.Prisoner{PrisonCode: prison, Number: "UT-2231-2025",
				Person: canonical.Person{Names: []canonical.Name{{Full: "Shibu K. R."}}}},
			Case:     canonical.CaseRef{FIR: &fir},
			AppearOn: "2025-10-03", OrderedOn: "2025-10-01",
		},
	}
}

func TestDefaultRoutesCourtOrders(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]Target{
		"KLSJEKM": {Destination: "prison-klsjekm", Route: "court-order-to-klsjekm"},
		"KLDJEKM": {Destination: "prison-kldjekm", Route: "court-order-to-kldjekm"},
		"KLCJVIY": {Destination: "prison-klcjviy", Route: "court-order-to-klcjviy"},
		"KLSJMVP": {Destination: "prisons-headquarters-kerala", Route: "court-order-without-prison-route"},
	}
	for prison, want := range cases {
		decisions := tab.Decide(courtOrder(prison))
		for _, d := range decisions {
			if d.Failed {
				t.Errorf("prison %s: route %s failed: %s", prison, d.Route, d.Reason)
			}
		}
		got := Targets(decisions)
		if len(got) != 1 || got[0] != want {
			t.Errorf("order for prison %s targets %v, want only %v", prison, got, want)
		}
	}

	fromPrison := courtOrder("KLSJEKM")
	fromPrison.Source = "prisons"
	if got := Targets(tab.Decide(fromPrison)); len(got) != 0 {
		t.Errorf("order with source prisons targets %v, want none", got)
	}
}
