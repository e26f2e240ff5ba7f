package delivery_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHandleObservesRecordedAttempts(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"}, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	var seen []journal.Attempt
	f.worker.Observe = func(d journal.Delivery, a journal.Attempt) {
		if d.Destination != "station" {
			t.Errorf("observed delivery to %q, want station", d.Destination)
		}
		seen = append(seen, a)
	}
	d := f.acceptFIR(t)

	f.mustHandle(t, d)
	f.later()
	f.mustHandle(t, d)
	// The delivery is settled, so this command records nothing.
	f.mustHandle(t, d)

	var results []string
	for _, a := range seen {
		results = append(results, a.Result)
	}
	want := []string{journal.StatusPending, journal.StatusDelivered}
	if !slices.Equal(results, want) {
		t.Fatalf("observed results %v, want %v", results, want)
	}
	if seen[0].StatusCode != http.StatusServiceUnavailable {
		t.Errorf("first attempt's status code = %d, want 503", seen[0].StatusCode)
	}
	if seen[1].Number != 2 {
		t.Errorf("second attempt's number = %d, want 2", seen[1].Number)
	}
	if seen[1].FinishedAt.Before(seen[1].StartedAt) {
		t.Errorf("second attempt finished at %v, before it started at %v",
			seen[1].FinishedAt, seen[1].StartedAt)
	}
}
