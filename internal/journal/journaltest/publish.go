package journaltest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// commandsSeen records, on each call of an outgoing function, the
// commands that a reader outside the transaction finds on topicRequeue.
type commandsSeen struct {
	t    *testing.T
	h    Harness
	seen [][]string
	// missingFor names the delivery whose command goes to topicMissing,
	// which fails the publish.
	missingFor string
}

func (c *commandsSeen) outgoing(d journal.Delivery) journal.Outgoing {
	c.seen = append(c.seen, queuedIDs(c.t, c.h))
	o := commandsOn(topicRequeue)(d)
	if d.ID == c.missingFor {
		o.Topic = topicMissing
	}
	return o
}

// checkNothingSeen fails t unless every call found no command, because the
// commands published before it were not committed yet.
func (c *commandsSeen) checkNothingSeen(calls int) {
	c.t.Helper()
	if len(c.seen) != calls {
		c.t.Errorf("outgoing was called %d times, want %d", len(c.seen), calls)
	}
	for i, ids := range c.seen {
		if len(ids) != 0 {
			c.t.Errorf("outgoing call %d found uncommitted commands %v", i, ids)
		}
	}
}

func testRequeuePublishesOnCommit(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-commit", "court", "prison")
	r := accept(t, h, e)
	first, second := e.Deliveries[0].ID, e.Deliveries[1].ID
	due := r.ReceivedAt.Add(time.Minute)
	wait(t, h, first, due)
	wait(t, h, second, due)

	failing := &commandsSeen{t: t, h: h, missingFor: second}
	_, err := h.Store.Requeue(context.Background(), due, r.ReceivedAt, 10, failing.outgoing)
	if err == nil {
		t.Fatalf("Requeue with a command on a missing topic succeeded, want an error")
	}
	failing.checkNothingSeen(2)
	for _, id := range []string{first, second} {
		if d, _ := delivery(t, h, id); !d.QueuedAt.IsZero() {
			t.Errorf("QueuedAt of %s after a failed Requeue = %v, want zero", id, d.QueuedAt)
		}
	}
	if got := queuedIDs(t, h); len(got) != 0 {
		t.Errorf("commands after a failed Requeue = %v, want none", got)
	}
	announced := h.Announced.Calls()

	ok := &commandsSeen{t: t, h: h}
	if n, err := h.Store.Requeue(context.Background(), due, r.ReceivedAt, 10, ok.outgoing); n != 2 || err != nil {
		t.Fatalf("Requeue = %d, %v, want 2, nil", n, err)
	}
	ok.checkNothingSeen(2)
	if got := queuedIDs(t, h); !slices.Equal(got, []string{first, second}) {
		t.Errorf("commands after Requeue = %v, want [%s %s]", got, first, second)
	}
	checkAnnounced(t, h, append(announced, []string{topicRequeue}))
}

func testReplayPublishesOnCommit(t *testing.T, h Harness) {
	ctx := context.Background()
	e := newEntry(t, h, "fir-replay-commit", "court")
	accept(t, h, e)
	dead := e.Deliveries[0].ID
	kill(t, h, dead, "HTTP 422")
	r := replayRequest(dead)

	var visible []error
	failing := &commandsSeen{t: t, h: h, missingFor: r.NewID}
	outgoing := func(d journal.Delivery) journal.Outgoing {
		_, _, err := h.Store.Delivery(ctx, d.ID)
		visible = append(visible, err)
		return failing.outgoing(d)
	}
	if _, err := h.Store.Replay(ctx, r, outgoing); err == nil {
		t.Fatalf("Replay with a command on a missing topic succeeded, want an error")
	}
	failing.checkNothingSeen(1)
	if len(visible) != 1 || !errors.Is(visible[0], journal.ErrNotFound) {
		t.Errorf("Delivery of the replay during Replay: errors %v, want ErrNotFound", visible)
	}
	if _, _, err := h.Store.Delivery(ctx, r.NewID); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Delivery of a replay that failed to publish: error = %v, want ErrNotFound", err)
	}
	letters := deadLetters(t, h, journal.DeadLetterFilter{})
	if len(letters) != 1 || len(letters[0].Replays) != 0 {
		t.Errorf("DeadLetters after a failed Replay = %+v, want one letter without replays", letters)
	}
	announced := h.Announced.Calls()

	out := replay(t, h, r)
	if out.Existing || out.Delivery.ID != r.NewID {
		t.Errorf("Replay after a failed one = %s, Existing %v, want new %s",
			out.Delivery.ID, out.Existing, r.NewID)
	}
	if got := queuedIDs(t, h); !slices.Equal(got, []string{r.NewID}) {
		t.Errorf("commands after Replay = %v, want [%s]", got, r.NewID)
	}
	checkAnnounced(t, h, append(announced, []string{topicRequeue}))
}
