package hub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
)

// ruralRoutedNowhere are the edits of the default routes that send the
// requests of the Ernakulam Rural stations without a destination of
// their own, and the escalations of that district office, to no
// destination.
var ruralRoutedNowhere = [][2]string{
	{`message.source == "hub" && message.verification_request.district_office == "EKM-RURAL"`,
		`message.source == "hub" && message.verification_request.district_office == "NO-SUCH-OFFICE"`},
	{`!(message.verification_request.police_station in ["EKM0412", "EKM0420"]) &&
      message.verification_request.district_office == "EKM-RURAL"`,
		`!(message.verification_request.police_station in ["EKM0412", "EKM0420"]) &&
      message.verification_request.district_office == "NO-SUCH-OFFICE"`},
}

// unroutedRequestWarning starts the warning for a passport office's
// request that the routes sent to no destination.
const unroutedRequestWarning = "verification request sent to no destination: no route matches it"

// TestRequestRoutedNowhereLogsWarning runs a hub whose routes send a
// rural station's request to no destination. The request is accepted,
// and the hub logs a warning that names it and gives the reason.
func TestRequestRoutedNowhereLogsWarning(t *testing.T) {
	log, logs := capturedLog()
	w := newVerificationWorld(t, Config{Log: log, Routes: defaultRoutesWith(t, ruralRoutedNowhere...)})
	const file = "CO1075120587171"
	code, res, body := post(t, w.url, "passport", reissueRequest(t, "RPO-71", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	for _, want := range []string{
		`level=WARN msg="` + unroutedRequestWarning, "message_id=" + res.MessageID,
		"sender_message_id=RPO-71", "police_station=EKR0501", "district_office=EKM-RURAL",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q; its warnings:\n%s", want, warnings(logs.String()))
		}
	}
}

// TestStrandedRequestReplacedAfterRoutesFixed runs a hub whose routes
// send a rural station's request, and its escalation, to no destination.
// Once the request is escalation_undelivered and the operator restores
// the routes, a new request for the file is accepted, replaces the
// stranded one and reaches the Ernakulam Rural district police office.
func TestStrandedRequestReplacedAfterRoutesFixed(t *testing.T) {
	w := newVerificationWorld(t, Config{Routes: defaultRoutesWith(t, ruralRoutedNowhere...)})
	const file = "CO1075120587161"
	code, first, body := post(t, w.url, "passport", reissueRequest(t, "RPO-61", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	if s := w.status(t, file); s.State != verification.StateUndelivered || len(s.Deliveries) != 0 {
		t.Errorf("status = %s with deliveries %+v, want %s with none", s.State, s.Deliveries,
			verification.StateUndelivered)
	}
	escalation := w.escalate(t)
	waitFor(t, "the escalation_undelivered status", func() bool {
		return w.status(t, file).State == verification.StateEscalationUndelivered
	})

	var current api.RoutesVersion
	getJSON(t, w.url, "/api/v1/routes", &current)
	restored := strings.ReplaceAll(current.Document, "NO-SUCH-OFFICE", "EKM-RURAL")
	var saved api.RoutesChangeResult
	if status := sendJSON(t, http.MethodPut, w.url+"/api/v1/routes", api.RoutesChange{
		Document: restored, Expect: current.Number, By: "test"}, &saved); status != http.StatusCreated {
		t.Fatalf("restoring the routes: status %d, %+v", status, saved)
	}
	waitFor(t, "the restored routes in force", func() bool {
		return saved.Saved != nil && w.hub.Routes().Version() == fmt.Sprintf("v%d", saved.Saved.Number)
	})

	// The test clock is past the first request's due date, so the new one
	// is due after the test clock, where the tracker leaves it alone.
	dueLater := editJSON(t, reissueRequest(t, "RPO-62", file), func(m map[string]any) {
		m["due_on"] = w.clock.Now().Add(10 * day).In(verification.IST).Format(time.DateOnly)
	})
	// An explanation of the new request shows it routed, as a post
	// journals it.
	var explained json.RawMessage
	status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain", api.ExplainRequest{
		Agency: "passport", Body: string(dueLater), ContentType: "application/json"}, &explained)
	if status != http.StatusOK {
		t.Errorf("explaining the new request: status %d, want 200; %s", status, explained)
	}
	code, second, body := post(t, w.url, "passport", dueLater)
	if code != http.StatusAccepted {
		t.Fatalf("request after the routes were restored: status %d, want 202; %s", code, body)
	}
	s := w.status(t, file)
	if s.RequestID != second.MessageID || s.Replaces != first.MessageID {
		t.Errorf("status of request %s replacing %q, want of %s replacing %s",
			s.RequestID, s.Replaces, second.MessageID, first.MessageID)
	}
	if s.EscalationID != "" {
		t.Errorf("status names escalation %s of the replaced request", s.EscalationID)
	}
	waitFor(t, "the new request at the Ernakulam Rural office", func() bool {
		return len(w.rural.Escalations()) == 1
	})
	waitFor(t, "the pending status", func() bool {
		return w.status(t, file).State == verification.StatePending
	})
	if got := document(t, w.rural.Escalations()[0].Body)["hub_message_id"]; got != second.MessageID {
		t.Errorf("the office received %v, want the new request %s", got, second.MessageID)
	}

	// The new request holds the file now.
	code, _, body = post(t, w.url, "passport", reissueRequest(t, "RPO-63", file))
	if code != http.StatusConflict || !strings.Contains(string(body), "RPO-62") {
		t.Errorf("third request: status %d, want 409 naming RPO-62; %s", code, body)
	}
	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=hub", &found)
	if len(found.Messages) != 1 || found.Messages[0].MessageID != escalation {
		t.Errorf("hub messages %+v, want only the escalation %s", found.Messages, escalation)
	}
}

// TestEscalatedRequestConflictNamesEscalation posts a second request
// for a file whose request the hub escalated to the Kochi City office.
// The 409 message states that the hub escalated it.
func TestEscalatedRequestConflictNamesEscalation(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	const file = "CO1075120499951"
	code, _, body := post(t, w.url, "passport", freshRequest(t, "RPO-51", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	w.escalate(t)
	waitFor(t, "the escalation at the Kochi City office", func() bool { return len(w.district.Escalations()) == 1 })

	message := openRequestConflict(t, w.url, freshRequest(t, "RPO-52", file))
	for _, want := range []string{"Wait for its report", "the hub escalated it"} {
		if !strings.Contains(message, want) {
			t.Errorf("409 message %q does not contain %q", message, want)
		}
	}
	if strings.Contains(message, "no destination") {
		t.Errorf("409 message %q says the escalation went nowhere", message)
	}
}

// openRequestConflict posts request, a second request for a file with an
// open one, and returns the message of the 409's one violation, which
// must have rule open-request.
func openRequestConflict(t *testing.T, hubURL string, request []byte) string {
	t.Helper()
	code, _, body := post(t, hubURL, "passport", request)
	if code != http.StatusConflict {
		t.Fatalf("second request: status %d, want 409; %s", code, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 || p.Errors[0].Rule != verification.RuleOpenRequest {
		t.Fatalf("errors = %+v, want one of rule %s", p.Errors, verification.RuleOpenRequest)
	}
	return p.Errors[0].Message
}
