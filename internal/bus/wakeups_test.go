package bus

import (
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// TestWakeupKeptUntilWait wakes a topic before its subscription waits:
// the wait then ends at once instead of after the poll interval.
func TestWakeupKeptUntilWait(t *testing.T) {
	var w Wakeups
	wake, unwatch := w.watch("courts")
	defer unwatch()
	b := wakingBackoff{backoff: newBackoff(time.Hour, time.Second), wake: wake}

	w.Wake([]string{"courts", "courts"})
	done := make(chan time.Duration, 1)
	go func() { done <- b.HandleError(watermill.NopLogger{}, true, nil) }()
	select {
	case d := <-done:
		if d != 0 {
			t.Errorf("HandleError after a wake-up = %s, want 0", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("wait did not end after a wake-up sent before it")
	}

	// Two wake-ups before the wait count as one.
	select {
	case <-wake:
		t.Error("a second signal was kept")
	default:
	}
}

// TestWakeAndUnwatch checks that Wake reaches each named topic and that an
// unwatched subscription gets nothing.
func TestWakeAndUnwatch(t *testing.T) {
	var w Wakeups
	courts, unwatchCourts := w.watch("courts")
	prisons, unwatchPrisons := w.watch("prisons")
	defer unwatchPrisons()
	unwatchCourts()

	w.Wake([]string{"courts", "prisons"})
	select {
	case <-prisons:
	default:
		t.Error("Wake did not signal prisons")
	}
	select {
	case <-courts:
		t.Error("an unwatched subscription was signaled")
	default:
	}
	if len(w.waiting) != 1 {
		t.Errorf("%d topics watched, want 1", len(w.waiting))
	}
}

// TestNilWakeups checks that a nil *Wakeups is safe and watches nothing.
func TestNilWakeups(t *testing.T) {
	var w *Wakeups
	w.Wake([]string{"courts"})
	if wake, unwatch := w.watch("courts"); wake != nil {
		t.Error("nil Wakeups returned a channel")
	} else {
		unwatch()
	}
}

// TestWaitEnds checks that a closing subscriber and the end of the
// subscription's context each end the wait, and that the subscriber then
// waits the poll interval, so that its loop reaches the end before another
// query, also when a wake-up is pending.
func TestWaitEnds(t *testing.T) {
	for _, cause := range []string{"closing", "ended"} {
		end := make(chan struct{})
		wake := make(chan struct{}, 1)
		wake <- struct{}{}
		b := wakingBackoff{backoff: newBackoff(time.Hour, time.Second), wake: wake}
		if cause == "closing" {
			b.closing = end
		} else {
			b.ended = end
		}
		close(end)
		if d := b.HandleError(watermill.NopLogger{}, true, nil); d != time.Hour {
			t.Errorf("HandleError when %s = %s, want the poll interval, 1h", cause, d)
		}
	}
}

// TestJitteredSpreadsWaits draws many waits: each lies within a quarter
// of the poll interval around it, and the draws spread over that range.
func TestJitteredSpreadsWaits(t *testing.T) {
	const poll = time.Second
	low, high := poll, poll
	for range 1000 {
		d := jittered(poll)
		if d < poll*3/4 || d > poll*5/4 {
			t.Fatalf("jittered(%s) = %s, want from %s to %s", poll, d, poll*3/4, poll*5/4)
		}
		low, high = min(low, d), max(high, d)
	}
	if low > poll*4/5 {
		t.Errorf("the shortest of 1000 waits is %s, want one below %s", low, poll*4/5)
	}
	if high < poll*6/5 {
		t.Errorf("the longest of 1000 waits is %s, want one above %s", high, poll*6/5)
	}
}
