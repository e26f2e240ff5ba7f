package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
)

// withMessageID returns a police sample with its sender message id
// replaced, so one sample can be sent as several messages.
func withMessageID(t *testing.T, name, id string) []byte {
	t.Helper()
	return editJSON(t, sample(t, name), func(m map[string]any) { m["message_id"] = id })
}

// supplementary returns the final report doc as its case's nth
// supplementary report, which the hub takes after the original.
func supplementary(t *testing.T, doc []byte, n int) []byte {
	t.Helper()
	return editJSON(t, doc, func(m map[string]any) {
		m["report_type"], m["supplementary_number"] = "supplementary", n
	})
}

func TestSameCaseDeliveredInOrder(t *testing.T) {
	w := newWorld(t, Config{}, 8)
	w.agency.court.FailNext(3, http.StatusServiceUnavailable)
	_, first, _ := post(t, w.url, "police", withMessageID(t, "chargesheet-2023-ipc", "order-1"))
	_, second, _ := post(t, w.url, "police",
		supplementary(t, withMessageID(t, "chargesheet-2023-ipc", "order-2"), 1))

	j1 := settledJourney(t, w.url, first.MessageID)
	j2 := settledJourney(t, w.url, second.MessageID)
	if j1.Status != "delivered" || j2.Status != "delivered" {
		t.Fatalf("statuses %s and %s, want both delivered", j1.Status, j2.Status)
	}
	if n := len(j1.Deliveries[0].Attempts); n != 4 {
		t.Errorf("first delivery took %d attempts, want 4 (3 failures)", n)
	}
	received := w.agency.court.Received()
	if len(received) != 2 {
		t.Fatalf("court received %d filings, want 2", len(received))
	}
	if !bytes.Contains(received[0].Body, []byte(first.MessageID)) {
		t.Error("the court received the second chargesheet of the case before the first")
	}
}

func TestOtherCasesNotBlockedByRetries(t *testing.T) {
	w := newWorld(t, Config{RetryInterval: time.Second, MaxRetryInterval: time.Second}, 8)
	w.agency.court.FailNext(1, http.StatusServiceUnavailable)
	_, stuck, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	waitFor(t, "the first attempt to fail", func() bool {
		var j journal.Journey
		getJSON(t, w.url, "/api/v1/messages/"+stuck.MessageID, &j)
		return len(j.Deliveries) == 1 && len(j.Deliveries[0].Attempts) == 1
	})
	_, other, _ := post(t, w.url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	j := settledJourney(t, w.url, other.MessageID)
	if j.Status != "delivered" {
		t.Fatalf("other case status = %s", j.Status)
	}
	var first journal.Journey
	getJSON(t, w.url, "/api/v1/messages/"+stuck.MessageID, &first)
	if first.Status != "in_progress" {
		t.Errorf("the retried delivery is %s; the other case was expected to overtake it",
			first.Status)
	}
}

func TestBreakerOpensAndShowsInAPI(t *testing.T) {
	w := newWorld(t, Config{Breaker: delivery.BreakerConfig{Failures: 2, OpenFor: time.Hour}}, 8)
	w.agency.court.FailNext(100, http.StatusBadGateway)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	var breaker delivery.BreakerState
	waitFor(t, "the court's breaker to open", func() bool {
		var out struct {
			Destinations []api.DestinationStatus `json:"destinations"`
		}
		getJSON(t, w.url, "/api/v1/destinations", &out)
		for _, d := range out.Destinations {
			if d.Name == "ecourts-kerala" {
				breaker = d.Breaker
			}
		}
		return breaker.State == "open"
	})
	if breaker.OpenedAfter != 2 || !strings.HasPrefix(breaker.LastFailure, "HTTP 502") ||
		breaker.LastFailureAt.IsZero() {
		t.Errorf("open breaker = %+v, want opened after 2 failures, the last an HTTP 502 with its time",
			breaker)
	}
	time.Sleep(200 * time.Millisecond) // several requeue passes while open
	var j journal.Journey
	getJSON(t, w.url, "/api/v1/messages/"+res.MessageID, &j)
	if n := len(j.Deliveries[0].Attempts); n != 2 {
		t.Errorf("%d attempts while the breaker is open, want the 2 that opened it", n)
	}
	if j.Status != "in_progress" {
		t.Errorf("status = %s; an open breaker must park, not dead-letter", j.Status)
	}
}

func TestDeadLetterReplayedOnce(t *testing.T) {
	w := newWorld(t, Config{}, 8)
	w.agency.court.FailNext(1, http.StatusBadRequest)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "dead" {
		t.Fatalf("status = %s, want dead", j.Status)
	}
	dead := j.Deliveries[0].ID

	var list api.DeadLettersResponse
	getJSON(t, w.url, "/api/v1/deadletters?destination=ecourts-kerala", &list)
	if len(list.DeadLetters) != 1 || list.DeadLetters[0].ID != dead {
		t.Fatalf("dead letters = %+v, want %s", list.DeadLetters, dead)
	}

	first := replay(t, w.url, dead, `{"by":"test operator"}`, http.StatusCreated)
	again := replay(t, w.url, dead, ``, http.StatusOK)
	if !again.Existing || again.Delivery.ID != first.Delivery.ID {
		t.Errorf("second replay = %+v, want the first replay %s", again, first.Delivery.ID)
	}
	forced := replay(t, w.url, dead, `{"force":true}`, http.StatusCreated)
	if forced.Delivery.ID == first.Delivery.ID {
		t.Error("a forced replay reused the earlier replay")
	}
	j = settledJourney(t, w.url, res.MessageID)
	if len(j.Deliveries) != 3 {
		t.Fatalf("%d deliveries, want the dead one and two replays", len(j.Deliveries))
	}
	for _, d := range j.Deliveries[1:] {
		if d.Status != journal.StatusDelivered || d.ReplayOf != dead {
			t.Errorf("replay %s: status %s replay_of %q", d.ID, d.Status, d.ReplayOf)
		}
	}
	if j.Deliveries[1].ReplayedBy != "test operator" {
		t.Errorf("replayed_by = %q", j.Deliveries[1].ReplayedBy)
	}
	if j.Status != "delivered" {
		t.Errorf("message status after the replays were delivered = %q, want delivered", j.Status)
	}
	var found []journal.Summary
	getJSON(t, w.url, "/api/v1/messages?sender_message_id="+j.SenderMessageID, &struct {
		Messages *[]journal.Summary `json:"messages"`
	}{&found})
	if len(found) != 1 || found[0].Status != "delivered" {
		t.Errorf("message list = %+v, want one delivered message", found)
	}
	// The court rejected the first attempt, so it stores the replay under
	// the dead delivery's key, and the forced replay under a key of its
	// own.
	keys := map[string]int{}
	for _, item := range w.agency.court.Received() {
		keys[item.Key] += 1 + item.Repeats
	}
	if len(keys) != 2 || keys[dead] != 1 || keys[forced.Delivery.ID] != 1 {
		t.Errorf("court keys = %v, want %s for the replay and %s for the forced one",
			keys, dead, forced.Delivery.ID)
	}
	replay(t, w.url, first.Delivery.ID, ``, http.StatusConflict)
}

func replay(t *testing.T, hubURL, id, body string, wantStatus int) journal.Replayed {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/deliveries/"+id+"/replay", "application/json",
		strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("replay of %s: status %d, want %d", id, resp.StatusCode, wantStatus)
	}
	var out api.ReplayResponse
	if wantStatus >= 300 {
		return journal.Replayed{}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Replays) != 1 {
		t.Fatalf("replay response: %v %+v", err, out)
	}
	return out.Replays[0].Replayed
}

