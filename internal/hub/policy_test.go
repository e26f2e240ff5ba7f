package hub

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/routes"
)

func TestCourtPolicyWithholdsFields(t *testing.T) {
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	doc := strings.Replace(string(ag.routesFor(3)), "    max_attempts: 3\n", `    max_attempts: 3
    policy:
      name: court-filing
      types: [chargesheet]
      allow:
        - chargesheet.fir
        - chargesheet.title
        - chargesheet.kind
        - chargesheet.court
        - chargesheet.accused
        - chargesheet.charges
        - chargesheet.filed_on
        - chargesheet.tracking_id
      mask:
        - {path: "chargesheet.accused[].person.date_of_birth", kind: year-only}
`, 1)
	h := startHub(t, Config{Routes: []byte(doc), DataDir: t.TempDir()})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	_, res, body := post(t, url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if res.MessageID == "" {
		t.Fatalf("not accepted: %s", body)
	}
	j := settledJourney(t, url, res.MessageID)
	if j.Status != "delivered" {
		t.Fatalf("status = %s: %+v", j.Status, j.Deliveries)
	}
	filing := string(ag.court.Received()[0].Body)
	facts := j.Message.Chargesheet.BriefFacts
	if len(facts) < 20 {
		t.Fatalf("the journal lost the brief facts: %q", facts)
	}
	if strings.Contains(filing, facts[:20]) {
		t.Error("the court received brief facts its policy withholds")
	}
	if got := j.Deliveries[0].Attempts[0].Policy; got != "v1/court-filing" {
		t.Errorf("attempt policy = %q, want v1/court-filing", got)
	}
	births := 0
	for _, a := range j.Message.Chargesheet.Accused {
		if dob := a.Person.DateOfBirth; dob != "" {
			births++
			if strings.Contains(filing, dob) {
				t.Errorf("the court received the full date of birth %s", dob)
			}
		}
	}
	if births == 0 {
		t.Fatal("the sample has no date of birth to mask")
	}
}

// chargesOnlyRoutes returns the agencies' routes with a court policy that
// withholds the FIR and the tracking id, which the court's filing needs.
func chargesOnlyRoutes(ag *agencies) string {
	return strings.Replace(string(ag.routesFor(3)), "    max_attempts: 3\n", `    max_attempts: 3
    policy:
      name: charges-only
      types: [chargesheet]
      allow: [chargesheet.charges, chargesheet.accused, chargesheet.court, chargesheet.kind]
`, 1)
}

func TestStartRejectsPolicyTheFormatCannotEncode(t *testing.T) {
	ag := startAgencies(t, func() string { return "http://127.0.0.1:9" })
	// The court's filing names the case by the FIR or the tracking id;
	// this policy withholds both.
	doc := chargesOnlyRoutes(ag)
	cfg := Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), AadhaarKey: testKey, Routes: []byte(doc),
		Log: quietLog()}
	_, err := Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a policy that the court's format cannot encode succeeded")
	}
	for _, want := range []string{"/destinations/0/policy", "policy-encoding", `policy "charges-only"`,
		"missing FIR or tracking id", "the routes were not saved"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open error lacks %q: %v", want, err)
		}
	}

	// Nothing was saved, so the embedded default seeds the same folder.
	cfg.Routes = nil
	h := startHub(t, cfg)
	v, err := h.backend.routes.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || string(v.Document) != string(routes.DefaultDocument()) {
		t.Errorf("current version %d is not the default routes", v.Number)
	}
}

func TestStoredPolicyThatCannotEncodeWarns(t *testing.T) {
	ag := startAgencies(t, func() string { return "http://127.0.0.1:9" })
	dsn := postgresDSN(t)
	log, logs := capturedLog()
	first := startHub(t, Config{PostgresDSN: dsn, Log: log, RoutesInterval: 20 * time.Millisecond,
		Routes: ag.routesFor(3)})

	// Version 2 withholds what the court's filing needs, as a hub without
	// the policy check could save. Save rejects it now, so it goes in by SQL.
	insertVersion2(t, dsn, chargesOnlyRoutes(ag), "policy without the FIR")

	// The running replica applies it, and a replica that starts now
	// starts with it, each with a warning.
	waitFor(t, "version 2 in force", func() bool { return first.Routes().Version() == "v2" })
	second := startHub(t, Config{PostgresDSN: dsn, Log: log})
	if got := second.Routes().Version(); got != "v2" {
		t.Errorf("a replica started on version 2 routes with %s", got)
	}
	out := logs.String()
	if n := strings.Count(out, "destination policy keeps its format from encoding"); n < 2 {
		t.Errorf("%d warnings about the policy, want one from each replica:\n%s", n, out)
	}
	for _, want := range []string{`policy \"charges-only\"`, "/destinations/0/policy", "missing FIR or tracking id"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s:\n%s", want, out)
		}
	}
}

