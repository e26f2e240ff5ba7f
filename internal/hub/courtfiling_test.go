package hub

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/courtfiling"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postCourtXML sends body to the hub as agency in application/xml and returns
// the status and the response body.
func postCourtXML(t *testing.T, hubURL, agency string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/inbound/"+agency, "application/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// kochiCallback returns the courts adapter's test callback with its
// document id set to id and every old replaced by new.
func kochiCallback(t *testing.T, id string, replacements ...string) []byte {
	t.Helper()
	body, err := os.ReadFile("../../adapters/courts/testdata/kochi_callback.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(body), "KLER01-CB-000123", id, 1)
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(s, replacements[i]) {
			t.Fatalf("callback lacks %q", replacements[i])
		}
		s = strings.ReplaceAll(s, replacements[i], replacements[i+1])
	}
	return []byte(s)
}

func TestCourtCallbacksReachPolice(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	lineage := regexp.MustCompile(`(?s)<j:CaseLineageCase>.*</j:CaseLineageCase>`)
	cases := map[string][]byte{
		"no CNR": kochiCallback(t, "CB-1", "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>", ""),
		"court code as written": kochiCallback(t, "CB-2",
			"<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>",
			"<nc:IdentificationID>JFCM-1 Ernakulam</nc:IdentificationID>\n        </nc:OrganizationIdentification>"),
		"long docket id": kochiCallback(t, "CB-3", "CC 123/2024", strings.Repeat("CC 123/2024 ", 8)),
		"long title": kochiCallback(t, "CB-4", "State of Kerala v. Rajan K. Pillai",
			strings.Repeat("State of Kerala v. Rajan K. Pillai and others; ", 15)),
		"long reason": kochiCallback(t, "CB-5", "Registered as calendar case",
			strings.Repeat("Returned: the seizure mahazar is illegible. ", 60)),
		"no lineage": lineage.ReplaceAll(kochiCallback(t, "CB-6"), nil),
	}
	for name, body := range cases {
		status, reply := postCourtXML(t, w.url, "courts", body)
		if status != http.StatusAccepted {
			t.Errorf("%s: status %d, want 202; body %s", name, status, reply)
			continue
		}
		var res struct {
			MessageID string `json:"message_id"`
		}
		if err := json.Unmarshal(reply, &res); err != nil {
			t.Fatal(err)
		}
		if j := settledJourney(t, w.url, res.MessageID); j.Status != "delivered" {
			t.Errorf("%s: journey status %s, want delivered: %+v", name, j.Status, j.Deliveries)
		}
	}
	if n := len(w.agency.station.Received()); n != len(cases) {
		t.Errorf("station received %d notifications, want %d", n, len(cases))
	}
}

func TestMalformedCourtCallbacksRejected(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	cases := []struct {
		name    string
		body    []byte
		pointer string
	}{
		{"CNR of the wrong form", kochiCallback(t, "CB-1", "KLER010001232024", "KLER01-BAD"),
			"/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID"},
		{"lineage naming no case", kochiCallback(t, "CB-2",
			"<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>", ""),
			"/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseLineageCase/CaseTrackingID"},
	}
	for _, c := range cases {
		status, reply := postCourtXML(t, w.url, "courts", c.body)
		if status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body %s", c.name, status, reply)
			continue
		}
		if !bytes.Contains(reply, []byte(`"`+c.pointer+`"`)) {
			t.Errorf("%s: errors do not point at %s: %s", c.name, c.pointer, reply)
		}
	}
	var found struct {
		Messages []json.RawMessage `json:"messages"`
	}
	getJSON(t, w.url, "/api/v1/messages?source=courts", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal holds %d court messages after rejected ones", len(found.Messages))
	}
}

func TestSecondOriginalReportConflicts(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	doc := sample(t, "chargesheet-2023-ipc")
	status, first, body := post(t, w.url, "police", doc)
	if status != http.StatusAccepted {
		t.Fatalf("first report: status %d, body %s", status, body)
	}

	second := editJSON(t, doc, func(m map[string]any) { m["message_id"] = "second-original" })
	status, _, body = post(t, w.url, "police", second)
	if status != http.StatusConflict {
		t.Fatalf("second original: status %d, want 409; body %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !hasViolation(p, "/fir", courtfiling.RuleOriginalReportExists) {
		t.Errorf("errors = %+v, want %s at /fir", p.Errors, courtfiling.RuleOriginalReportExists)
	}
	if !strings.Contains(string(body), first.MessageID) {
		t.Errorf("problem does not name the original report %s: %s", first.MessageID, body)
	}

	supplementary := editJSON(t, doc, func(m map[string]any) {
		m["message_id"], m["report_type"], m["supplementary_number"] = "supplementary-1", "supplementary", 1
	})
	if status, _, body = post(t, w.url, "police", supplementary); status != http.StatusAccepted {
		t.Errorf("supplementary report: status %d, want 202; body %s", status, body)
	}
}
