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
	tests := []struct {
		name        string
		ds          []Delivery
		undelivered bool
		want        []string
	}{
		{"no deliveries known", nil, false, []string{"Wait for its report"}},
		{"only dead", []Delivery{dead}, true,
			[]string{"No police unit received it", "KOCHI-CITY (dead letter d1)", "replay"}},
		{"dead beside delivered", []Delivery{dead, delivered}, false,
			[]string{"Wait for its report", "KOCHI-CITY (dead letter d1)", "replay"}},
		{"pending", []Delivery{pending}, false, []string{"Wait for its report"}},
	}
	for _, tt := range tests {
		if got := undelivered(tt.ds); got != tt.undelivered {
			t.Errorf("%s: undelivered = %v, want %v", tt.name, got, tt.undelivered)
		}
		step := nextStep(tt.ds)
		for _, want := range tt.want {
			if !strings.Contains(step, want) {
				t.Errorf("%s: nextStep = %q, want it to contain %q", tt.name, step, want)
			}
		}
	}
}