func TestPoisonDoesNotStallOthers(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	poison := editJSON(t, sample(t, "chargesheet-2023-ipc"), func(m map[string]any) {
		m["message_id"] = "poison-1"
		m["case_title"] = "POISON"
	})
	w.agency.court.RejectWhen(func(body []byte) bool {
		return bytes.Contains(body, []byte("POISON"))
	}, http.StatusUnprocessableEntity)
	_, bad, _ := post(t, w.url, "police", poison)

	var ids []string
	for i := range 100 {
		doc := withMessageID(t, "chargesheet-2025-bns-malayalam", fmt.Sprintf("healthy-%03d", i))
		doc = editJSON(t, doc, func(m map[string]any) {
			m["fir"].(map[string]any)["number"] = 2000 + i
		})
		_, res, body := post(t, w.url, "police", doc)
		if res.MessageID == "" {
			t.Fatalf("message %d not accepted: %s", i, body)
		}
		ids = append(ids, res.MessageID)
	}
	j := settledJourney(t, w.url, bad.MessageID)
	if j.Status != "dead" {
		t.Errorf("poison status = %s, want dead", j.Status)
	}
	for _, id := range ids {
		if j := settledJourney(t, w.url, id); j.Status != "delivered" {
			t.Fatalf("message %s status = %s", id, j.Status)
		}
	}
}

func TestRetriesOffDeadLettersAfterFirstFailure(t *testing.T) {
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	doc := strings.Replace(string(ag.routesFor(8)), "    max_attempts: 8\n",
		"    max_attempts: 8\n    retries: false\n", 1)
	h := startHub(t, Config{Routes: []byte(doc), DataDir: t.TempDir()})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	ag.court.FailNext(1, http.StatusServiceUnavailable)
	_, res, _ := post(t, url, "police", sample(t, "chargesheet-2023-ipc"))
	j := settledJourney(t, url, res.MessageID)
	if j.Status != "dead" {
		t.Fatalf("status = %s, want dead", j.Status)
	}
	d := j.Deliveries[0]
	if len(d.Attempts) != 1 {
		t.Errorf("%d attempts, want 1", len(d.Attempts))
	}
	if !strings.Contains(d.Reason, "automatic retries are off") {
		t.Errorf("reason = %q", d.Reason)
	}
}

