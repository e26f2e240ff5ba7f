package hub

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
)

// TestReportInReplyToOtherFileRejected posts station reports whose
// in_reply_to is another file's request or no hub id at all. Each gets
// 400 at /in_reply_to, and nothing is stored or delivered.
func TestReportInReplyToOtherFileRejected(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	const file, otherFile = "CO1075120499961", "CO1075120499962"
	code, _, body := post(t, w.url, "passport", freshRequest(t, "RPO-71", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	code, other, body := post(t, w.url, "passport", freshRequest(t, "RPO-72", otherFile))
	if code != http.StatusAccepted {
		t.Fatalf("other file's request: status %d, %s", code, body)
	}

	for name, inReplyTo := range map[string]string{
		"other file's request": other.MessageID, "made-up id": "NOT-AN-ID",
	} {
		code, _, body := post(t, w.url, "police", reportFrom(t, "EKM0420", inReplyTo, file))
		unknownReplyMessage(t, name, code, body)
	}

	// The rejected reports left nothing behind.
	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=police", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal has %d police messages, want none", len(found.Messages))
	}
	if s := w.status(t, file); s.ReportID != "" {
		t.Errorf("status has report %s, want none", s.ReportID)
	}
	if n := len(w.passport.Received()); n != 0 {
		t.Errorf("the passport office received %d reports, want none", n)
	}
}

// unknownReplyMessage checks that a report's post, labelled label, got
// status code 400 and a body with one violation, of rule unknown-request
// at /in_reply_to, and returns that violation's message. On a failed
// check it reports the failure and returns false.
func unknownReplyMessage(t *testing.T, label string, code int, body []byte) (string, bool) {
	t.Helper()
	if code != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400; %s", label, code, body)
		return "", false
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 || !hasViolation(p, "/in_reply_to", verification.RuleUnknownRequest) {
		t.Errorf("%s: errors = %+v, want one of rule %s at /in_reply_to", label, p.Errors,
			verification.RuleUnknownRequest)
		return "", false
	}
	return p.Errors[0].Message, true
}

// TestLateReportNamesOfficeRequest replies to a request, then posts a late
// report on it while a new request for the same file is open. The
// passport office receives both reports with in_reply_to set to its own
// message id of the first request and sent_at set to the station's time.
func TestLateReportNamesOfficeRequest(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	const file = "CO1075120499971"
	code, first, body := post(t, w.url, "passport", freshRequest(t, "RPO-91", file))
	if code != http.StatusAccepted {
		t.Fatalf("first request: status %d, %s", code, body)
	}
	stationSent := time.Now().In(verification.IST).Add(-time.Minute).Truncate(time.Second)
	report := func(id string) []byte {
		return editJSON(t, reportFrom(t, "EKM0420", first.MessageID, file), func(m map[string]any) {
			m["message_id"] = id
			m["sent_at"] = stationSent.Format(time.RFC3339)
			m["reported_at"] = stationSent.Add(-time.Minute).Format(time.RFC3339)
		})
	}
	if code, _, body := post(t, w.url, "police", report("EKM0420-PVR-91")); code != http.StatusAccepted {
		t.Fatalf("report: status %d, %s", code, body)
	}
	code, second, body := post(t, w.url, "passport", freshRequest(t, "RPO-92", file))
	if code != http.StatusAccepted {
		t.Fatalf("second request: status %d, %s", code, body)
	}
	if code, _, body := post(t, w.url, "police", report("EKM0420-PVR-91-late")); code != http.StatusAccepted {
		t.Fatalf("late report on the first request: status %d, %s", code, body)
	}

	waitFor(t, "both reports at the passport office", func() bool { return len(w.passport.Received()) == 2 })
	for i, received := range w.passport.Received() {
		rep := document(t, received.Body)
		if rep["in_reply_to"] != "RPO-91" {
			t.Errorf("report %d: in_reply_to = %v, want the office's id of the first request, "+
				"RPO-91, not that of the open request, RPO-92 (hub ids %s and %s)",
				i+1, rep["in_reply_to"], first.MessageID, second.MessageID)
		}
		if want := stationSent.Format(time.RFC3339); rep["sent_at"] != want {
			t.Errorf("report %d: sent_at = %v, want the station's %s", i+1, rep["sent_at"], want)
		}
	}
	if s := w.status(t, file); s.RequestID != second.MessageID || s.ReportID != "" {
		t.Errorf("status of request %s with report %q, want of %s with none", s.RequestID,
			s.ReportID, second.MessageID)
	}
}
