package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/internal/journal"
)

// TestReplaySettledWhileRead settles an earlier replay between the moment
// Replay reads it and the end of Replay, as a delivery worker of another
// replica may. The replay that Replay returns must show its status and
// its attempts as of one moment.
func TestReplaySettledWhileRead(t *testing.T) {
	store := openFreshStore(t)
	ctx := context.Background()
	const topic = "replay_settled_test"
	initializeTopic(t, store.pool, topic)

	e := newEntry("m-replay-settled", "case-replay-settled", time.Now(), topic)
	if _, err := store.Accept(ctx, e); err != nil {
		t.Fatalf("Accept: %v", err)
	}
	dead := e.Deliveries[0].ID
	died := time.Now()
	err := store.RecordAttempt(ctx, journal.Attempt{DeliveryID: dead, StartedAt: died,
		FinishedAt: died, Result: journal.StatusDead, Error: "HTTP 422"})
	if err != nil {
		t.Fatalf("RecordAttempt dead: %v", err)
	}

	outgoing := func(d journal.Delivery) journal.Outgoing {
		return journal.Outgoing{Topic: topic, Message: message.NewMessage(uuid.NewString(), nil)}
	}
	request := func() journal.ReplayRequest {
		return journal.ReplayRequest{DeliveryID: dead, NewID: uuid.NewString(), By: "operator-7"}
	}
	first, err := store.Replay(ctx, request(), outgoing)
	if err != nil {
		t.Fatalf("first Replay: %v", err)
	}

	settled := false
	afterReplayRead = func(replayID string) {
		if settled {
			return
		}
		settled = true
		at := time.Now()
		err := store.RecordAttempt(ctx, journal.Attempt{DeliveryID: replayID, StartedAt: at,
			FinishedAt: at, Result: journal.StatusDelivered, StatusCode: 200})
		if err != nil {
			t.Errorf("RecordAttempt delivered on %s: %v", replayID, err)
		}
	}
	t.Cleanup(func() { afterReplayRead = nil })

	second, err := store.Replay(ctx, request(), outgoing)
	if err != nil {
		t.Fatalf("second Replay: %v", err)
	}
	if !settled {
		t.Fatal("the second Replay read no earlier replay")
	}
	d := second.Delivery
	if !second.Existing || d.ID != first.Delivery.ID {
		t.Fatalf("second Replay = %s, existing %v, want the earlier replay %s",
			d.ID, second.Existing, first.Delivery.ID)
	}
	if d.Status != journal.StatusPending {
		t.Errorf("replay status = %q, want %q as read before the settle", d.Status,
			journal.StatusPending)
	}
	if len(d.Attempts) != 0 {
		t.Errorf("replay attempts = %+v, want none, as read with the pending status",
			d.Attempts)
	}
}
