package hub

import (
	"encoding/json"
	"net/http"
	"testing"

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
