package hub

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/routes"
)

// defaultRoutesWith returns the default routes with each of edits
// applied: its first element replaced by its second, which the document
// must contain.
func defaultRoutesWith(t *testing.T, edits ...[2]string) []byte {
	t.Helper()
	s := string(routes.DefaultDocument())
	for _, e := range edits {
		if !strings.Contains(s, e[0]) {
			t.Fatalf("the default routes lack %s", e[0])
		}
		s = strings.Replace(s, e[0], e[1], 1)
	}
	return []byte(s)
}

// escalate advances the world's clock past the due date of the one
// request the world has, waits for the hub to journal its escalation and
// returns the escalation's hub id.
func (w *vworld) escalate(t *testing.T) string {
	t.Helper()
	w.clock.Advance(22 * day)
	var found api.FindResponse
	waitFor(t, "the escalation in the journal", func() bool {
		getJSON(t, w.url, "/api/v1/messages?source=hub", &found)
		return len(found.Messages) == 1
	})
	return found.Messages[0].MessageID
}

// TestEscalationRoutedNowhereIsUndelivered runs a hub on the default
// routes but with no route for the escalations of the Kochi City
// district police office. The status of an escalated request shows
// that no police unit received the escalation, and the hub logs a
// warning that names it.
func TestEscalationRoutedNowhereIsUndelivered(t *testing.T) {
	log, logs := capturedLog()
	w := newVerificationWorld(t, Config{Log: log, Routes: defaultRoutesWith(t, [2]string{
		`message.source == "hub" && message.verification_request.district_office == "KOCHI-CITY"`,
		`message.source == "hub" && message.verification_request.district_office == "NO-SUCH-OFFICE"`,
	})})
	const file = "CO1075120499941"
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-41", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	waitFor(t, "the request at station EKM0420", func() bool { return len(w.ekm0420.Verifications()) == 1 })
	escalation := w.escalate(t)

	s := w.status(t, file)
	if s.State != verification.StateEscalationUndelivered {
		t.Errorf("status = %s, want %s", s.State, verification.StateEscalationUndelivered)
	}
	if s.EscalationID != escalation {
		t.Errorf("escalation id = %q, want %s", s.EscalationID, escalation)
	}
	if len(s.Deliveries) != 1 || s.Deliveries[0].MessageID != res.MessageID {
		t.Errorf("deliveries = %+v, want only the request's to EKM0420", s.Deliveries)
	}
	if !slices.Equal(s.HeldBy, []string{"EKM0420"}) {
		t.Errorf("held by %v, want [EKM0420]", s.HeldBy)
	}
	// The tracker logs the warning after the escalation is journaled.
	waitFor(t, "the warning of the escalation routed nowhere", func() bool {
		return strings.Contains(logs.String(), "verification request escalated to no destination")
	})
	for _, want := range []string{
		`level=WARN msg="verification request escalated to no destination`,
		"escalation_id=" + escalation, "district_office=KOCHI-CITY",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q; its warnings:\n%s", want, warnings(logs.String()))
		}
	}
	// The warning for requests routed nowhere leaves out the request,
	// which reached EKM0420, and the escalation, which the tracker's
	// line reports.
	if strings.Contains(logs.String(), unroutedRequestWarning) {
		t.Errorf("log warns of a request sent to no destination; its warnings:\n%s",
			warnings(logs.String()))
	}
	if n := len(w.district.Escalations()); n != 0 {
		t.Errorf("the Kochi City office received %d escalations, want none", n)
	}

	// Station EKM0420 received the request, so a second request waits
	// for its report.
	code, _, body = post(t, w.url, "passport", freshRequest(t, "RPO-42", file))
	if code != http.StatusConflict {
		t.Fatalf("second request: status %d, want 409; %s", code, body)
	}
	for _, want := range []string{"Wait for its report", "escalation to no destination"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("409 body %s does not contain %q", body, want)
		}
	}
}

