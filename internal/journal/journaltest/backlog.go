package journaltest

import (
	"context"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// backlog calls Backlog and fails t on an error.
func backlog(t *testing.T, h Harness) []journal.Backlog {
	t.Helper()
	b, err := h.Store.Backlog(context.Background())
	if err != nil {
		t.Fatalf("Backlog: %v", err)
	}
	return b
}

func testBacklog(t *testing.T, h Harness) {
	if got := backlog(t, h); len(got) != 0 {
		t.Errorf("Backlog of an empty journal = %+v, want none", got)
	}

	// Court: one delivery of each kind. Prison: one dead letter only.
	waiting := newEntry(t, h, "fir-backlog-waiting", "court")
	retrying := newEntry(t, h, "fir-backlog-retrying", "court")
	delivered := newEntry(t, h, "fir-backlog-delivered", "court")
	dead := newEntry(t, h, "fir-backlog-dead", "court", "prison")
	replayed := newEntry(t, h, "fir-backlog-replayed", "court")
	diedAgain := newEntry(t, h, "fir-backlog-died-again", "court")
	reached := newEntry(t, h, "fir-backlog-reached", "court")
	for _, e := range []journal.Entry{waiting, retrying, delivered, dead, replayed, diedAgain, reached} {
		accept(t, h, e)
	}
	id := func(e journal.Entry) string { return e.Deliveries[0].ID }

	recordAttempt(t, h, attemptAt(id(retrying), 0, time.Now(), journal.StatusPending))
	recordAttempt(t, h, attemptAt(id(delivered), 0, time.Now(), journal.StatusDelivered))
	kill(t, h, id(dead), "destination rejected the delivery: HTTP 422: bad CNR")
	kill(t, h, dead.Deliveries[1].ID, "destination is no longer configured")

	// A replay that waits counts as pending, and its dead original as
	// replayed.
	kill(t, h, id(replayed), "gave up after 5 attempts: HTTP 503")
	pendingReplay := replay(t, h, replayRequest(id(replayed))).Delivery.ID

	// A replay that died is a dead letter of its own.
	kill(t, h, id(diedAgain), "gave up after 5 attempts: HTTP 503")
	deadReplay := replay(t, h, replayRequest(id(diedAgain))).Delivery.ID
	kill(t, h, deadReplay, "gave up after 5 attempts: HTTP 503")

	// A forced replay that died after an earlier replay was delivered
	// is no dead letter: the message reached the destination.
	kill(t, h, id(reached), "gave up after 5 attempts: HTTP 503")
	deliveredReplay := replay(t, h, replayRequest(id(reached))).Delivery.ID
	recordAttempt(t, h, attemptAt(deliveredReplay, 0, time.Now(), journal.StatusDelivered))
	forced := replayRequest(id(reached))
	forced.Force = true
	kill(t, h, replay(t, h, forced).Delivery.ID, "gave up after 5 attempts: HTTP 503")

	oldest, _ := delivery(t, h, id(waiting))
	got := backlog(t, h)
	if len(got) != 2 {
		t.Fatalf("Backlog = %+v, want court and prison", got)
	}
	court, prison := got[0], got[1]
	if court.Destination != "court" || prison.Destination != "prison" {
		t.Fatalf("Backlog destinations = %q, %q; want court, prison in that order",
			court.Destination, prison.Destination)
	}
	if court.Pending != 3 {
		t.Errorf("court Pending = %d, want 3: %s, %s and the replay %s",
			court.Pending, id(waiting), id(retrying), pendingReplay)
	}
	if court.Retrying != 1 {
		t.Errorf("court Retrying = %d, want 1: %s", court.Retrying, id(retrying))
	}
	if !court.OldestPendingAt.Equal(oldest.CreatedAt) {
		t.Errorf("court OldestPendingAt = %v, want %v, the creation of %s",
			court.OldestPendingAt, oldest.CreatedAt, id(waiting))
	}
	if court.OldestPendingAt.Location() != time.UTC {
		t.Errorf("court OldestPendingAt is in %v, want UTC", court.OldestPendingAt.Location())
	}
	if court.DeadLetters != 2 {
		t.Errorf("court DeadLetters = %d, want 2: %s and the replay %s",
			court.DeadLetters, id(dead), deadReplay)
	}
	wantPrison := journal.Backlog{Destination: "prison", DeadLetters: 1}
	if prison != wantPrison {
		t.Errorf("prison backlog = %+v, want %+v", prison, wantPrison)
	}

	// Once they are settled, a destination with nothing waiting is not
	// listed.
	recordAttempt(t, h, attemptAt(id(waiting), 0, time.Now(), journal.StatusDelivered))
	recordAttempt(t, h, attemptAt(id(retrying), 0, time.Now(), journal.StatusDelivered))
	recordAttempt(t, h, attemptAt(pendingReplay, 0, time.Now(), journal.StatusDelivered))
	replay(t, h, replayRequest(id(dead)))
	replay(t, h, replayRequest(deadReplay))
	got = backlog(t, h)
	if len(got) != 2 {
		t.Fatalf("Backlog after the deliveries and replays = %+v, want court and prison", got)
	}
	wantCourt := journal.Backlog{Destination: "court", Pending: 2,
		OldestPendingAt: got[0].OldestPendingAt}
	if got[0] != wantCourt {
		t.Errorf("court backlog with two new replays = %+v, want %+v", got[0], wantCourt)
	}
	if !got[0].OldestPendingAt.After(oldest.CreatedAt) {
		t.Errorf("court OldestPendingAt = %v, want a replay's creation, after %v",
			got[0].OldestPendingAt, oldest.CreatedAt)
	}
}
