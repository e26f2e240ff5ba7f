package delivery_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHandleSettledNotSent(t *testing.T) {
	dest := newDestination(t, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)
	f.later()

	f.mustHandle(t, d)

	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests, want 1: a delivered delivery was sent again", n)
	}
	if got := f.reload(t, d); len(got.Attempts) != 1 {
		t.Errorf("delivered delivery has %d attempts, want 1", len(got.Attempts))
	}
}

func TestHandleDeadNotSent(t *testing.T) {
	dest := newDestination(t, reply{http.StatusUnprocessableEntity, "bad"}, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)
	f.later()

	f.mustHandle(t, d)

	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests, want 1: a dead delivery was sent again", n)
	}
	if got := f.reload(t, d); got.Status != journal.StatusDead || len(got.Attempts) != 1 {
		t.Errorf("delivery: %q with %d attempts, want dead with 1", got.Status, len(got.Attempts))
	}
}

func TestHandleNotDueNotSent(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"}, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)
	due := f.reload(t, d).NextAttemptAt

	// A command that arrives before the retry wait is over changes
	// nothing but the queued mark.
	f.mustHandle(t, d)

	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests before the delivery was due, want 1", n)
	}
	got := f.reload(t, d)
	if len(got.Attempts) != 1 || !got.NextAttemptAt.Equal(due) {
		t.Errorf("delivery: %d attempts, due %v; want 1 attempt, due %v still",
			len(got.Attempts), got.NextAttemptAt, due)
	}

	f.later()
	f.mustHandle(t, d)
	if got := f.reload(t, d); got.Status != journal.StatusDelivered {
		t.Errorf("status once due = %q, want delivered", got.Status)
	}
}

func TestHandleKeepsCaseOrder(t *testing.T) {
	dest := newDestination(t, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	// Both FIRs have the same case key, so the second waits for the first.
	first, second := f.acceptFIR(t), f.acceptFIR(t)

	f.mustHandle(t, second)
	if n := len(dest.received()); n != 0 {
		t.Fatalf("destination received %d requests, want none while the first is pending", n)
	}
	if got := f.reload(t, second); got.Status != journal.StatusPending || len(got.Attempts) != 0 {
		t.Errorf("second delivery: %q with %d attempts, want pending with none",
			got.Status, len(got.Attempts))
	}

	f.mustHandle(t, first)
	f.mustHandle(t, second)
	reqs := dest.received()
	if len(reqs) != 2 {
		t.Fatalf("destination received %d requests, want 2", len(reqs))
	}
	for i, want := range []string{first.ID, second.ID} {
		if key := reqs[i].header.Get("Idempotency-Key"); key != want {
			t.Errorf("request %d Idempotency-Key = %q, want %q", i+1, key, want)
		}
	}
}

func TestHandleShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The hub stops while the request is in flight.
	dest := newHangingServer(t, cancel)
	f := newFixture(t, target{agency: "police", url: dest.URL})
	d := f.acceptFIR(t)

	err := f.handle(ctx, d)
	if err == nil {
		t.Fatalf("Handle cut off by shutdown returned nil, want an error so the bus redelivers")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Handle: error = %v, want one wrapping context.Canceled", err)
	}
	got := f.reload(t, d)
	if got.Status != journal.StatusPending || len(got.Attempts) != 0 {
		t.Errorf("delivery: %q with %d attempts, want pending with none recorded",
			got.Status, len(got.Attempts))
	}
}

func TestHandleUnusableCommand(t *testing.T) {
	dest := newDestination(t)
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)

	for name, payload := range map[string]string{
		"not JSON":            "not json",
		"without delivery_id": `{"message_id":"` + d.MessageID + `"}`,
		"unknown delivery":    `{"delivery_id":"no-such-delivery"}`,
	} {
		if err := f.worker.Handle(message.NewMessage("cmd-1", []byte(payload))); err != nil {
			t.Errorf("Handle of a command %s: error = %v, want nil so the bus drops it", name, err)
		}
	}
	if n := len(dest.received()); n != 0 {
		t.Errorf("destination received %d requests, want none", n)
	}
	if got := f.reload(t, d); got.Status != journal.StatusPending || len(got.Attempts) != 0 {
		t.Errorf("delivery: %q with %d attempts, want untouched", got.Status, len(got.Attempts))
	}
}