// courtCodeMaskedRoutes returns the agencies' routes with a court policy
// that redacts the court code, which the court dockets the filing by.
// The filing still encodes.
func courtCodeMaskedRoutes(ag *agencies) string {
	return strings.Replace(string(ag.routesFor(3)), "    max_attempts: 3\n", `    max_attempts: 3
    policy:
      name: court-code-hidden
      types: [chargesheet]
      allow: [chargesheet]
      mask:
        - {path: chargesheet.court.code, kind: redact}
`, 1)
}

func TestStartRejectsPolicyMaskingKeyField(t *testing.T) {
	ag := startAgencies(t, func() string { return "http://127.0.0.1:9" })
	cfg := Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), AadhaarKey: testKey,
		Routes: []byte(courtCodeMaskedRoutes(ag)), Log: quietLog()}
	_, err := Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a policy that masks the court code succeeded")
	}
	for _, want := range []string{"/destinations/0/policy", "policy-key-field",
		`policy "court-code-hidden"`, "masks chargesheet.court.code (redact)", "the routes were not saved"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "policy-encoding") {
		t.Errorf("Open error reports an encoding problem, but the filing encodes: %v", err)
	}
}

func TestStoredPolicyMaskingKeyFieldWarns(t *testing.T) {
	ag := startAgencies(t, func() string { return "http://127.0.0.1:9" })
	dsn := postgresDSN(t)
	log, logs := capturedLog()
	first := startHub(t, Config{PostgresDSN: dsn, Log: log, RoutesInterval: 20 * time.Millisecond,
		Routes: ag.routesFor(3)})

	// Save rejects version 2 now, so it goes in by SQL, as a hub without
	// the key field check could have saved it.
	insertVersion2(t, dsn, courtCodeMaskedRoutes(ag), "court code hidden")

	waitFor(t, "version 2 in force", func() bool { return first.Routes().Version() == "v2" })
	second := startHub(t, Config{PostgresDSN: dsn, Log: log})
	if got := second.Routes().Version(); got != "v2" {
		t.Errorf("a replica started on version 2 routes with %s", got)
	}
	out := logs.String()
	if n := strings.Count(out, "destination policy removes or masks a field that the receiver needs"); n < 2 {
		t.Errorf("%d warnings about the policy, want one from each replica:\n%s", n, out)
	}
	for _, want := range []string{`policy \"court-code-hidden\"`, "/destinations/0/policy",
		"policy-key-field", "chargesheet.court.code"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %s:\n%s", want, out)
		}
	}
}

