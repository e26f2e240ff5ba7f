package hub

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/routes"
)

// reissueRequest is the office's reissue request for an applicant at
// Aluva (PIN 683101), whose station EKR0501 of district office
// EKM-RURAL has no destination in the default routes. It is made now,
// with no due date, so the hub sets one.
func reissueRequest(t *testing.T, id, file string) []byte {
	t.Helper()
	now := time.Now().Format(time.RFC3339)
	return editJSON(t, passportSample(t, "request-reissue"), func(m map[string]any) {
		m["message_id"], m["file_number"] = id, file
		m["sent_at"], m["requested_at"] = now, now
		delete(m, "due_on")
	})
}

// reportFrom is a clear report from unit on file, in reply to requestID.
func reportFrom(t *testing.T, unit, requestID, file string) []byte {
	t.Helper()
	sample, err := os.ReadFile("../../adapters/passport/testdata/report_clear.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Format(time.RFC3339)
	return editJSON(t, sample, func(m map[string]any) {
		m["message_id"], m["in_reply_to"] = unit+"-PVR-"+file, requestID
		m["file_number"], m["police_station"] = file, unit
		m["sent_at"], m["reported_at"] = now, now
	})
}

// TestOfficeHoldingRequestReportsOnIt sends a request for an Ernakulam
// Rural station without a destination through the default routes. The
// district police office that the routes send it to holds it, and its
// report reaches the passport office, while another station's report
// is still rejected.
func TestOfficeHoldingRequestReportsOnIt(t *testing.T) {
	w := newVerificationWorld(t, Config{Routes: routes.DefaultDocument()})
	const file = "CO1075120587199"
	code, res, body := post(t, w.url, "passport", reissueRequest(t, "RPO-7", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	waitFor(t, "the request at the district office", func() bool { return len(w.rural.Escalations()) == 1 })
	req := document(t, w.rural.Escalations()[0].Body)
	if req["police_station"] != "EKR0501" || req["district_office"] != "EKM-RURAL" {
		t.Errorf("request assigned to %v of %v, want EKR0501 of EKM-RURAL",
			req["police_station"], req["district_office"])
	}
	if held, _ := req["held_by"].([]any); len(held) != 1 || held[0] != "EKM-RURAL" {
		t.Errorf("delivered request held by %v, want [EKM-RURAL]", req["held_by"])
	}
	if s := w.status(t, file); !slices.Equal(s.HeldBy, []string{"EKM-RURAL"}) {
		t.Errorf("status held by %v, want [EKM-RURAL]", s.HeldBy)
	}
	if n := len(w.district.Escalations()); n != 0 {
		t.Errorf("the Kochi City office got %d requests, want none", n)
	}

	code, _, body = post(t, w.url, "police", reportFrom(t, "EKM0420", res.MessageID, file))
	if code != http.StatusBadRequest {
		t.Fatalf("report from EKM0420: status %d, want 400; %s", code, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !hasViolation(p, "/police_station", verification.RuleOtherStation) {
		t.Errorf("no %s violation at /police_station in %+v", verification.RuleOtherStation, p.Errors)
	}

	code, _, body = post(t, w.url, "police", reportFrom(t, "EKM-RURAL", res.MessageID, file))
	if code != http.StatusAccepted {
		t.Fatalf("report from EKM-RURAL: status %d, want 202; %s", code, body)
	}
	waitFor(t, "the report at the passport office", func() bool { return len(w.passport.Received()) == 1 })
	rep := document(t, w.passport.Received()[0].Body)
	if rep["in_reply_to"] != "RPO-7" || rep["police_station"] != "EKM-RURAL" {
		t.Errorf("report = %v, want EKM-RURAL's in reply to the office's RPO-7", rep)
	}
	if s := w.status(t, file); s.State != verification.StateReported {
		t.Errorf("status = %s, want reported", s.State)
	}
}
