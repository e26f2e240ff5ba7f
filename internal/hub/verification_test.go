package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
	mpassport "github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
	mprison "github.com/sangam-hub/sangam/mocks/prison"
	"github.com/sangam-hub/sangam/routes"
)

const day = 24 * time.Hour

// passportSample returns the mock passport office's sample name.
func passportSample(t *testing.T, name string) []byte {
	t.Helper()
	for _, s := range mpassport.Samples() {
		if s.Name == name {
			return s.Body
		}
	}
	t.Fatalf("no passport sample %q", name)
	return nil
}

func prisonSample(t *testing.T, name string) []byte {
	t.Helper()
	for _, s := range mprison.Samples() {
		if s.Name == name {
			return s.Body
		}
	}
	t.Fatalf("no prison sample %q", name)
	return nil
}

// freshRequest is the office's fresh request for Shibu K. R. of
// Edappally (PIN 682024), made now, with message id and file number of
// its own and no due date, so the hub sets one.
func freshRequest(t *testing.T, id, file string) []byte {
	t.Helper()
	now := time.Now().Format(time.RFC3339)
	return editJSON(t, passportSample(t, "request-fresh"), func(m map[string]any) {
		m["message_id"], m["file_number"] = id, file
		m["sent_at"], m["requested_at"] = now, now
		delete(m, "due_on")
	})
}

// document decodes the JSON of a delivered body.
func document(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// status returns the verification status of file, which must exist.
func (w *vworld) status(t *testing.T, file string) verification.Status {
	t.Helper()
	var s verification.Status
	if err := json.Unmarshal(w.statusBody(t, file), &s); err != nil {
		t.Fatalf("decoding verification status of %s: %v", file, err)
	}
	return s
}

// statusBody returns the JSON body of the verification status of file,
// which must exist, after checking it against the OpenAPI document.
func (w *vworld) statusBody(t *testing.T, file string) []byte {
	t.Helper()
	resp, err := http.Get(w.url + "/api/v1/verifications/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading verification status of %s: %v", file, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET verification status of %s: %d; %s", file, resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("verification status of %s: X-Content-Type-Options = %q, want nosniff", file, got)
	}
	w.checkStatusBody(t, file, body)
	return body
}

func TestVerificationReachesStationAndReportReturnsSQLite(t *testing.T) {
	testVerificationRoundTrip(t, Config{})
}

func TestVerificationReachesStationAndReportReturnsPostgres(t *testing.T) {
	testVerificationRoundTrip(t, Config{PostgresDSN: postgresDSN(t)})
}

func testVerificationRoundTrip(t *testing.T, cfg Config) {
	w := newVerificationWorld(t, cfg)
	if code, _, body := post(t, w.url, "police", sample(t, "arrest-kaloor-snatching")); code != 202 {
		t.Fatalf("arrest: status %d, %s", code, body)
	}
	w.ekm0420.Answer(police.Answering{HubURL: w.url, Outcome: police.AnswerAdverse})
	code, _, body := post(t, w.url, "passport", freshRequest(t, "RPO-1", "CO1075120411325"))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}

	waitFor(t, "the request at station EKM0420", func() bool { return len(w.ekm0420.Verifications()) == 1 })
	req := document(t, w.ekm0420.Verifications()[0].Body)
	if req["police_station"] != "EKM0420" || req["district_office"] != "KOCHI-CITY" {
		t.Errorf("request assigned to %v of %v, want EKM0420 of KOCHI-CITY",
			req["police_station"], req["district_office"])
	}
	wantDue := w.clock.Now().In(w.hub.cfg.TimeZone).Add(21 * day).Format(time.DateOnly)
	if req["due_on"] != wantDue {
		t.Errorf("due_on = %v, want %s", req["due_on"], wantDue)
	}
	matches, _ := req["matches"].([]any)
	if len(matches) != 1 {
		t.Fatalf("matches = %v, want the arrest's case", req["matches"])
	}
	match := matches[0].(map[string]any)
	fir := match["case"].(map[string]any)["fir"].(map[string]any)
	if match["matched_by"] != "aadhaar_token" || fir["number"] != 1187.0 {
		t.Errorf("match = %v, want FIR 1187 by aadhaar_token", match)
	}
	if n := len(w.ekm0412.Verifications()); n != 0 {
		t.Errorf("station EKM0412 received %d requests for a PIN it does not serve", n)
	}

	waitFor(t, "the report at the passport office", func() bool { return len(w.passport.Received()) == 1 })
	rep := document(t, w.passport.Received()[0].Body)
	if rep["in_reply_to"] != "RPO-1" || rep["outcome"] != "adverse" {
		t.Errorf("report = %v, want adverse in reply to the office's RPO-1", rep)
	}
	if cases, _ := rep["cases"].([]any); len(cases) != 1 {
		t.Errorf("report cases = %v, want the matched case", rep["cases"])
	}
	if rep["late"] == true {
		t.Error("a report on time is marked late")
	}
	if s := w.status(t, "CO1075120411325"); s.State != verification.StateReported {
		t.Errorf("status = %+v, want reported", s)
	}
}