// TestExplainShowsPolicyOfDelivery changes a destination's policy while
// its delivery is pending. The explanation of the stored message shows
// the policy the next attempt applies, then the one the attempt applied.
func TestExplainShowsPolicyOfDelivery(t *testing.T) {
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	open := string(ag.routesFor(20))
	withheld := strings.Replace(open, ag.courtURL+"/ecf", "http://127.0.0.1:9/ecf", 1)
	withheld = strings.Replace(withheld, "    max_attempts: 20\n", `    max_attempts: 20
    policy:
      name: charges-only
      types: [chargesheet]
      allow: [chargesheet.fir, chargesheet.charges, chargesheet.accused, chargesheet.court,
        chargesheet.kind, chargesheet.tracking_id, chargesheet.filed_on]
`, 1)
	h := startHub(t, Config{Routes: []byte(withheld), DataDir: t.TempDir(),
		RoutesInterval: 20 * time.Millisecond, RetryInterval: 200 * time.Millisecond,
		MaxRetryInterval: 200 * time.Millisecond})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	_, res, body := post(t, url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if res.MessageID == "" {
		t.Fatalf("not accepted: %s", body)
	}
	explain := func() routes.SharedMessage {
		t.Helper()
		var ex api.ExplainResponse
		if status := sendJSON(t, http.MethodPost, url+"/api/v1/routes/explain",
			api.ExplainRequest{MessageID: res.MessageID}, &ex); status != http.StatusOK {
			t.Fatalf("explain status %d", status)
		}
		if len(ex.Deliveries) != 1 || ex.RoutesVersion != "v1" {
			t.Fatalf("explanation of %s: version %s, deliveries %+v", res.MessageID,
				ex.RoutesVersion, ex.Deliveries)
		}
		return ex.Deliveries[0]
	}
	if d := explain(); d.Policy != "charges-only" || d.PolicyRoutes != "" ||
		d.Message == nil || d.Message.Chargesheet.BriefFacts != "" {
		t.Errorf("while v1 is in force: %+v, want v1's charges-only policy without brief facts", d)
	}

	// v2 keeps the dead address and drops the policy: the pending
	// delivery's next attempt sends everything.
	var v1 api.RoutesVersion
	getJSON(t, url, "/api/v1/routes", &v1)
	deadOpen := strings.Replace(open, ag.courtURL+"/ecf", "http://127.0.0.1:9/ecf", 1)
	applyRoutes(t, url, deadOpen, v1.Number)
	if d := explain(); d.Policy != "allow-all" || d.PolicyRoutes != "v2" ||
		d.Message == nil || d.Message.Chargesheet.BriefFacts == "" {
		t.Errorf("while v2 is in force and the delivery pending: %+v, want v2's allow-all with brief facts", d)
	}

	// v3 sends to the court, which then holds what the attempt sent.
	applyRoutes(t, url, open, v1.Number+1)
	j := settledJourney(t, url, res.MessageID)
	last := j.Deliveries[0].Attempts[len(j.Deliveries[0].Attempts)-1]
	if j.Status != "delivered" || last.Policy != "v3/allow-all" {
		t.Fatalf("journey: status %s, last attempt policy %q", j.Status, last.Policy)
	}
	applyRoutes(t, url, withheld, v1.Number+2)
	if d := explain(); d.Policy != "allow-all" || d.PolicyRoutes != "v3" ||
		d.Message == nil || d.Message.Chargesheet.BriefFacts == "" {
		t.Errorf("after delivery by v3 and a change to v4: %+v, want v3's allow-all", d)
	}
}

// applyRoutes saves doc as the version after expect and waits until it
// is in force.
func applyRoutes(t *testing.T, url, doc string, expect int) {
	t.Helper()
	if status := sendJSON(t, http.MethodPut, url+"/api/v1/routes",
		api.RoutesChange{Document: doc, Expect: expect, Comment: "test"}, nil); status != http.StatusCreated {
		t.Fatalf("PUT /api/v1/routes after v%d: status %d", expect, status)
	}
	waitFor(t, fmt.Sprintf("v%d in force", expect+1), func() bool {
		var v api.RoutesVersion
		getJSON(t, url, "/api/v1/routes", &v)
		return v.InForce && v.Number == expect+1
	})
}

// TestExplainShowsRemovedDestination removes a destination while its
// delivery is pending. The explanation states that the delivery will be
// dead-lettered, not that the destination has no policy.
func TestExplainShowsRemovedDestination(t *testing.T) {
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	dead := strings.Replace(string(ag.routesFor(20)), ag.courtURL+"/ecf", "http://127.0.0.1:9/ecf", 1)
	// The pending delivery is not tried again during the test.
	h := startHub(t, Config{Routes: []byte(dead), DataDir: t.TempDir(),
		RoutesInterval: 20 * time.Millisecond, RetryInterval: time.Hour, MaxRetryInterval: time.Hour})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	_, res, body := post(t, url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if res.MessageID == "" {
		t.Fatalf("not accepted: %s", body)
	}
	waitFor(t, "the first attempt", func() bool {
		var j journal.Journey
		getJSON(t, url, "/api/v1/messages/"+res.MessageID, &j)
		return len(j.Deliveries) == 1 && len(j.Deliveries[0].Attempts) == 1
	})
	var v1 api.RoutesVersion
	getJSON(t, url, "/api/v1/routes", &v1)
	withoutCourt := strings.Replace(dead, "  - name: final-report-to-court\n", "  - name: final-report-to-none\n", 1)
	withoutCourt = strings.Replace(withoutCourt, "    to: [ecourts-kerala]\n", "    to: [cctns-kerala]\n", 1)
	start := strings.Index(withoutCourt, "  - name: ecourts-kerala\n")
	end := strings.Index(withoutCourt, "  - name: cctns-kerala\n")
	if start < 0 || end < start {
		t.Fatalf("the routes lack the court destination:\n%s", withoutCourt)
	}
	applyRoutes(t, url, withoutCourt[:start]+withoutCourt[end:], v1.Number)

	var ex api.ExplainResponse
	if status := sendJSON(t, http.MethodPost, url+"/api/v1/routes/explain",
		api.ExplainRequest{MessageID: res.MessageID}, &ex); status != http.StatusOK {
		t.Fatalf("explain status %d", status)
	}
	if len(ex.Deliveries) != 1 || ex.Deliveries[0].PolicyRoutes != "v2" ||
		!strings.Contains(ex.Deliveries[0].Error, "dead-lettered at its next attempt") {
		t.Errorf("deliveries = %+v, want the court's, saying it is dead-lettered at its next attempt",
			ex.Deliveries)
	}
}
