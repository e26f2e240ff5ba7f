package journaltest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// attemptAt returns a finished attempt on delivery id that started at
// start and took 250 ms. A pending attempt is due again a minute after it
// finished.
func attemptAt(id string, number int, start time.Time, result string) journal.Attempt {
	a := journal.Attempt{
		DeliveryID: id,
		Number:     number,
		StartedAt:  start,
		FinishedAt: start.Add(250 * time.Millisecond),
		Result:     result,
	}
	if result == journal.StatusPending {
		a.NextAttemptAt = a.FinishedAt.Add(time.Minute)
	}
	return a
}

func recordAttempt(t *testing.T, h Harness, a journal.Attempt) {
	t.Helper()
	if err := h.Store.RecordAttempt(context.Background(), a); err != nil {
		t.Fatalf("RecordAttempt %d on %s: %v", a.Number, a.DeliveryID, err)
	}
}

func testAttemptsUntilDelivered(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-attempts", "court", "prison")
	accept(t, h, e)
	id := e.Deliveries[0].ID
	start := time.Date(2026, time.March, 15, 3, 30, 0, 500000000, time.UTC)

	first := attemptAt(id, 1, start, journal.StatusPending)
	first.Error, first.StatusCode = "HTTP 503: maintenance", 503
	second := attemptAt(id, 2, start.Add(time.Minute), journal.StatusPending)
	second.Error = "dial tcp 127.0.0.1:9: connection refused"
	third := attemptAt(id, 3, start.Add(3*time.Minute), journal.StatusDelivered)
	third.StatusCode = 201
	want := []journal.Attempt{first, second, third}

	for i, a := range want {
		recordAttempt(t, h, a)
		d, _ := delivery(t, h, id)
		if d.Status != a.Result {
			t.Errorf("after attempt %d status = %q, want %q", i+1, d.Status, a.Result)
		}
		if len(d.Attempts) != i+1 {
			t.Errorf("after attempt %d the delivery has %d attempts", i+1, len(d.Attempts))
		}
	}

	d, _ := delivery(t, h, id)
	if !slices.Equal(d.Attempts, want) {
		t.Errorf("attempts =\n%+v\nwant\n%+v", d.Attempts, want)
	}
	if d.Reason != "" {
		t.Errorf("delivered delivery Reason = %q, want empty", d.Reason)
	}
	if d.UpdatedAt.Before(d.CreatedAt) {
		t.Errorf("UpdatedAt %v is before CreatedAt %v", d.UpdatedAt, d.CreatedAt)
	}

	late := attemptAt(id, 4, start.Add(time.Hour), journal.StatusDelivered)
	if err := h.Store.RecordAttempt(context.Background(), late); !errors.Is(err, journal.ErrSettled) {
		t.Errorf("RecordAttempt after delivery: error = %v, want ErrSettled", err)
	}
	if d, _ := delivery(t, h, id); len(d.Attempts) != 3 {
		t.Errorf("a settled delivery has %d attempts after a late attempt, want 3", len(d.Attempts))
	}

	j := journey(t, h, e.Message.ID)
	if j.Status != "in_progress" {
		t.Errorf("Journey.Status with one delivery pending = %q, want in_progress", j.Status)
	}
	if !slices.Equal(j.Deliveries[0].Attempts, want) {
		t.Errorf("journey attempts =\n%+v\nwant\n%+v", j.Deliveries[0].Attempts, want)
	}
	recordAttempt(t, h, attemptAt(e.Deliveries[1].ID, 1, start, journal.StatusDelivered))
	if j := journey(t, h, e.Message.ID); j.Status != "delivered" {
		t.Errorf("Journey.Status with all delivered = %q, want delivered", j.Status)
	}
}

// testAttemptNotSent records an attempt that sent nothing and one that
// was sent, and reads both back with their NotSent mark.
func testAttemptNotSent(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-not-sent", "court")
	accept(t, h, e)
	id := e.Deliveries[0].ID
	start := time.Date(2026, time.March, 15, 3, 30, 0, 0, time.UTC)

	unsent := attemptAt(id, 1, start, journal.StatusPending)
	unsent.Error = `not sent: destination "court": bearer_token_file: no such file`
	unsent.NotSent = true
	sent := attemptAt(id, 2, start.Add(time.Minute), journal.StatusPending)
	sent.Error, sent.StatusCode = "HTTP 503: maintenance", 503
	recordAttempt(t, h, unsent)
	recordAttempt(t, h, sent)
	want := []journal.Attempt{unsent, sent}

	d, _ := delivery(t, h, id)
	if !slices.Equal(d.Attempts, want) {
		t.Errorf("Delivery attempts =\n%+v\nwant\n%+v", d.Attempts, want)
	}
	j := journey(t, h, e.Message.ID)
	if len(j.Deliveries) != 1 || !slices.Equal(j.Deliveries[0].Attempts, want) {
		t.Errorf("Journey deliveries =\n%+v\nwant one with attempts\n%+v", j.Deliveries, want)
	}
}

