package verification

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestNextStepFollowsDeliveries(t *testing.T) {
	dead := Delivery{PoliceUnit: "KOCHI-CITY", Status: journal.StatusDead, DeliveryID: "d1"}
	delivered := Delivery{PoliceUnit: "EKM0420", Status: journal.StatusDelivered, DeliveryID: "d2"}
	pending := Delivery{PoliceUnit: "EKM0420", Status: journal.StatusPending, DeliveryID: "d3"}
	// routed is a journey the routes sent to a destination; unrouted is
	// one they sent nowhere.
	routed := journal.Journey{Deliveries: []journal.Delivery{{ID: "d0", Destination: "ekm0420"}}}
	unrouted := journal.Journey{}
	tests := []struct {
		name        string
		request     journal.Journey
		esc         journal.Journey
		escalated   bool
		ds          []Delivery
		undelivered bool
		want        []string
		unwanted    []string
	}{
		{"no deliveries known", routed, unrouted, false, nil, false,
			[]string{"Wait for its report"}, []string{"escalated"}},
		{"only dead", routed, unrouted, false, []Delivery{dead}, true,
			[]string{"No police unit received it", "KOCHI-CITY (dead letter d1)", "replay"}, nil},
		{"dead beside delivered", routed, unrouted, false, []Delivery{dead, delivered}, false,
			[]string{"Wait for its report", "KOCHI-CITY (dead letter d1)", "replay"}, nil},
		{"pending", routed, unrouted, false, []Delivery{pending}, false,
			[]string{"Wait for its report"}, nil},
		{"escalated and pending", routed, routed, true, []Delivery{pending}, false,
			[]string{"Wait for its report", "the hub escalated it"}, []string{"no destination"}},
		{"escalated to no destination", routed, unrouted, true, []Delivery{delivered}, false,
			[]string{"Wait for its report", "escalation to no destination"}, nil},
		{"request routed nowhere, escalation dead", unrouted, routed, true, []Delivery{dead}, true,
			[]string{"No police unit received it", "KOCHI-CITY (dead letter d1)"}, nil},
		{"stranded", unrouted, unrouted, true, nil, false,
			[]string{"a new request replaces it"}, []string{"Wait", "replay"}},
	}
	for _, tt := range tests {
		if got := undelivered(tt.ds); got != tt.undelivered {
			t.Errorf("%s: undelivered = %v, want %v", tt.name, got, tt.undelivered)
		}
		step := nextStep(tt.request, tt.esc, tt.escalated, tt.ds)
		for _, want := range tt.want {
			if !strings.Contains(step, want) {
				t.Errorf("%s: nextStep = %q, want it to contain %q", tt.name, step, want)
			}
		}
		for _, unwanted := range tt.unwanted {
			if strings.Contains(step, unwanted) {
				t.Errorf("%s: nextStep = %q, want it without %q", tt.name, step, unwanted)
			}
		}
	}
}

func TestStrandedRequest(t *testing.T) {
	routed := journal.Journey{Deliveries: []journal.Delivery{{ID: "d0", Destination: "ekm0420"}}}
	unrouted := journal.Journey{}
	tests := []struct {
		name            string
		request, esc    journal.Journey
		escalated, want bool
	}{
		{"routed nowhere, not escalated", unrouted, unrouted, false, true},
		{"routed nowhere, escalated nowhere", unrouted, unrouted, true, true},
		{"routed nowhere, escalation routed", unrouted, routed, true, false},
		{"routed, escalated nowhere", routed, unrouted, true, false},
		{"routed, not escalated", routed, unrouted, false, false},
	}
	for _, tt := range tests {
		if got := stranded(tt.request, tt.esc, tt.escalated); got != tt.want {
			t.Errorf("%s: stranded = %v, want %v", tt.name, got, tt.want)
		}
	}
}