func TestRetriesOffDeadLettersWaitingDeliveries(t *testing.T) {
	log, logs := capturedLog()
	w := newWorld(t, Config{
		RetryInterval: time.Hour, MaxRetryInterval: time.Hour,
		RoutesInterval: 20 * time.Millisecond, Log: log,
	}, 8)
	w.agency.court.FailNext(1, http.StatusServiceUnavailable)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	waitFor(t, "the first attempt to fail", func() bool {
		var j journal.Journey
		getJSON(t, w.url, "/api/v1/messages/"+res.MessageID, &j)
		return len(j.Deliveries) == 1 && len(j.Deliveries[0].Attempts) == 1
	})

	var current api.RoutesVersion
	getJSON(t, w.url, "/api/v1/routes", &current)
	doc := strings.Replace(current.Document, "    max_attempts: 8\n",
		"    max_attempts: 8\n    retries: false\n", 1)
	status := sendJSON(t, http.MethodPut, w.url+"/api/v1/routes", api.RoutesChange{
		Document: doc, Expect: current.Number, Comment: "the court's system is being replaced",
	}, nil)
	if status != http.StatusCreated {
		t.Fatalf("PUT /api/v1/routes: status %d", status)
	}

	// The retry was due in an hour; switching retries off dead-letters
	// the delivery now, without another request to the court.
	j := settledJourney(t, w.url, res.MessageID)
	d := j.Deliveries[0]
	if j.Status != "dead" || !strings.Contains(d.Reason, "not sent: automatic retries are off") {
		t.Fatalf("status %s, reason %q; want dead, not sent because retries are off", j.Status, d.Reason)
	}
	if last := d.Attempts[len(d.Attempts)-1]; !last.NotSent {
		t.Errorf("the attempt that dead-lettered the delivery has not_sent false, want true: %+v", last)
	}
	if n := len(w.agency.court.Received()); n != 0 {
		t.Errorf("the court received %d filings, want none", n)
	}
	// The reason keeps the failure that left the delivery waiting.
	if !strings.Contains(d.Reason, "; last attempt: HTTP 503") {
		t.Errorf("reason %q, want it to end with the last attempt's HTTP 503", d.Reason)
	}
	for _, part := range []string{"automatic retries are off", "HTTP 503"} {
		var letters struct {
			DeadLetters []journal.DeadLetter `json:"dead_letters"`
		}
		getJSON(t, w.url, "/api/v1/deadletters?reason="+url.QueryEscape(part), &letters)
		if len(letters.DeadLetters) != 1 || letters.DeadLetters[0].ID != d.ID {
			t.Errorf("dead letters with reason %q = %+v, want %s", part, letters.DeadLetters, d.ID)
		}
	}
	// Retries are off for a destination, so the line names no route.
	var line string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "retries are off: deliveries waiting for one are due now") {
			line = l
		}
	}
	if !strings.Contains(line, "destinations=[ecourts-kerala]") {
		t.Errorf("log line %q, want it to name the destination ecourts-kerala", line)
	}
	if strings.Contains(line, "routes=") {
		t.Errorf("log line %q, want no routes", line)
	}
}

func TestNULCharacterRejectedAsInvalid(t *testing.T) {
	w := newWorld(t, Config{}, 8)
	doc := editJSON(t, sample(t, "chargesheet-2023-ipc"), func(m map[string]any) {
		m["brief_facts"] = "facts\u0000hidden"
	})
	status, _, body := post(t, w.url, "police", doc)
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400: %s", status, body)
	}
	if !strings.Contains(string(body), "NUL") {
		t.Errorf("body %s does not name the NUL character", body)
	}
	if !strings.Contains(string(body), `"pointer":"/brief_facts"`) {
		t.Errorf("body %s does not name the field of the police document", body)
	}

	// The act's name is normalised away from the canonical form, but the
	// journal would keep the body as sent.
	doc = editJSON(t, sample(t, "chargesheet-2023-ipc"), func(m map[string]any) {
		m["sections"].([]any)[0].(map[string]any)["act"] = "I\u0000PC"
	})
	doc = bytes.ReplaceAll(doc, []byte(`I\\u0000PC`), []byte(`I\u0000PC`))
	if status, _, body := post(t, w.url, "police", doc); status != http.StatusBadRequest {
		t.Errorf("a NUL in the act's name: status %d, want 400: %s", status, body)
	}
}
