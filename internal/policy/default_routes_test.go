package policy_test

import (
	"reflect"
	"testing"

	"github.com/sangam-hub/sangam/internal/policy"
	"github.com/sangam-hub/sangam/routes"
)

// TestDefaultRoutesCopySameAsRoundTrip applies the policy of every
// destination of the embedded default routes to every sample message,
// by Apply and by the JSON round trip alone.
func TestDefaultRoutesCopySameAsRoundTrip(t *testing.T) {
	table, err := routes.Load(routes.DefaultDocument())
	if err != nil {
		t.Fatalf("loading the default routes: %v", err)
	}
	msgs := policy.SampleMessages(t)
	dests := table.Config().Destinations
	if len(dests) == 0 {
		t.Fatal("the default routes have no destinations")
	}
	for _, dest := range dests {
		c, ok := table.Policy(dest.Name)
		if !ok {
			t.Fatalf("destination %s has no compiled policy", dest.Name)
		}
		for name, m := range msgs {
			wantOut, wantD, wantErr := policy.ApplyRoundTrip(c, &m)
			gotOut, gotD, gotErr := c.Apply(&m)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%s, %s: Apply error %v, round trip error %v", dest.Name, name, gotErr, wantErr)
			}
			if !reflect.DeepEqual(gotD, wantD) {
				t.Errorf("%s, %s: Apply decision %+v, round trip decision %+v", dest.Name, name, gotD, wantD)
			}
			if !reflect.DeepEqual(gotOut, wantOut) {
				t.Errorf("%s, %s: Apply result differs from the round trip's", dest.Name, name)
			}
		}
	}
}