func testAttemptDeadWithReason(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-dead", "court", "prison")
	accept(t, h, e)
	start := time.Date(2026, time.March, 15, 4, 0, 0, 0, time.UTC)

	dead := attemptAt(e.Deliveries[0].ID, 1, start, journal.StatusDead)
	dead.StatusCode, dead.Error = 422, "destination rejected the delivery: HTTP 422: bad CNR"
	recordAttempt(t, h, dead)
	recordAttempt(t, h, attemptAt(e.Deliveries[1].ID, 1, start, journal.StatusDelivered))

	d, _ := delivery(t, h, dead.DeliveryID)
	if d.Status != journal.StatusDead {
		t.Errorf("Status = %q, want dead", d.Status)
	}
	if d.Reason != dead.Error {
		t.Errorf("Reason = %q, want the attempt's error %q", d.Reason, dead.Error)
	}

	again := attemptAt(dead.DeliveryID, 2, start.Add(time.Minute), journal.StatusPending)
	again.Error = "retry"
	if err := h.Store.RecordAttempt(context.Background(), again); !errors.Is(err, journal.ErrSettled) {
		t.Errorf("RecordAttempt after dead-lettering: error = %v, want ErrSettled", err)
	}

	j := journey(t, h, e.Message.ID)
	if j.Status != "dead" {
		t.Errorf("Journey.Status with one dead, one delivered = %q, want dead", j.Status)
	}
	if got := j.Deliveries[0]; got.Status != journal.StatusDead || len(got.Attempts) != 1 {
		t.Errorf("journey delivery: status %q with %d attempts, want dead with 1",
			got.Status, len(got.Attempts))
	}
}

func testAttemptNumbering(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-numbers", "court")
	accept(t, h, e)
	id := e.Deliveries[0].ID
	start := time.Date(2026, time.March, 15, 5, 0, 0, 0, time.UTC)

	unnumbered := attemptAt(id, 0, start, journal.StatusPending)
	unnumbered.Error = "timeout"
	recordAttempt(t, h, unnumbered)
	recordAttempt(t, h, unnumbered)

	skipped := attemptAt(id, 4, start, journal.StatusPending)
	skipped.Error = "timeout"
	err := h.Store.RecordAttempt(context.Background(), skipped)
	if !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("RecordAttempt number 4 after 2: error = %v, want ErrInvalid", err)
	}
	if errors.Is(err, journal.ErrAttemptTaken) {
		t.Errorf("RecordAttempt number 4 after 2: error = %v, want no ErrAttemptTaken", err)
	}
	repeated := attemptAt(id, 2, start, journal.StatusDelivered)
	err = h.Store.RecordAttempt(context.Background(), repeated)
	if !errors.Is(err, journal.ErrAttemptTaken) || !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("RecordAttempt number 2 again: error = %v, want ErrAttemptTaken, an ErrInvalid", err)
	}

	d, _ := delivery(t, h, id)
	var numbers []int
	for _, a := range d.Attempts {
		numbers = append(numbers, a.Number)
	}
	if !slices.Equal(numbers, []int{1, 2}) {
		t.Errorf("attempt numbers = %v, want [1 2]", numbers)
	}
	if d.Status != journal.StatusPending {
		t.Errorf("Status after rejected attempts = %q, want pending", d.Status)
	}
}

func testConcurrentAttempts(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-concurrent-attempts", "court")
	accept(t, h, e)
	id := e.Deliveries[0].ID
	start := time.Date(2026, time.March, 15, 6, 0, 0, 0, time.UTC)

	const workers = 10
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			a := attemptAt(id, 0, start.Add(time.Duration(i)*time.Second), journal.StatusPending)
			a.Error = "HTTP 502"
			errs[i] = h.Store.RecordAttempt(context.Background(), a)
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("RecordAttempt %d: %v", i, err)
		}
	}
	d, _ := delivery(t, h, id)
	for i, a := range d.Attempts {
		if a.Number != i+1 {
			t.Errorf("attempt %d has number %d, want %d", i, a.Number, i+1)
		}
	}
	if len(d.Attempts) != workers {
		t.Errorf("delivery has %d attempts, want %d", len(d.Attempts), workers)
	}
}

func testAttemptUnknownDelivery(t *testing.T, h Harness) {
	a := attemptAt("no-such-delivery", 1, time.Now(), journal.StatusDelivered)
	err := h.Store.RecordAttempt(context.Background(), a)
	if !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("RecordAttempt on an unknown delivery: error = %v, want ErrNotFound", err)
	}
}

func testAttemptInvalid(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-invalid-attempt", "court")
	accept(t, h, e)
	id := e.Deliveries[0].ID
	start := time.Now()

	noReason := attemptAt(id, 1, start, journal.StatusDead)
	badResult := attemptAt(id, 1, start, "retrying")
	backwards := attemptAt(id, 1, start, journal.StatusPending)
	backwards.FinishedAt = start.Add(-time.Second)

	for name, a := range map[string]journal.Attempt{
		"dead without error":      noReason,
		"unknown result":          badResult,
		"finished before started": backwards,
		"without a delivery id":   attemptAt("", 1, start, journal.StatusDelivered),
		"without a starting time": attemptAt(id, 1, time.Time{}, journal.StatusDelivered),
		"with a negative number":  attemptAt(id, -1, start, journal.StatusDelivered),
	} {
		err := h.Store.RecordAttempt(context.Background(), a)
		if !errors.Is(err, journal.ErrInvalid) {
			t.Errorf("RecordAttempt %s: error = %v, want ErrInvalid", name, err)
		}
	}
	if d, _ := delivery(t, h, id); d.Status != journal.StatusPending || len(d.Attempts) != 0 {
		t.Errorf("after invalid attempts: status %q with %d attempts, want pending with none",
			d.Status, len(d.Attempts))
	}
}
