package resilience

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
)

// deliveryReport is what the agencies and the journal hold after a run.
type deliveryReport struct {
	// Messages counts the acknowledged chargesheets.
	Messages int
	// Filings counts the court's distinct filings and FilingRepeats the
	// requests that repeated an Idempotency-Key it had.
	Filings, FilingRepeats int
	// Attempts counts the journaled attempts of the chargesheet
	// deliveries, and FailedAttempts those that did not deliver.
	Attempts, FailedAttempts int
	// CNRs counts the court's registrations.
	CNRs int
	// NotificationAttempts counts the journaled attempts of the
	// registrations' deliveries to the station, and
	// FailedNotificationAttempts those that did not deliver.
	NotificationAttempts, FailedNotificationAttempts int
	// Notifications counts the station's distinct notifications and
	// NotificationRepeats the repeated ones.
	Notifications, NotificationRepeats int
}

func (r deliveryReport) String() string {
	return fmt.Sprintf("%d chargesheets acknowledged; court: %d distinct filings, %d repeats, "+
		"%d journaled attempts (%d failed), %d CNRs; station: %d distinct notifications, "+
		"%d repeats, %d journaled attempts (%d failed)", r.Messages, r.Filings, r.FilingRepeats,
		r.Attempts, r.FailedAttempts, r.CNRs, r.Notifications, r.NotificationRepeats,
		r.NotificationAttempts, r.FailedNotificationAttempts)
}

// verifyExactlyOnce waits up to limit for the journal to settle every
// acknowledged chargesheet in ids (hub message id by sender message id)
// and the CNR notification that follows from it. It then checks that each
// chargesheet is delivered, as one distinct filing at the court, and
// that each CNR reached the station once.
func verifyExactlyOnce(
	t *testing.T,
	hubURL string,
	ag *agencies,
	ids map[string]string,
	limit time.Duration,
) deliveryReport {
	t.Helper()
	deadline := time.Now().Add(limit)
	report := deliveryReport{Messages: len(ids)}

	deliveryIDs := map[string]string{} // hub message id by delivery id
	for _, id := range sortedValues(ids) {
		j := waitSettled(t, hubURL, id, deadline)
		if j.Status != journal.StatusDelivered || len(j.Deliveries) != 1 {
			t.Errorf("chargesheet %s: journey %s with %d deliveries, want 1 delivered: %s",
				id, j.Status, len(j.Deliveries), describeDeliveries(j.Deliveries))
			continue
		}
		deliveryIDs[j.Deliveries[0].ID] = id
		for _, a := range j.Deliveries[0].Attempts {
			report.Attempts++
			if a.Result != journal.StatusDelivered {
				report.FailedAttempts++
				t.Logf("chargesheet %s: attempt %d failed: %s", id, a.Number, a.Error)
			}
		}
	}
	checkCourtFilings(t, ag, deliveryIDs, &report)

	for _, id := range sortedValues(ids) {
		registration := waitRegistrationDelivered(t, hubURL, id, deadline)
		if registration == "" {
			continue
		}
		j := waitSettled(t, hubURL, registration, deadline)
		for _, d := range j.Deliveries {
			for _, a := range d.Attempts {
				report.NotificationAttempts++
				if a.Result != journal.StatusDelivered {
					report.FailedNotificationAttempts++
				}
			}
		}
	}
	checkNotifications(t, ag, &report)
	return report
}

// checkCourtFilings checks that the court's distinct filings are exactly
// the deliveries in deliveryIDs.
func checkCourtFilings(
	t *testing.T,
	ag *agencies,
	deliveryIDs map[string]string,
	report *deliveryReport,
) {
	t.Helper()
	filed := map[string]bool{}
	for _, item := range ag.court.Received() {
		filed[item.Key] = true
		report.Filings++
		report.FilingRepeats += item.Repeats
		if _, ok := deliveryIDs[item.Key]; !ok {
			t.Errorf("court holds filing %s, which is no acknowledged chargesheet's delivery",
				item.Key)
		}
	}
	for delivery, message := range deliveryIDs {
		if !filed[delivery] {
			t.Errorf("chargesheet %s is journaled delivered, but the court has no filing %s",
				message, delivery)
		}
	}
	if report.Filings != report.Messages {
		t.Errorf("court has %d distinct filings, want one per acknowledged chargesheet: %d",
			report.Filings, report.Messages)
	}
}

