package hub

import (
	"os"
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/routes"
)

// matchedRoutes returns the routes of t that match m, in document order.
func matchedRoutes(t *testing.T, table *routes.Table, m *canonical.Message) []string {
	t.Helper()
	var out []string
	for _, d := range table.Decide(m) {
		if d.Failed {
			t.Errorf("route %s failed on %s: %s", d.Route, m.Type, d.Reason)
		}
		if d.Matched {
			out = append(out, d.Route)
		}
	}
	return out
}

func TestVerificationRoutesDecide(t *testing.T) {
	doc, err := os.ReadFile("testdata/verification-routes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	table, err := routes.Load(doc)
	if err != nil {
		t.Fatalf("routes.Load: %v", err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(agency string, body []byte) *canonical.Message {
		t.Helper()
		a, _ := set.Adapter(agency)
		d, err := a.Decode(body, "application/json")
		if err != nil {
			t.Fatalf("decoding %s document: %v", agency, err)
		}
		m := d.Messages[0]
		m.Source = agency
		return &m
	}

	prison := map[string][]string{
		"admission-undertrial": nil,
		"court-production-undertrial": {"undertrial-production-to-court",
			"undertrial-production-to-ekm0412"},
		"release-on-bail":          {"release-or-escape-to-ekm0412"},
		"escape-from-hospital":     {"release-or-escape-to-ekm0420"},
		"release-foreign-national": {"release-or-escape-to-ekm0420", "foreign-release-to-immigration"},
		"death-in-custody":         {"death-in-custody-to-district-and-court"},
	}
	for name, want := range prison {
		got := matchedRoutes(t, table, decode("prisons", prisonSample(t, name)))
		if !slices.Equal(got, want) {
			t.Errorf("%s matched %v, want %v", name, got, want)
		}
	}

	request := decode("passport", passportSample(t, "request-fresh"))
	r := request.VerificationRequest
	r.PoliceStation, r.DistrictOffice = "EKM0412", "KOCHI-CITY"
	verification := []struct {
		name      string
		source    string
		escalated bool
		want      []string
	}{
		{"request", "passport", false, []string{"verification-request-to-ekm0412"}},
		{"escalation", "hub", true, []string{"verification-escalation-to-kochi-city"}},
		{"escalated by another source", "passport", true, nil},
	}
	for _, c := range verification {
		request.Source, r.Escalated = c.source, c.escalated
		if got := matchedRoutes(t, table, request); !slices.Equal(got, c.want) {
			t.Errorf("%s matched %v, want %v", c.name, got, c.want)
		}
	}
	report := &canonical.Message{Type: canonical.TypeVerificationReport, Source: "police",
		VerificationReport: &canonical.VerificationReport{}}
	if got := matchedRoutes(t, table, report); !slices.Equal(got,
		[]string{"verification-report-to-passport-office"}) {
		t.Errorf("station report matched %v", got)
	}
}
