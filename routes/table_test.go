package routes

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

const testRoutes = `
version: test-1
destinations:
  - name: ecourts
    agency: courts
    url: http://127.0.0.1:9/ecf
  - name: cctns
    agency: police
    url: http://127.0.0.1:9/notifications
    timeout: 3s
    max_attempts: 2
routes:
  - name: chargesheet-to-court
    when: message.type == "chargesheet" && message.chargesheet.kind == "chargesheet"
    to: [ecourts]
  - name: cnr-to-police
    when: message.type == "court_registration"
    to: [cctns]
  - name: murder-cases
    when: message.chargesheet.charges.exists(c, c.act == "BNS" && c.section == "103(1)")
    to: [cctns, ecourts]
`

func chargesheet() *canonical.Message {
	return &canonical.Message{
		Type:       canonical.TypeChargesheet,
		OccurredAt: time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("IST", 19800)),
		Chargesheet: &canonical.Chargesheet{
			Kind:    canonical.FinalChargesheet,
			Charges: []canonical.Charge{{Act: "BNS", Section: "103(1)"}},
		},
	}
}

func TestLoadDefaults(t *testing.T) {
	tab, err := Load([]byte(testRoutes))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Version() != "test-1" {
		t.Errorf("Version = %q", tab.Version())
	}
	d, _ := tab.Destination("ecourts")
	if d.Timeout != Duration(DefaultTimeout) || d.MaxAttempts != DefaultMaxAttempts {
		t.Errorf("defaults not applied: %+v", d)
	}
	d, _ = tab.Destination("cctns")
	if d.Timeout != Duration(3*time.Second) || d.MaxAttempts != 2 {
		t.Errorf("explicit values lost: %+v", d)
	}
}