// TestDeadEscalationIsUndelivered runs a hub whose Kochi City district
// police office is down, so that the escalation's delivery to it is
// dead-lettered. The status shows that no police unit received the
// escalation and lists the dead letter. Once the office is up, a replay
// delivers the escalation and the status is escalated.
func TestDeadEscalationIsUndelivered(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	var office atomic.Pointer[vworld]
	gate := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(rw, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		office.Load().district.ServeHTTP(rw, r)
	}))
	t.Cleanup(gate.Close)
	log, logs := capturedLog()
	w := newVerificationWorld(t, Config{Log: log, Routes: defaultRoutesWith(t, [2]string{
		`url: "http://127.0.0.1:8405/escalations"`,
		`url: "` + gate.URL + `/escalations", max_attempts: 2`,
	})})
	office.Store(w)
	const file = "CO1075120499942"
	code, _, body := post(t, w.url, "passport", freshRequest(t, "RPO-42", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	escalation := w.escalate(t)

	var s verification.Status
	waitFor(t, "the dead escalation", func() bool {
		s = w.status(t, file)
		return len(s.Deliveries) == 2 && s.Deliveries[1].Status == journal.StatusDead
	})
	if s.State != verification.StateEscalationUndelivered {
		t.Errorf("status = %s, want %s", s.State, verification.StateEscalationUndelivered)
	}
	dead := s.Deliveries[1]
	if dead.PoliceUnit != "KOCHI-CITY" || dead.MessageID != escalation {
		t.Errorf("delivery = %+v, want the escalation's to KOCHI-CITY", dead)
	}
	if strings.Contains(logs.String(), "escalated to no destination") {
		t.Errorf("log warns of an escalation that the routes sent to a police unit:\n%s",
			warnings(logs.String()))
	}

	down.Store(false)
	replay(t, w.url, dead.DeliveryID, ``, http.StatusCreated)
	waitFor(t, "the replayed escalation at the district office", func() bool {
		return len(w.district.Escalations()) == 1
	})
	waitFor(t, "the escalated status", func() bool {
		return w.status(t, file).State == verification.StateEscalated
	})
	// The escalation names the station, which holds the request too.
	esc := document(t, w.district.Escalations()[0].Body)
	if held, _ := esc["held_by"].([]any); len(held) != 2 || held[0] != "EKM0420" ||
		held[1] != "KOCHI-CITY" {
		t.Errorf("escalation held by %v, want [EKM0420 KOCHI-CITY]", esc["held_by"])
	}
	if s := w.status(t, file); !slices.Equal(s.HeldBy, []string{"EKM0420", "KOCHI-CITY"}) {
		t.Errorf("status held by %v, want [EKM0420 KOCHI-CITY]", s.HeldBy)
	}
}

// warnings returns the lines of log at level WARN.
func warnings(log string) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "level=WARN") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestRequestRoutedNowhereIsUndelivered runs a hub on the default routes
// but with no route for the requests of station EKM0420. The status of
// such a request is undelivered, and a second request for the file
// replaces it, as does a third the second. The tracker escalates only
// the newest, whose escalation reaches the Kochi City office, and the
// status is escalated then.
func TestRequestRoutedNowhereIsUndelivered(t *testing.T) {
	w := newVerificationWorld(t, Config{Routes: defaultRoutesWith(t, [2]string{
		`message.verification_request.police_station == "EKM0420"`,
		`message.verification_request.police_station == "NO-SUCH-STATION"`,
	})})
	const file = "CO1075120499942"
	code, first, body := post(t, w.url, "passport", freshRequest(t, "RPO-42", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	if s := w.status(t, file); s.State != verification.StateUndelivered || len(s.Deliveries) != 0 {
		t.Errorf("status = %s with deliveries %+v, want %s with none", s.State, s.Deliveries,
			verification.StateUndelivered)
	}
	replaced := first.MessageID
	var newest api.InboundResponse
	for _, id := range []string{"RPO-43", "RPO-44"} {
		code, newest, body = post(t, w.url, "passport", freshRequest(t, id, file))
		if code != http.StatusAccepted {
			t.Fatalf("request %s for the undelivered file: status %d, want 202; %s", id, code, body)
		}
		s := w.status(t, file)
		if s.RequestID != newest.MessageID || s.Replaces != replaced || s.State != verification.StateUndelivered {
			t.Errorf("status of %s: request %s replacing %q, %s; want %s replacing %s, %s", id,
				s.RequestID, s.Replaces, s.State, newest.MessageID, replaced, verification.StateUndelivered)
		}
		replaced = newest.MessageID
	}

	escalation := w.escalate(t)
	waitFor(t, "the escalation at the Kochi City office", func() bool { return len(w.district.Escalations()) == 1 })
	waitFor(t, "the escalated status", func() bool {
		s := w.status(t, file)
		return s.State == verification.StateEscalated
	})
	var j journal.Journey
	getJSON(t, w.url, "/api/v1/messages/"+escalation, &j)
	if j.Message.CorrelationID != newest.MessageID {
		t.Errorf("escalation of %s, want of the newest request %s", j.Message.CorrelationID, newest.MessageID)
	}
	if n := len(w.ekm0420.Verifications()); n != 0 {
		t.Errorf("station EKM0420 received %d requests, want none", n)
	}
}

// TestDeadEscalationOfRequestRoutedNowhere runs a hub whose routes send
// a rural station's request to no destination, and its escalation to the
// Ernakulam Rural office at a port where nothing listens, with one
// attempt. The status is escalation_undelivered once the escalation's
// delivery is dead, and the 409 for a new request states that the
// escalation's delivery failed and names its dead letter.
func TestDeadEscalationOfRequestRoutedNowhere(t *testing.T) {
	nothing, _ := closedPort(t)
	w := newVerificationWorld(t, Config{Routes: defaultRoutesWith(t, ruralRoutedNowhere[1], [2]string{
		`url: "http://127.0.0.1:8408/escalations"`,
		fmt.Sprintf(`url: "http://%s/escalations", max_attempts: 1`, nothing),
	})})
	const file = "CO1075120587182"
	code, _, body := post(t, w.url, "passport", reissueRequest(t, "RPO-83", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	escalation := w.escalate(t)

	var s verification.Status
	waitFor(t, "the dead escalation", func() bool {
		s = w.status(t, file)
		return len(s.Deliveries) == 1 && s.Deliveries[0].Status == journal.StatusDead
	})
	if s.State != verification.StateEscalationUndelivered {
		t.Errorf("status = %s, want %s", s.State, verification.StateEscalationUndelivered)
	}
	if s.EscalationID != escalation {
		t.Errorf("escalation id = %q, want %s", s.EscalationID, escalation)
	}
	dead := s.Deliveries[0]
	if dead.PoliceUnit != "EKM-RURAL" || dead.MessageID != escalation {
		t.Errorf("delivery = %+v, want the escalation's to EKM-RURAL", dead)
	}

	message := openRequestConflict(t, w.url, reissueRequest(t, "RPO-84", file))
	for _, want := range []string{"the hub escalated it", "escalation's delivery failed",
		dead.DeliveryID, "replay"} {
		if !strings.Contains(message, want) {
			t.Errorf("409 message %q does not contain %q", message, want)
		}
	}
	if strings.Contains(message, "because its delivery failed") {
		t.Errorf("409 message %q calls the escalation's dead letter the request's", message)
	}
}