func TestUnansweredRequestEscalatedOnceAndLateReportMarked(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-2", "CO1075120499925"))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	waitFor(t, "the request at station EKM0420", func() bool { return len(w.ekm0420.Verifications()) == 1 })
	if s := w.status(t, "CO1075120499925"); s.State != verification.StatePending {
		t.Errorf("status = %s, want pending", s.State)
	}

	w.clock.Advance(22 * day)
	waitFor(t, "the escalation at the district office", func() bool { return len(w.district.Escalations()) == 1 })
	esc := document(t, w.district.Escalations()[0].Body)
	if esc["escalated"] != true || esc["in_reply_to"] != res.MessageID || esc["source_agency"] != "hub" {
		t.Errorf("escalation = %v, want escalated by the hub in reply to %s", esc, res.MessageID)
	}
	if esc["file_number"] != "CO1075120499925" || esc["police_station"] != "EKM0420" {
		t.Errorf("escalation lost the request's data: %v", esc)
	}
	if n, err := w.v.tracker.Pass(context.Background()); err != nil || n != 0 {
		t.Errorf("another pass: %d escalations, err %v; want none", n, err)
	}
	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=hub", &found)
	if len(found.Messages) != 1 {
		t.Errorf("journal holds %d escalations, want 1", len(found.Messages))
	}
	if s := w.status(t, "CO1075120499925"); s.State != verification.StateEscalated {
		t.Errorf("status = %s, want escalated", s.State)
	}

	w.ekm0420.Answer(police.Answering{HubURL: w.url, Outcome: police.AnswerSilent})
	if _, err := w.ekm0420.Report(res.MessageID, police.AnswerClear); err != nil {
		t.Fatalf("station report: %v", err)
	}
	waitFor(t, "the late report at the passport office", func() bool { return len(w.passport.Received()) == 1 })
	rep := document(t, w.passport.Received()[0].Body)
	if rep["late"] != true || rep["in_reply_to"] != "RPO-2" {
		t.Errorf("report = %v, want late in reply to the office's RPO-2", rep)
	}
	if s := w.status(t, "CO1075120499925"); s.State != verification.StateReportedLate {
		t.Errorf("status = %s, want reported_late", s.State)
	}
	if n := len(w.district.Escalations()); n != 1 {
		t.Errorf("district office received %d escalations, want 1", n)
	}
}

func TestMalformedRequestsRejectedAndNotRouted(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	noAddress := editJSON(t, freshRequest(t, "RPO-4", "CO1075120400001"), func(m map[string]any) {
		delete(m["applicant"].(map[string]any), "present_address")
	})
	unknownPIN := editJSON(t, freshRequest(t, "RPO-5", "CO1075120400002"), func(m map[string]any) {
		m["applicant"].(map[string]any)["present_address"].(map[string]any)["pin"] = "110001"
	})
	cases := []struct {
		name, pointer, rule string
		body                []byte
	}{
		{"bad MRZ check digit", "/old_passport/mrz", "mrz-check-digit",
			passportSample(t, "invalid-reissue-mrz")},
		{"missing present address", "/applicant/present_address", "required", noAddress},
		{"PIN outside the jurisdiction", "/applicant/present_address/pin",
			verification.RuleJurisdiction, unknownPIN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, body := post(t, w.url, "passport", c.body)
			if code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; %s", code, body)
			}
			var p problem.Problem
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if !hasViolation(p, c.pointer, c.rule) {
				t.Errorf("no %s violation at %s in %+v", c.rule, c.pointer, p.Errors)
			}
		})
	}
	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=passport", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal holds %d passport messages after rejections", len(found.Messages))
	}
	if n := len(w.ekm0420.Verifications()) + len(w.ekm0412.Verifications()); n != 0 {
		t.Errorf("stations received %d requests after rejections", n)
	}
}

