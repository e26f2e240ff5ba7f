package hub

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

// TestReportOnReplacedRequestRejected runs a hub whose routes send a
// rural station's request, and its escalation, to no destination, so a
// second request for the file replaces the first. Reports whose
// in_reply_to is the replaced request or its escalation get 400 at
// /in_reply_to naming the second request, and nothing is stored or
// delivered.
func TestReportOnReplacedRequestRejected(t *testing.T) {
	w := newVerificationWorld(t, Config{Routes: defaultRoutesWith(t, ruralRoutedNowhere...)})
	const file = "CO1075120587181"
	code, first, body := post(t, w.url, "passport", reissueRequest(t, "RPO-81", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	escalation := w.escalate(t)
	code, second, body := post(t, w.url, "passport", reissueRequest(t, "RPO-82", file))
	if code != http.StatusAccepted {
		t.Fatalf("replacing request: status %d, %s", code, body)
	}
	s := w.status(t, file)
	if s.Replaces != first.MessageID {
		t.Fatalf("status replaces %q, want %s", s.Replaces, first.MessageID)
	}

	for name, inReplyTo := range map[string]string{
		"replaced request": first.MessageID, "its escalation": escalation,
	} {
		report := editJSON(t, reportFrom(t, s.PoliceStation, inReplyTo, file), func(m map[string]any) {
			m["message_id"] = "PVR-" + inReplyTo
		})
		code, _, body := post(t, w.url, "police", report)
		message, ok := unknownReplyMessage(t, name, code, body)
		if ok && !strings.Contains(message, second.MessageID) {
			t.Errorf("%s: message %q does not name the replacing request %s", name, message,
				second.MessageID)
		}
	}

	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=police", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal has %d police messages, want none", len(found.Messages))
	}
	if s := w.status(t, file); s.RequestID != second.MessageID || s.ReportID != "" {
		t.Errorf("status of request %s with report %q, want of %s with none", s.RequestID,
			s.ReportID, second.MessageID)
	}
	if n := len(w.passport.Received()); n != 0 {
		t.Errorf("the passport office received %d reports, want none", n)
	}
}
