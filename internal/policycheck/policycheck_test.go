package policycheck

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

func adapterSet(t *testing.T) *registry.Set {
	t.Helper()
	set, err := registry.Default(registry.Options{AadhaarKey: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestSamplesAreCanonical(t *testing.T) {
	samples, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	types := map[canonical.Type]int{}
	for _, s := range samples {
		if err := schemas.ValidateValue("canonical/message.json", &s.Message); err != nil {
			t.Errorf("sample %s: %v", s.Name, err)
		}
		if s.Message.ID == "" || s.Message.Source == "" || s.Message.ReceivedAt.IsZero() {
			t.Errorf("sample %s lacks what the hub sets on accepting it: id %q, source %q, received_at %v",
				s.Name, s.Message.ID, s.Message.Source, s.Message.ReceivedAt)
		}
		types[s.Message.Type]++
	}
	for _, typ := range canonical.Types {
		if types[typ] == 0 {
			t.Errorf("no sample of type %s", typ)
		}
	}
}

func TestSamplesAreCopies(t *testing.T) {
	a, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	a[0].Message.CaseKey = "changed"
	b, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	if b[0].Message.CaseKey == "changed" {
		t.Error("a change to one call's samples reached the next call's")
	}
}

// Each adapter must encode at least one sample of every type it takes,
// or the check could not test a policy on that type.
func TestAdaptersEncodeSamplesOfTheirTypes(t *testing.T) {
	set := adapterSet(t)
	samples, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	for _, agency := range set.Agencies() {
		a, _ := set.Adapter(agency)
		encoded := map[canonical.Type]bool{}
		failures := map[canonical.Type][]string{}
		for _, s := range samples {
			_, err := a.Encode(&s.Message)
			switch {
			case err == nil:
				encoded[s.Message.Type] = true
			case errors.Is(err, adapters.ErrUnsupported):
			default:
				failures[s.Message.Type] = append(failures[s.Message.Type], s.Name+": "+err.Error())
			}
		}
		for typ, fs := range failures {
			if !encoded[typ] {
				t.Errorf("%s takes %s messages but encodes none of the samples: %s",
					agency, typ, strings.Join(fs, "; "))
			}
		}
		if len(encoded) == 0 {
			t.Errorf("%s encodes no sample", agency)
		}
	}
}

func TestDefaultRoutesPass(t *testing.T) {
	table, err := routes.Load(routes.DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(table, adapterSet(t).Adapter); err != nil {
		t.Fatal(err)
	}
}

// TestDeployRoutesPass checks the routes that the deploy folder ships,
// whose destinations' secret files exist only where they are deployed.
func TestDeployRoutesPass(t *testing.T) {
	for _, path := range []string{"../../deploy/routes.example.yaml", "../../deploy/kubernetes/routes.yaml"} {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		table, err := routes.Load(doc)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := Check(table, adapterSet(t).Adapter); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// routesWith returns a routes document whose second destination, a
// court, has policy, given as YAML lines indented for the destination.
func routesWith(policy string) []byte {
	return []byte(`version: t
agencies: [{name: police}, {name: courts}]
destinations:
  - {name: station, agency: police, url: "http://127.0.0.1:9/n"}
  - name: court
    agency: courts
    url: "http://127.0.0.1:9/ecf"
` + policy + `routes:
  - {name: r, when: 'message.type == "chargesheet"', to: [court]}
`)
}

func check(t *testing.T, doc []byte) []routes.Problem {
	t.Helper()
	table, err := routes.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	return routes.Problems(Check(table, adapterSet(t).Adapter))
}

// withRule returns the problems of problems with rule.
func withRule(problems []routes.Problem, rule string) []routes.Problem {
	var out []routes.Problem
	for _, p := range problems {
		if p.Rule == rule {
			out = append(out, p)
		}
	}
	return out
}

// checkEncoding returns the problems of doc with rule
// routes.RulePolicyEncoding.
func checkEncoding(t *testing.T, doc []byte) []routes.Problem {
	t.Helper()
	return withRule(check(t, doc), routes.RulePolicyEncoding)
}

func TestPolicyRemovingWhatTheFormatNeeds(t *testing.T) {
	problems := checkEncoding(t, routesWith(`    policy:
      name: charges-only
      types: [chargesheet]
      allow: [chargesheet.charges]
`))
	if len(problems) != 1 {
		t.Fatalf("problems = %v, want one", problems)
	}
	p := problems[0]
	if p.Pointer != "/destinations/1/policy" || p.Rule != routes.RulePolicyEncoding {
		t.Errorf("problem at %s with rule %s, want /destinations/1/policy and %s",
			p.Pointer, p.Rule, routes.RulePolicyEncoding)
	}
	for _, want := range []string{`destination "court"`, `policy "charges-only"`,
		"courts format", "chargesheet", "removed chargesheet.accused"} {
		if !strings.Contains(p.Message, want) {
			t.Errorf("message lacks %q: %s", want, p.Message)
		}
	}
}

func TestPolicyEmptyingCourtFiling(t *testing.T) {
	problems := checkEncoding(t, routesWith(`    policy:
      name: case-only
      types: [chargesheet]
      allow: [chargesheet.fir, chargesheet.tracking_id, chargesheet.kind]
`))
	if len(problems) != 1 {
		t.Fatalf("problems = %v, want one", problems)
	}
	for _, want := range []string{"/chargesheet/court/code", "/chargesheet/charges"} {
		if !strings.Contains(problems[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, problems[0].Message)
		}
	}
}

func TestPolicyMaskingWhatTheFormatNeeds(t *testing.T) {
	// A police notification of a court registration needs the whole
	// CNR, which a last4 mask leaves as XXXXXXXXXXXX2024.
	problems := checkEncoding(t, []byte(`version: t
agencies: [{name: police}, {name: courts}]
destinations:
  - name: station
    agency: police
    url: "http://127.0.0.1:9/n"
    policy:
      name: cnr-hidden
      types: [court_registration]
      allow: [court_registration]
      mask:
        - {path: court_registration.cnr, kind: last4}
routes:
  - {name: r, when: 'message.type == "court_registration"', to: [station]}
`))
	if len(problems) != 1 {
		t.Fatalf("problems = %v, want one", problems)
	}
	for _, want := range []string{"/destinations/0/policy", "masked court_registration.cnr (last4)", "police format"} {
		if !strings.Contains(problems[0].String(), want) {
			t.Errorf("problem lacks %q: %s", want, problems[0])
		}
	}
}

func TestYearOnlyMaskNamedAsWritten(t *testing.T) {
	// The passport office's request to a station needs the applicant's
	// full date of birth.
	problems := check(t, []byte(`version: t
agencies: [{name: passport}]
destinations:
  - name: station
    agency: passport
    url: "http://127.0.0.1:9/n"
    policy:
      name: dob-year
      types: [verification_request]
      allow: [verification_request]
      mask:
        - {path: verification_request.applicant.date_of_birth, kind: year-only}
routes:
  - {name: r, when: 'message.type == "verification_request"', to: [station]}
`))
	if len(problems) != 1 {
		t.Fatalf("problems = %v, want one", problems)
	}
	want := "masked verification_request.applicant.date_of_birth (year-only, delivered as birth_year)"
	if !strings.Contains(problems[0].Message, want) {
		t.Errorf("message lacks %q: %s", want, problems[0].Message)
	}
}

func TestPolicyKeepingWhatTheFormatNeeds(t *testing.T) {
	// A filing names its case by the FIR or, before the court has one,
	// by the tracking id. A year-only date of birth is delivered as the
	// birth year.
	problems := check(t, routesWith(`    policy:
      name: court-filing
      types: [chargesheet]
      allow: [chargesheet.fir, chargesheet.title, chargesheet.kind, chargesheet.court,
        chargesheet.accused, chargesheet.charges, chargesheet.filed_on,
        chargesheet.tracking_id]
      mask:
        - {path: "chargesheet.accused[].person.date_of_birth", kind: year-only}
`))
	if len(problems) != 0 {
		t.Errorf("problems = %v, want none", problems)
	}
}

// TestUnencodableTypeRejected gives a court destination a policy that
// accepts FIRs, which the courts' format does not encode. The one problem
// names the type, and the policy's fields on FIRs are not tried.
func TestUnencodableTypeRejected(t *testing.T) {
	problems := check(t, routesWith(`    policy:
      name: odd
      types: [chargesheet, fir]
      allow: [chargesheet, fir.charges]
`))
	if len(problems) != 1 || problems[0].Rule != routes.RulePolicyEncoding ||
		!strings.Contains(problems[0].Message, "accepts fir messages, which the format of agency courts") {
		t.Errorf("problems = %v, want one %s problem naming fir", problems, routes.RulePolicyEncoding)
	}
}

func TestOneProblemPerDestinationAndType(t *testing.T) {
	doc := []byte(`version: t
agencies: [{name: police}, {name: prisons}]
destinations:
  - name: station
    agency: police
    url: "http://127.0.0.1:9/n"
    policy: {name: bare, types: [fir, arrest, court_registration]}
routes:
  - {name: r, when: 'message.type == "fir"', to: [station]}
`)
	problems := checkEncoding(t, doc)
	got := map[string]bool{}
	for _, p := range problems {
		for _, typ := range []string{"fir", "arrest", "court_registration"} {
			if strings.Contains(p.Message, "sample "+typ+" message") {
				if got[typ] {
					t.Errorf("type %s reported twice", typ)
				}
				got[typ] = true
			}
		}
	}
	if len(got) != 3 || len(problems) != 3 {
		t.Errorf("problems = %v, want one for each of fir, arrest and court_registration", problems)
	}
}

// TestRouteToUnencodableDestination adds a route that sends FIRs and
// chargesheets to the court, whose format encodes chargesheets only: the
// one problem names the route, FIRs and the court.
func TestRouteToUnencodableDestination(t *testing.T) {
	doc := []byte(strings.Replace(string(routesWith("")), "routes:\n",
		"routes:\n  - {name: all-to-court, when: 'message.type in [\"fir\", \"chargesheet\"]', to: [court]}\n", 1))
	problems := withRule(check(t, doc), routes.RuleRouteEncoding)
	if len(problems) != 1 || problems[0].Pointer != "/routes/0/to" ||
		!strings.Contains(problems[0].Message, `route "all-to-court" sends fir messages`) ||
		!strings.Contains(problems[0].Message, `destination "court"`) {
		t.Errorf("problems = %v, want one at /routes/0/to naming the route, fir and the court", problems)
	}
}

// TestRouteOfMovementKindWithoutSample sends hospital stays, of which no
// sample movement is one, to the court, whose format has no movements:
// the route is rejected all the same.
func TestRouteOfMovementKindWithoutSample(t *testing.T) {
	doc := []byte(strings.Replace(string(routesWith("")), "routes:\n", "routes:\n  - name: hospital-to-court\n"+
		"    when: 'message.type == \"prisoner_movement\" && message.prisoner_movement.kind == \"hospital_out\"'\n"+
		"    to: [court]\n", 1))
	problems := withRule(check(t, doc), routes.RuleRouteEncoding)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, `route "hospital-to-court" sends prisoner_movement`) {
		t.Errorf("problems = %v, want one naming the route and prisoner movements", problems)
	}
}

// TestRouteOfUndertrialMovementKind sends undertrials' hospital stays to
// the court, as the default routes send them in prisons form, but to a
// destination in the courts' format: the route is rejected.
func TestRouteOfUndertrialMovementKind(t *testing.T) {
	doc := []byte(strings.Replace(string(routesWith("")), "routes:\n", "routes:\n  - name: undertrial-to-court\n"+
		"    when: 'message.type == \"prisoner_movement\" && message.prisoner_movement.kind == \"hospital_out\" && "+
		"message.prisoner_movement.prisoner.custody_status == \"undertrial\"'\n    to: [court]\n", 1))
	if problems := withRule(check(t, doc), routes.RuleRouteEncoding); len(problems) != 1 {
		t.Errorf("problems = %v, want one naming the route", problems)
	}
}