func TestDecideChargesheet(t *testing.T) {
	tab, err := Load([]byte(testRoutes))
	if err != nil {
		t.Fatal(err)
	}
	ds := tab.Decide(chargesheet())
	if len(ds) != 3 {
		t.Fatalf("got %d decisions, want 3", len(ds))
	}
	if !ds[0].Matched || ds[1].Matched || !ds[2].Matched {
		t.Errorf("matched = %v %v %v, want true false true", ds[0].Matched, ds[1].Matched, ds[2].Matched)
	}
	got := Targets(ds)
	want := []Target{{"ecourts", "chargesheet-to-court"}, {"cctns", "murder-cases"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Targets = %v, want %v", got, want)
	}
}

func TestDecideMissingBody(t *testing.T) {
	tab, err := Load([]byte(testRoutes))
	if err != nil {
		t.Fatal(err)
	}
	m := &canonical.Message{
		Type:              canonical.TypeCourtRegistration,
		CourtRegistration: &canonical.CourtRegistration{CNR: "KLER010000012025"},
	}
	ds := tab.Decide(m)
	if !ds[1].Matched {
		t.Errorf("cnr-to-police did not match: %s", ds[1].Reason)
	}
	if ds[2].Matched {
		t.Error("murder-cases matched a message without a chargesheet")
	}
	if ds[2].Reason == "" {
		t.Error("unmatched route has no reason")
	}
}

func TestCompileErrorsNameRoute(t *testing.T) {
	cases := map[string]struct{ when, want string }{
		"unknown field": {`message.chargesheet.verdict == "x"`, "verdict"},
		"not bool":      {`message.type`, "want bool"},
		"syntax":        {`message.type ==`, "Syntax error"},
		"wrong type":    {`message.chargesheet.supplementary == "one"`, "no matching overload"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(testRoutes,
				`message.type == "court_registration"`, tc.when, 1)
			_, err := Load([]byte(doc))
			if err == nil {
				t.Fatal("Load accepted an invalid condition")
			}
			if !strings.Contains(err.Error(), `route "cnr-to-police"`) {
				t.Errorf("error does not name the route: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestValidateReferences(t *testing.T) {
	doc := strings.Replace(testRoutes, "to: [cctns]", "to: [nowhere]", 1)
	doc = strings.Replace(doc, "http://127.0.0.1:9/ecf", "ftp://x", 1)
	_, err := Load([]byte(doc))
	if err == nil {
		t.Fatal("Load accepted unknown destination and bad URL")
	}
	for _, want := range []string{`unknown destination "nowhere"`, `destination "ecourts": invalid url`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestUnknownYAMLField(t *testing.T) {
	_, err := Load([]byte(testRoutes + "\nroutez: []\n"))
	if err == nil || !strings.Contains(err.Error(), "routez") {
		t.Errorf("error = %v, want one naming the unknown field", err)
	}
}

func TestDefaultDocumentCompiles(t *testing.T) {
	tab, err := Load(DefaultDocument())
	if err != nil {
		t.Fatal(err)
	}
	m := chargesheet()
	m.Source = "police"
	targets := Targets(tab.Decide(m))
	if len(targets) != 1 || targets[0].Destination != "ecourts-kerala" {
		t.Errorf("police chargesheet targets = %v, want ecourts-kerala", targets)
	}
}

func TestDeployExampleCompiles(t *testing.T) {
	doc, err := os.ReadFile("../deploy/routes.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(doc); err != nil {
		t.Fatalf("deploy/routes.example.yaml: %v", err)
	}
}

func TestRetriesOff(t *testing.T) {
	doc := strings.Replace(testRoutes, "    max_attempts: 2\n", "    max_attempts: 2\n    retries: false\n", 1)
	doc = strings.Replace(doc, "    to: [ecourts]\n", "    to: [ecourts]\n    retries: false\n", 1)
	tab, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.RetriesOff("cctns", "cnr-to-police"); !strings.Contains(got, `destination "cctns"`) {
		t.Errorf("RetriesOff(cctns) = %q, want the destination named", got)
	}
	if got := tab.RetriesOff("ecourts", "chargesheet-to-court"); !strings.Contains(got, `route "chargesheet-to-court"`) {
		t.Errorf("RetriesOff(route) = %q, want the route named", got)
	}
	if got := tab.RetriesOff("ecourts", "murder-cases"); got != "" {
		t.Errorf("RetriesOff(on) = %q, want empty", got)
	}
}

func TestExplainAppliesPolicy(t *testing.T) {
	doc := strings.Replace(testRoutes, "    timeout: 3s\n", `    timeout: 3s
    policy:
      name: cctns-minimal
      types: [chargesheet, court_registration]
      allow: [chargesheet.charges]
`, 1)
	tab, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	m := chargesheet()
	m.Chargesheet.BriefFacts = "the accused snatched a chain"
	ex := tab.Explain(m)
	if len(ex.Deliveries) != 2 {
		t.Fatalf("%d deliveries, want ecourts and cctns", len(ex.Deliveries))
	}
	cctns := ex.Deliveries[1]
	if cctns.Destination != "cctns" || cctns.Policy != "cctns-minimal" {
		t.Fatalf("second delivery = %+v", cctns)
	}
	if cctns.Message == nil || cctns.Message.Chargesheet.BriefFacts != "" {
		t.Error("the policy did not remove brief_facts")
	}
	if len(cctns.Message.Chargesheet.Charges) != 1 {
		t.Error("the policy removed the allowed charges")
	}
	if ex.Deliveries[0].Message.Chargesheet.BriefFacts == "" {
		t.Error("the allow-all destination lost brief_facts")
	}
}

// TestExplainOmitsUnmatchedDestinations checks that a route that did not
// match has no destinations member in the explanation's JSON, as in a
// journey's routing, and that a matched one lists its destinations.
func TestExplainOmitsUnmatchedDestinations(t *testing.T) {
	tab, err := Load([]byte(testRoutes))
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(tab.Explain(chargesheet()))
	if err != nil {
		t.Fatal(err)
	}
	var ex struct {
		Decisions []map[string]any `json:"decisions"`
	}
	if err := json.Unmarshal(body, &ex); err != nil {
		t.Fatal(err)
	}
	for _, d := range ex.Decisions {
		_, listed := d["destinations"]
		if matched := d["matched"] == true; listed != matched {
			t.Errorf("route %v: matched %v, destinations member present %v: %s",
				d["route"], matched, listed, body)
		}
	}
}

func TestDestinationBounds(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"attempts too many", "max_attempts: 2", "max_attempts: 100000000",
			`destination "cctns": max_attempts 100000000 is out of range: want 1 to 100`},
		{"attempts one over", "max_attempts: 2", "max_attempts: 101",
			`destination "cctns": max_attempts 101 is out of range: want 1 to 100`},
		{"attempts negative", "max_attempts: 2", "max_attempts: -1",
			`destination "cctns": max_attempts -1 is out of range: want 1 to 100`},
		{"timeout too long", "timeout: 3s", "timeout: 5m1s",
			`destination "cctns": timeout 5m1s is out of range: want more than 0s and at most 5m0s`},
		{"timeout negative", "timeout: 3s", "timeout: -1s",
			`destination "cctns": timeout -1s is out of range`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load([]byte(strings.Replace(testRoutes, tc.old, tc.new, 1)))
			if err == nil {
				t.Fatalf("Load accepted %s", tc.new)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestDestinationBoundsInclusive(t *testing.T) {
	doc := strings.Replace(testRoutes, "max_attempts: 2", "max_attempts: 100", 1)
	doc = strings.Replace(doc, "timeout: 3s", "timeout: 5m", 1)
	tab, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := tab.Destination("cctns")
	if d.MaxAttempts != MaxAttemptsLimit {
		t.Errorf("MaxAttempts = %d, want %d", d.MaxAttempts, MaxAttemptsLimit)
	}
	if time.Duration(d.Timeout) != MaxTimeout {
		t.Errorf("Timeout = %s, want %s", time.Duration(d.Timeout), MaxTimeout)
	}
}

func TestDestinationZeroMeansDefault(t *testing.T) {
	doc := strings.Replace(testRoutes, "max_attempts: 2", "max_attempts: 0", 1)
	doc = strings.Replace(doc, "timeout: 3s", "timeout: 0s", 1)
	tab, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	d, _ := tab.Destination("cctns")
	if d.MaxAttempts != DefaultMaxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", d.MaxAttempts, DefaultMaxAttempts)
	}
	if time.Duration(d.Timeout) != DefaultTimeout {
		t.Errorf("Timeout = %s, want %s", time.Duration(d.Timeout), DefaultTimeout)
	}
}

func TestCheckAgenciesNamesDestination(t *testing.T) {
	doc := "agencies:\n  - {name: police}\n  - {name: astrologers}\n" +
		strings.Replace(testRoutes, "agency: courts", "agency: nosuch", 1)
	tab, err := Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = tab.Config().CheckAgencies([]string{"courts", "police"})
	if err == nil {
		t.Fatal("CheckAgencies accepted agencies without adapters")
	}
	for _, want := range []string{
		`agency "astrologers": no adapter of that name: known agencies are courts, police`,
		`destination "ecourts": agency: unknown agency "nosuch": known agencies are courts, police`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := tab.Config().CheckAgencies([]string{"astrologers", "nosuch", "police"}); err != nil {
		t.Errorf("CheckAgencies with every agency known: %v", err)
	}
}

func TestCheckAgenciesLeavesMissingToValidate(t *testing.T) {
	c := Config{Destinations: []Destination{{Name: "cctns", URL: "http://127.0.0.1:9/x"}}}
	if err := c.CheckAgencies([]string{"police"}); err != nil {
		t.Errorf("CheckAgencies reported a missing agency: %v", err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "missing agency") {
		t.Errorf("Validate error = %v, want it to report the missing agency", err)
	}
}