// TestReportFromOtherStationPointsIntoBody posts a report on a request
// assigned to EKM0420 in the name of EKM0412. The hub rejects it, and
// the violation points at the report document's police_station, not at
// the canonical field.
func TestReportFromOtherStationPointsIntoBody(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	w.ekm0420.Answer(police.Answering{HubURL: w.url, Outcome: police.AnswerSilent})
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-6", "CO1075120400006"))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	now := time.Now().Format(time.RFC3339)
	sampleReport, err := os.ReadFile("../../adapters/passport/testdata/report_clear.json")
	if err != nil {
		t.Fatal(err)
	}
	report := editJSON(t, sampleReport,
		func(m map[string]any) {
			m["message_id"], m["in_reply_to"] = "EKM0412-PVR-6", res.MessageID
			m["file_number"], m["police_station"] = "CO1075120400006", "EKM0412"
			m["sent_at"], m["reported_at"] = now, now
		})
	code, _, body = post(t, w.url, "police", report)
	if code != http.StatusBadRequest {
		t.Fatalf("report from EKM0412: status %d, want 400; %s", code, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !hasViolation(p, "/police_station", verification.RuleOtherStation) {
		t.Errorf("no %s violation at /police_station in %+v", verification.RuleOtherStation, p.Errors)
	}
}

func TestPrisonMovementsReachCourtPoliceAndImmigration(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	for _, name := range []string{"court-production-undertrial", "release-foreign-national",
		"death-in-custody"} {
		code, res, body := post(t, w.url, "prisons", prisonSample(t, name))
		if code != http.StatusAccepted {
			t.Fatalf("%s: status %d, %s", name, code, body)
		}
		if j := settledJourney(t, w.url, res.MessageID); j.Status != "delivered" {
			t.Errorf("%s: journey %s, deliveries %+v", name, j.Status, j.Deliveries)
		}
	}
	want := []struct {
		receiver string
		got      int
		want     int
	}{
		// The production and the death.
		{"court", w.courtMovements.Len(), 2},
		// The production, of an FIR of EKM0412.
		{"station EKM0412", len(w.ekm0412.Movements()), 1},
		// The release, of an FIR of EKM0420.
		{"station EKM0420", len(w.ekm0420.Movements()), 1},
		{"immigration", w.immigration.Len(), 1},
		{"district office", len(w.district.Movements()), 1},
	}
	for _, c := range want {
		if c.got != c.want {
			t.Errorf("%s received %d movements, want %d", c.receiver, c.got, c.want)
		}
	}
	production := document(t, w.courtMovements.Items()[0].Body)
	if production["kind"] != "court_production_out" {
		t.Errorf("court's first movement = %v, want the court production", production["kind"])
	}
}

func TestVerificationStatusErrors(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	var p problem.Problem
	if code := getJSON(t, w.url, "/api/v1/verifications/CO1075129999999", &p); code != http.StatusNotFound {
		t.Errorf("unknown file: status %d, want 404", code)
	}
	if code := getJSON(t, w.url, "/api/v1/verifications/co-1", &p); code != http.StatusBadRequest {
		t.Errorf("invalid file number: status %d, want 400", code)
	}
	if code := getJSON(t, w.url, "/healthz", &map[string]string{}); code != http.StatusOK {
		t.Errorf("the API behind the verification endpoint: /healthz status %d", code)
	}
}

func TestAadhaarInPrisonTextNeverLeavesInClear(t *testing.T) {
	dir := t.TempDir()
	w := newVerificationWorld(t, Config{DataDir: dir})

	// Verhoeff-valid, written three ways a clerk might write it.
	clearForms := []string{"5863 0172 9436", "5863.0172.9436", "586301729436"}
	doc := editJSON(t, prisonSample(t, "court-production-undertrial"), func(m map[string]any) {
		m["reason"] = "Production warrant; Aadhaar " + clearForms[0] + " and " + clearForms[1] +
			" verified, " + clearForms[2] + " on file"
		// With an Aadhaar identifier, the adapter keeps its own masked
		// copy of the body, whose text the hub must mask too.
		person := m["prisoner"].(map[string]any)["person"].(map[string]any)
		person["identifiers"] = []any{map[string]any{"type": "aadhaar", "number": "4918-7362-5403"}}
	})
	clearForms = append(clearForms, "4918-7362-5403")

	code, res, body := post(t, w.url, "prisons", doc)
	if code != http.StatusAccepted {
		t.Fatalf("status %d, %s", code, body)
	}
	if j := settledJourney(t, w.url, res.MessageID); j.Status != "delivered" {
		t.Fatalf("journey %s", j.Status)
	}

	resp, err := http.Get(w.url + "/api/v1/messages/" + res.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	journey, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(journey, []byte("XXXXXXXX9436")) {
		t.Errorf("the journey lacks the masked form: %s", journey)
	}

	var explained json.RawMessage
	status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain",
		api.ExplainRequest{Agency: "prisons", Body: string(doc), ContentType: "application/json"}, &explained)
	if status != http.StatusOK {
		t.Fatalf("explain: status %d", status)
	}
	if !bytes.Contains(explained, []byte("XXXXXXXX9436")) {
		t.Errorf("the explanation lacks the masked form: %s", explained)
	}

	places := map[string][]byte{"the journey": journey, "the explanation of the body": explained}
	for i, item := range w.courtMovements.Items() {
		places[fmt.Sprintf("court movement %d", i+1)] = item.Body
	}
	// The journal's own files, the raw body included.
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			places[f] = data
		}
	}
	for where, data := range places {
		for _, form := range clearForms {
			if bytes.Contains(data, []byte(form)) {
				t.Errorf("%s contains the Aadhaar number in clear (%q)", where, form)
			}
		}
	}
}

