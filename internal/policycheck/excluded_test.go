package policycheck

import (
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/routes"
)

// excludedRoutesDoc sends FIRs and arrests to a court registry whose
// policy accepts chargesheets only, and FIRs to a station without a
// policy.
const excludedRoutesDoc = `
destinations:
  - name: registry
    agency: courts
    url: http://127.0.0.1:9/ecf
    policy: {name: chargesheets-only, types: [chargesheet]}
  - {name: station, agency: police, url: "http://127.0.0.1:9/notifications"}
routes:
  - name: fir-out
    when: message.type == "fir"
    to: [station, registry]
  - name: police-records
    when: message.type in ["fir", "arrest"]
    to: [registry]
  - name: everything
    when: "true"
    to: [registry]
  - name: unmatched
    when: message.type == "fir" && message.source == "courts"
    to: [registry]
`

func TestExcludedRoutesNamesRouteAndTypes(t *testing.T) {
	table, err := routes.Load([]byte(excludedRoutesDoc))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ExcludedRoutes(table)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`route "fir-out" sends fir messages to destination "registry", whose policy ` +
			`"chargesheets-only" accepts none of them, so the route delivers nothing to it: add the ` +
			`types to the policy's types or remove the destination from the route`,
		`route "police-records" sends arrest, fir messages to destination "registry", whose ` +
			`policy "chargesheets-only" accepts none of them, so the route delivers nothing to it: ` +
			`add the types to the policy's types or remove the destination from the route`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%q\nwant:\n%q", got, want)
	}
}

func TestExcludedRoutesNoneForDefault(t *testing.T) {
	table, err := routes.Load(routes.DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ExcludedRoutes(table)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("warnings about the default routes: %q, want none", got)
	}
}