// checkNotifications checks that every CNR the court assigned reached
// the station in exactly one distinct notification.
func checkNotifications(t *testing.T, ag *agencies, report *deliveryReport) {
	t.Helper()
	regs := ag.court.Registrations()
	report.CNRs = len(regs)
	if len(regs) != report.Filings {
		t.Errorf("court assigned %d CNRs for %d distinct filings", len(regs), report.Filings)
	}
	byCNR := map[string]int{}
	for _, item := range ag.station.Received() {
		var note struct {
			CNR string `json:"cnr"`
		}
		if err := json.Unmarshal(item.Body, &note); err != nil {
			t.Errorf("station notification %s: %v", item.Key, err)
		}
		byCNR[note.CNR]++
		report.Notifications++
		report.NotificationRepeats += item.Repeats
	}
	for _, reg := range regs {
		if n := byCNR[reg.CNR]; n != 1 {
			t.Errorf("CNR %s of filing %s is in %d distinct station notifications, want 1",
				reg.CNR, reg.FilingID, n)
		}
		delete(byCNR, reg.CNR)
	}
	for cnr, n := range byCNR {
		t.Errorf("station holds %d notifications of CNR %q, which the court never assigned", n, cnr)
	}
}

// waitSettled polls the journey of message id until none of its
// deliveries is pending or deadline passes.
func waitSettled(t *testing.T, hubURL, id string, deadline time.Time) journal.Journey {
	t.Helper()
	var j journal.Journey
	for {
		err := getJSON(hubURL+"/api/v1/messages/"+id, &j)
		if err == nil && j.Status != "in_progress" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s not settled in time (status %q, error %v): %s",
				id, j.Status, err, describeDeliveries(j.Deliveries))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRegistrationDelivered polls the journal until the court's
// registration of chargesheet id is journaled and delivered, and returns
// the registration's message id. It returns "" after reporting an error
// when the registration is dead or journaled twice.
func waitRegistrationDelivered(t *testing.T, hubURL, id string, deadline time.Time) string {
	t.Helper()
	var found api.FindResponse
	for {
		found.Messages = nil
		err := getJSON(hubURL+"/api/v1/messages?correlation_id="+url.QueryEscape(id), &found)
		if err == nil && len(found.Messages) == 1 && found.Messages[0].Status == "delivered" {
			return found.Messages[0].MessageID
		}
		if err == nil && len(found.Messages) > 1 {
			t.Errorf("chargesheet %s has %d registrations journaled, want 1", id, len(found.Messages))
			return ""
		}
		if err == nil && len(found.Messages) == 1 && found.Messages[0].Status == "dead" {
			t.Errorf("registration of chargesheet %s is dead-lettered", id)
			return ""
		}
		if time.Now().After(deadline) {
			t.Fatalf("registration of chargesheet %s not delivered in time "+
				"(%d journaled, error %v)", id, len(found.Messages), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// getJSON reads url into v. It returns an error unless the response
// status is 200.
func getJSON(url string, v any) error {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func describeDeliveries(ds []journal.Delivery) string {
	out := ""
	for _, d := range ds {
		out += fmt.Sprintf("[%s to %s: %s after %d attempts; reason %q] ",
			d.ID, d.Destination, d.Status, len(d.Attempts), d.Reason)
	}
	return out
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// checkLoad fails the test for responses the generator did not expect and
// logs its counts.
func checkLoad(t *testing.T, g *generator) (loadCounts, map[string]string) {
	t.Helper()
	counts, ids := g.results()
	for _, e := range counts.Errors {
		t.Errorf("unexpected response: %s", e)
	}
	if n := g.started(); len(ids) != n {
		t.Errorf("%d of %d messages were never acknowledged", n-len(ids), n)
	}
	t.Logf("load: %d messages; responses: %d accepted (202), %d duplicates (200), "+
		"%d without response (refused or reset), %d unavailable (503), %d unexpected",
		g.started(), counts.Accepted, counts.Duplicates, counts.NoResponse, counts.Unavailable,
		counts.Unexpected)
	return counts, ids
}