func TestExplainedBodyGoesWhereThePostGoes(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	body := passportSample(t, "request-fresh")
	var explained struct {
		Explanations []routes.Explanation `json:"explanations"`
	}
	status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain",
		api.ExplainRequest{Agency: "passport", Body: string(body), ContentType: "application/json"}, &explained)
	if status != http.StatusOK || len(explained.Explanations) != 1 {
		t.Fatalf("explain: status %d, %d explanations", status, len(explained.Explanations))
	}
	var previewed []string
	for _, d := range explained.Explanations[0].Deliveries {
		previewed = append(previewed, d.Destination)
	}

	code, res, out := post(t, w.url, "passport", body)
	if code != http.StatusAccepted {
		t.Fatalf("post: status %d, %s", code, out)
	}
	var j journal.Journey
	getJSON(t, w.url, "/api/v1/messages/"+res.MessageID, &j)
	var delivered []string
	for _, d := range j.Deliveries {
		delivered = append(delivered, d.Destination)
	}
	if len(delivered) == 0 || fmt.Sprint(previewed) != fmt.Sprint(delivered) {
		t.Errorf("explained destinations %v, posted message's %v; want the same", previewed, delivered)
	}
}

// TestHubOnlyFieldsPointIntoBody posts requests that set the fields only
// the hub sets, the envelope's hub_message_id and source_agency
// included. Each violation points at the field in the passport
// office's document, and nothing is stored.
func TestHubOnlyFieldsPointIntoBody(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	for i, c := range []struct {
		field string
		value any
	}{
		{"held_by", []any{"EKM0412"}},
		{"hub_message_id", "01K6H2Q8X7"},
		{"matches", []any{map[string]any{
			"case": map[string]any{"cnr": "KLER010001232025"}, "matched_by": "aadhaar_token"}}},
		{"police_station", "EKM0412"},
		{"source_agency", "passport"},
	} {
		file := fmt.Sprintf("CO10751204%05d", 900+i)
		body := editJSON(t, freshRequest(t, "RPO-HUB-ONLY-"+c.field, file), func(m map[string]any) {
			m[c.field] = c.value
		})
		code, _, resp := post(t, w.url, "passport", body)
		if code != http.StatusBadRequest {
			t.Fatalf("%s set: status %d, want 400; %s", c.field, code, resp)
		}
		var p problem.Problem
		if err := json.Unmarshal(resp, &p); err != nil {
			t.Fatal(err)
		}
		if !hasViolation(p, "/"+c.field, verification.RuleHubOnly) {
			t.Errorf("%s set: no %s violation at /%s in %+v", c.field, verification.RuleHubOnly,
				c.field, p.Errors)
		}
		var none problem.Problem
		if code := getJSON(t, w.url, "/api/v1/verifications/"+file, &none); code != http.StatusNotFound {
			t.Errorf("%s set: status of file %s is %d, want 404: nothing stored", c.field, file, code)
		}
	}
}