// TestTrialAttemptsDoNotDeadLetter fails every attempt of a delivery
// whose destination's breaker opens after one failure. The attempts
// that the half-open breaker lets through do not use up max_attempts,
// and the delivery is delivered once the destination is back.
func TestTrialAttemptsDoNotDeadLetter(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"},
		reply{http.StatusServiceUnavailable, "down"}, reply{http.StatusServiceUnavailable, "down"},
		reply{http.StatusOK, "ok"})
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 2})
	const openFor = 10 * time.Millisecond
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.DiscardHandler))
	d := f.acceptFIR(t)

	for attempt := 1; attempt <= 4; attempt++ {
		if attempt > 1 {
			// Past the breaker's open time, so it lets one attempt through.
			time.Sleep(2 * openFor)
		}
		f.later()
		f.mustHandle(t, d)
		got := f.reload(t, d)
		if len(got.Attempts) != attempt {
			t.Fatalf("after handling %d: %d attempts, want %d", attempt, len(got.Attempts), attempt)
		}
		want := journal.StatusPending
		if attempt == 4 {
			want = journal.StatusDelivered
		}
		if got.Status != want {
			t.Fatalf("after attempt %d (max_attempts 2): status %s (%s), want %s",
				attempt, got.Status, got.Reason, want)
		}
	}
}

// failingRecords is a journal store whose RecordAttempt fails while
// failing is set, as a store on a full disk does.
type failingRecords struct {
	journal.Store
	failing atomic.Bool
}

func (s *failingRecords) RecordAttempt(ctx context.Context, a journal.Attempt) error {
	if s.failing.Load() {
		return errors.New("database or disk is full")
	}
	return s.Store.RecordAttempt(ctx, a)
}

// TestUnrecordedAttemptNotSentAgain has the journal fail to record a
// delivered attempt. The command's redeliveries record it once the
// journal works again, without sending the delivery a second time.
func TestUnrecordedAttemptNotSentAgain(t *testing.T) {
	dest := newDestination(t, reply{http.StatusOK, "ok"})
	f := newFixture(t, target{agency: "police", url: dest.url})
	store := &failingRecords{Store: f.store}
	store.failing.Store(true)
	f.worker.Store = store
	d := f.acceptFIR(t)

	for range 3 {
		if err := f.handle(context.Background(), d); err == nil {
			t.Fatal("Handle with the journal failing returned nil, want the error for a redelivery")
		}
	}
	store.failing.Store(false)
	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusDelivered || len(got.Attempts) != 1 {
		t.Errorf("status %s with %d attempts, want delivered after one", got.Status, len(got.Attempts))
	}
	if n := len(dest.received()); n != 1 {
		t.Errorf("destination received %d requests, want 1: redeliveries sent it again", n)
	}
}

// TestRefusedDeliveryDueWhenBreakerProbes opens a destination's breaker
// with a failed delivery, and the open breaker refuses a second one a
// while later. The second is due when the breaker lets a probe through,
// not a whole open time after the refusal.
func TestRefusedDeliveryDueWhenBreakerProbes(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"})
	f := newFixture(t, target{agency: "police", url: dest.url})
	const openFor = time.Hour
	f.worker.Breakers = delivery.NewBreakers(delivery.BreakerConfig{Failures: 1, OpenFor: openFor},
		slog.New(slog.DiscardHandler))
	// Two cases, so that the second does not wait behind the first.
	first, second := f.acceptFIRNumbered(t, 9001), f.acceptFIRNumbered(t, 9002)
	f.mustHandle(t, first)

	const waited = 200 * time.Millisecond
	time.Sleep(waited)
	f.mustHandle(t, second)
	got := f.reload(t, second)
	if len(got.Attempts) != 0 {
		t.Fatalf("refused delivery has %d attempts, want none", len(got.Attempts))
	}
	if latest := f.clock.Add(openFor - waited); got.NextAttemptAt.After(latest) {
		t.Errorf("NextAttemptAt = %v, want at most %v, when the breaker probes", got.NextAttemptAt, latest)
	}
}
