package journaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/internal/journal"
)

// topicRequeue is the topic of the commands that Requeue and Replay
// publish in these tests, so they are counted apart from Accept's.
const topicRequeue = "journaltest_requeue"

// RunScheduler runs the conformance test of journal.Scheduler against the
// stores that open returns, one fresh store per subtest. It covers when
// deliveries are due and queued, case order, stale commands, concurrent
// requeues, dead letters and replays. It also checks that commands are
// published only with the transaction that marks them.
func RunScheduler(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"AcceptMarksDueAndQueued", testAcceptMarksDueAndQueued},
		{"PendingAttemptWaitsUntilDue", testPendingAttemptWaitsUntilDue},
		{"PendingAttemptWithoutNextAttempt", testPendingAttemptWithoutNextAttempt},
		{"RequeueKeepsCaseOrder", testRequeueKeepsCaseOrder},
		{"RequeueStaleCommands", testRequeueStaleCommands},
		{"ConcurrentRequeue", testConcurrentRequeue},
		{"RequeueInvalid", testRequeueInvalid},
		{"Defer", testDefer},
		{"Expedite", testExpedite},
		{"Wake", testWake},
		{"StatusFollowsReplays", testStatusFollowsReplays},
		{"DeadLetterFilters", testDeadLetterFilters},
		{"DeadLetterPages", testDeadLetterPages},
		{"Replay", testReplay},
		{"ReplayNotDead", testReplayNotDead},
		{"ConcurrentReplays", testConcurrentReplays},
		{"DeadLettersOnePerMessage", testDeadLettersOnePerMessage},
		{"ForcedReplaysOfOneRun", testForcedReplaysOfOneRun},
		{"RequeuePublishesOnCommit", testRequeuePublishesOnCommit},
		{"ReplayPublishesOnCommit", testReplayPublishesOnCommit},
		{"Backlog", testBacklog},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := open(t, "")
			h.InitializeTopic(t, topicRequeue)
			tc.run(t, h)
		})
	}
}

// commandsOn returns an outgoing function that publishes on topic one
// command per delivery, with a fresh UUID and the delivery's id in the
// metadata key delivery_id.
func commandsOn(topic string) func(journal.Delivery) journal.Outgoing {
	return func(d journal.Delivery) journal.Outgoing {
		payload := fmt.Sprintf(`{"delivery_id":%q,"message_id":%q}`, d.ID, d.MessageID)
		msg := message.NewMessage(uuid.NewString(), []byte(payload))
		msg.Metadata.Set("delivery_id", d.ID)
		return journal.Outgoing{Topic: topic, Message: msg}
	}
}

// queuedIDs returns the delivery ids of the commands on topicRequeue,
// oldest first.
func queuedIDs(t *testing.T, h Harness) []string {
	t.Helper()
	var ids []string
	for _, m := range h.Outbox(t, topicRequeue) {
		ids = append(ids, m.Metadata.Get("delivery_id"))
	}
	return ids
}

// requeue calls Requeue with commands on topicRequeue and fails t on an
// error.
func requeue(t *testing.T, h Harness, now, staleBefore time.Time, limit int) int {
	t.Helper()
	n, _ := requeueWas(t, h, now, staleBefore, limit)
	return n
}

// requeueWas calls requeue and also returns the QueuedAt of each
// delivery that Requeue passed to outgoing.
func requeueWas(t *testing.T, h Harness, now, staleBefore time.Time, limit int) (int, []time.Time) {
	t.Helper()
	var was []time.Time
	outgoing := commandsOn(topicRequeue)
	n, err := h.Store.Requeue(context.Background(), now, staleBefore, limit,
		func(d journal.Delivery) journal.Outgoing {
			was = append(was, d.QueuedAt)
			return outgoing(d)
		})
	if err != nil {
		t.Fatalf("Requeue(now %v, staleBefore %v): %v", now, staleBefore, err)
	}
	return n, was
}

// entryForCase returns newEntry's entry with the message's case key set
// to caseKey.
func entryForCase(t *testing.T, h Harness, sender, caseKey string, dests ...string) journal.Entry {
	t.Helper()
	e := newEntry(t, h, sender, dests...)
	e.Message.CaseKey = caseKey
	return e
}

// wait records a pending attempt on delivery id, due again at due, which
// leaves the delivery waiting: pending and not queued.
func wait(t *testing.T, h Harness, id string, due time.Time) {
	t.Helper()
	a := attemptAt(id, 0, due.Add(-time.Minute), journal.StatusPending)
	a.Error, a.NextAttemptAt = "HTTP 503", due
	recordAttempt(t, h, a)
}

func testAcceptMarksDueAndQueued(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-due", "court", "prison")
	r := accept(t, h, e)

	j := journey(t, h, e.Message.ID)
	if len(j.Deliveries) != 2 {
		t.Fatalf("journey has %d deliveries, want 2", len(j.Deliveries))
	}
	for i, d := range j.Deliveries {
		if !d.NextAttemptAt.Equal(r.ReceivedAt) {
			t.Errorf("delivery %d NextAttemptAt = %v, want ReceivedAt %v", i, d.NextAttemptAt, r.ReceivedAt)
		}
		if !d.QueuedAt.Equal(r.ReceivedAt) {
			t.Errorf("delivery %d QueuedAt = %v, want ReceivedAt %v", i, d.QueuedAt, r.ReceivedAt)
		}
		if d.CaseKey != e.Message.CaseKey {
			t.Errorf("delivery %d CaseKey = %q, want %q", i, d.CaseKey, e.Message.CaseKey)
		}
		if d.ReplayOf != "" || d.ReplayedBy != "" {
			t.Errorf("delivery %d ReplayOf %q, ReplayedBy %q, want both empty", i, d.ReplayOf, d.ReplayedBy)
		}
	}

	d, _ := delivery(t, h, e.Deliveries[1].ID)
	if !d.NextAttemptAt.Equal(r.ReceivedAt) || !d.QueuedAt.Equal(r.ReceivedAt) {
		t.Errorf("Delivery: NextAttemptAt %v, QueuedAt %v, want both %v",
			d.NextAttemptAt, d.QueuedAt, r.ReceivedAt)
	}
	if d.QueuedAt.Location() != time.UTC {
		t.Errorf("Delivery.QueuedAt location = %v, want UTC", d.QueuedAt.Location())
	}
	if d.CaseKey != e.Message.CaseKey {
		t.Errorf("Delivery.CaseKey = %q, want %q", d.CaseKey, e.Message.CaseKey)
	}

	later := r.ReceivedAt.Add(time.Hour)
	if n := requeue(t, h, later, r.ReceivedAt, 10); n != 0 {
		t.Errorf("Requeue of deliveries queued at staleBefore = %d, want 0", n)
	}
}

func testPendingAttemptWaitsUntilDue(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-wait", "court")
	r := accept(t, h, e)
	id := e.Deliveries[0].ID
	due := r.ReceivedAt.Add(10 * time.Minute)
	wait(t, h, id, due)

	d, _ := delivery(t, h, id)
	if !d.NextAttemptAt.Equal(due) {
		t.Errorf("NextAttemptAt after a pending attempt = %v, want %v", d.NextAttemptAt, due)
	}
	if !d.QueuedAt.IsZero() {
		t.Errorf("QueuedAt after a pending attempt = %v, want zero", d.QueuedAt)
	}
	if got := d.Attempts[0].NextAttemptAt; !got.Equal(due) {
		t.Errorf("Attempt.NextAttemptAt = %v, want %v", got, due)
	}

	if n := requeue(t, h, due.Add(-time.Microsecond), r.ReceivedAt, 10); n != 0 {
		t.Errorf("Requeue before the delivery is due = %d, want 0", n)
	}
	if n, was := requeueWas(t, h, due, r.ReceivedAt, 10); n != 1 || len(was) != 1 || !was[0].IsZero() {
		t.Errorf("Requeue once the delivery is due = %d, passing QueuedAt %v, want 1 and zero", n, was)
	}
	if got := queuedIDs(t, h); !slices.Equal(got, []string{id}) {
		t.Errorf("commands after Requeue = %v, want [%s]", got, id)
	}
	if d, _ := delivery(t, h, id); !d.QueuedAt.Equal(due) {
		t.Errorf("QueuedAt after Requeue = %v, want %v", d.QueuedAt, due)
	}
	if n := requeue(t, h, due.Add(time.Minute), r.ReceivedAt, 10); n != 0 {
		t.Errorf("Requeue of a queued delivery = %d, want 0", n)
	}

	recordAttempt(t, h, attemptAt(id, 0, due, journal.StatusDelivered))
	d, _ = delivery(t, h, id)
	if !d.NextAttemptAt.IsZero() || !d.QueuedAt.IsZero() {
		t.Errorf("delivered: NextAttemptAt %v, QueuedAt %v, want both zero", d.NextAttemptAt, d.QueuedAt)
	}
	if got := d.Attempts[1].NextAttemptAt; !got.IsZero() {
		t.Errorf("delivered Attempt.NextAttemptAt = %v, want zero", got)
	}
	if n := requeue(t, h, due.Add(time.Hour), due.Add(time.Hour), 10); n != 0 {
		t.Errorf("Requeue of a delivered delivery = %d, want 0", n)
	}
}

func testPendingAttemptWithoutNextAttempt(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-no-next", "court")
	r := accept(t, h, e)
	id := e.Deliveries[0].ID

	a := attemptAt(id, 1, r.ReceivedAt, journal.StatusPending)
	a.Error, a.NextAttemptAt = "HTTP 503", time.Time{}
	if err := h.Store.RecordAttempt(context.Background(), a); !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("RecordAttempt pending without NextAttemptAt: error = %v, want ErrInvalid", err)
	}
	d, _ := delivery(t, h, id)
	if len(d.Attempts) != 0 || !d.QueuedAt.Equal(r.ReceivedAt) {
		t.Errorf("after the rejected attempt: %d attempts, QueuedAt %v, want none and %v",
			len(d.Attempts), d.QueuedAt, r.ReceivedAt)
	}
}

func testRequeueKeepsCaseOrder(t *testing.T, h Harness) {
	const caseK, otherCase = "KL/TVM/0042/2026/0117", "KL/EKM/0412/2025/1187"
	first := entryForCase(t, h, "fir-order-1", caseK, "court", "prison")
	second := entryForCase(t, h, "fir-order-2", caseK, "court")
	other := entryForCase(t, h, "fir-order-3", otherCase, "court")
	r := accept(t, h, first)
	accept(t, h, second)
	accept(t, h, other)

	firstCourt, firstPrison := first.Deliveries[0].ID, first.Deliveries[1].ID
	secondCourt, otherCourt := second.Deliveries[0].ID, other.Deliveries[0].ID
	due := r.ReceivedAt.Add(time.Minute)
	for _, id := range []string{firstCourt, firstPrison, secondCourt, otherCourt} {
		wait(t, h, id, due)
	}

	wantBlocked(t, h, secondCourt, firstCourt)
	for _, id := range []string{firstCourt, firstPrison, otherCourt} {
		wantBlocked(t, h, id, "")
	}

	if n := requeue(t, h, due, r.ReceivedAt, 10); n != 3 {
		t.Errorf("Requeue with one delivery blocked = %d, want 3", n)
	}
	want := []string{firstCourt, firstPrison, otherCourt}
	if got := queuedIDs(t, h); !slices.Equal(got, want) {
		t.Errorf("commands = %v, want %v, oldest first, without the blocked one", got, want)
	}

	recordAttempt(t, h, attemptAt(firstCourt, 0, due, journal.StatusDelivered))
	wantBlocked(t, h, secondCourt, "")
	if n := requeue(t, h, due, r.ReceivedAt, 10); n != 1 {
		t.Errorf("Requeue after the blocker was delivered = %d, want 1", n)
	}
	if got := queuedIDs(t, h); !slices.Equal(got, append(want, secondCourt)) {
		t.Errorf("commands = %v, want %v", got, append(want, secondCourt))
	}
}

// wantBlocked fails t unless Delivery(id) has blocker as its BlockedBy,
// which is empty when nothing blocks it.
func wantBlocked(t *testing.T, h Harness, id, blocker string) {
	t.Helper()
	d, _, err := h.Store.Delivery(context.Background(), id)
	if err != nil {
		t.Fatalf("Delivery(%s): %v", id, err)
	}
	if d.BlockedBy != blocker {
		t.Errorf("Delivery(%s).BlockedBy = %q, want %q", id, d.BlockedBy, blocker)
	}
}

func testRequeueStaleCommands(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-stale", "court")
	r := accept(t, h, e)
	id := e.Deliveries[0].ID
	queued := r.ReceivedAt

	minutes := func(n int) time.Time { return queued.Add(time.Duration(n) * time.Minute) }
	steps := []struct {
		name             string
		now, staleBefore time.Time
		want             int
		wantQueuedAt     time.Time
		// wantWas is the QueuedAt that outgoing gets: when the stale
		// command was published.
		wantWas time.Time
	}{
		{"accepted at staleBefore", minutes(10), queued, 0, queued, time.Time{}},
		{"accepted before staleBefore", minutes(10), queued.Add(time.Microsecond), 1, minutes(10), queued},
		{"requeued after staleBefore", minutes(20), minutes(5), 0, minutes(10), time.Time{}},
		{"requeued before staleBefore", minutes(30), minutes(15), 1, minutes(30), minutes(10)},
	}
	for _, s := range steps {
		n, was := requeueWas(t, h, s.now, s.staleBefore, 10)
		if n != s.want {
			t.Errorf("Requeue, %s: %d, want %d", s.name, n, s.want)
		}
		if n > 0 && (len(was) != 1 || !was[0].Equal(s.wantWas)) {
			t.Errorf("Requeue, %s: outgoing got QueuedAt %v, want %v", s.name, was, s.wantWas)
		}
		if d, _ := delivery(t, h, id); !d.QueuedAt.Equal(s.wantQueuedAt) {
			t.Errorf("QueuedAt after Requeue, %s = %v, want %v", s.name, d.QueuedAt, s.wantQueuedAt)
		}
	}
	if got := queuedIDs(t, h); !slices.Equal(got, []string{id, id}) {
		t.Errorf("commands = %v, want two for %s", got, id)
	}
}

func testConcurrentRequeue(t *testing.T, h Harness) {
	const messages, workers, batch = 100, 4, 7
	var (
		ids      []string
		received time.Time
	)
	for i := range messages {
		e := entryForCase(t, h, fmt.Sprintf("fir-many-%03d", i),
			fmt.Sprintf("KL/TVM/%04d/2026/0117", i), "court", "prison")
		received = accept(t, h, e).ReceivedAt
		for _, d := range e.Deliveries {
			ids = append(ids, d.ID)
		}
	}

	// Accept queued every delivery at ReceivedAt, so all are stale.
	now, staleBefore := received.Add(time.Hour), received.Add(time.Microsecond)
	counts := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				n, err := h.Store.Requeue(context.Background(), now, staleBefore, batch,
					commandsOn(topicRequeue))
				counts[w] += n
				if err != nil || n == 0 {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()

	total := 0
	for w := range workers {
		if errs[w] != nil {
			t.Errorf("Requeue in worker %d: %v", w, errs[w])
		}
		total += counts[w]
	}
	if total != len(ids) {
		t.Errorf("workers queued %d deliveries in all, want %d", total, len(ids))
	}
	if n := requeue(t, h, now, staleBefore, batch); n != 0 {
		t.Errorf("Requeue after the workers = %d, want 0", n)
	}

	perDelivery := map[string]int{}
	for _, id := range queuedIDs(t, h) {
		perDelivery[id]++
	}
	var wrong []string
	for _, id := range ids {
		if perDelivery[id] != 1 {
			wrong = append(wrong, fmt.Sprintf("%s: %d", id, perDelivery[id]))
		}
	}
	if len(wrong) > 0 {
		t.Errorf("%d of %d deliveries do not have exactly one command, such as %v",
			len(wrong), len(ids), wrong[:min(len(wrong), 3)])
	}
	if len(perDelivery) != len(ids) {
		t.Errorf("commands name %d deliveries, want %d", len(perDelivery), len(ids))
	}
}

func testRequeueInvalid(t *testing.T, h Harness) {
	ctx := context.Background()
	now := time.Date(2026, time.March, 15, 10, 0, 0, 0, time.UTC)
	outgoing := commandsOn(topicRequeue)
	for name, call := range map[string]func() error{
		"zero limit": func() error {
			_, err := h.Store.Requeue(ctx, now, now, 0, outgoing)
			return err
		},
		"zero now": func() error {
			_, err := h.Store.Requeue(ctx, time.Time{}, now, 10, outgoing)
			return err
		},
		"nil outgoing": func() error {
			_, err := h.Store.Requeue(ctx, now, now, 10, nil)
			return err
		},
	} {
		if err := call(); !errors.Is(err, journal.ErrInvalid) {
			t.Errorf("Requeue with %s: error = %v, want ErrInvalid", name, err)
		}
	}
}

func testDefer(t *testing.T, h Harness) {
	ctx := context.Background()
	e := newEntry(t, h, "fir-defer", "court", "prison")
	r := accept(t, h, e)
	id, settled := e.Deliveries[0].ID, e.Deliveries[1].ID
	at := r.ReceivedAt.Add(30 * time.Minute)

	if err := h.Store.Defer(ctx, id, at); err != nil {
		t.Fatalf("Defer: %v", err)
	}
	d, _ := delivery(t, h, id)
	if !d.NextAttemptAt.Equal(at) || !d.QueuedAt.IsZero() {
		t.Errorf("after Defer: NextAttemptAt %v, QueuedAt %v, want %v and zero",
			d.NextAttemptAt, d.QueuedAt, at)
	}
	if len(d.Attempts) != 0 {
		t.Errorf("after Defer the delivery has %d attempts, want none", len(d.Attempts))
	}
	if n := requeue(t, h, at.Add(-time.Second), r.ReceivedAt, 10); n != 0 {
		t.Errorf("Requeue before the deferred time = %d, want 0", n)
	}
	if n := requeue(t, h, at, r.ReceivedAt, 10); n != 1 {
		t.Errorf("Requeue at the deferred time = %d, want 1", n)
	}

	recordAttempt(t, h, attemptAt(settled, 0, r.ReceivedAt, journal.StatusDelivered))
	if err := h.Store.Defer(ctx, settled, at); !errors.Is(err, journal.ErrSettled) {
		t.Errorf("Defer of a delivered delivery: error = %v, want ErrSettled", err)
	}
	if d, _ := delivery(t, h, settled); !d.NextAttemptAt.IsZero() {
		t.Errorf("Defer of a delivered delivery set NextAttemptAt %v", d.NextAttemptAt)
	}
	if err := h.Store.Defer(ctx, "no-such-delivery", at); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Defer of an unknown delivery: error = %v, want ErrNotFound", err)
	}
	if err := h.Store.Defer(ctx, id, time.Time{}); !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("Defer to the zero time: error = %v, want ErrInvalid", err)
	}
}

func testExpedite(t *testing.T, h Harness) {
	ctx := context.Background()
	e1 := entryForCase(t, h, "fir-expedite-1", "case-expedite-1", "court", "prison")
	r := accept(t, h, e1)
	e2 := entryForCase(t, h, "fir-expedite-2", "case-expedite-2", "court")
	accept(t, h, e2)
	later := r.ReceivedAt.Add(time.Hour)
	court, prison, unsent := e1.Deliveries[0].ID, e1.Deliveries[1].ID, e2.Deliveries[0].ID
	wait(t, h, court, later)
	wait(t, h, prison, later)
	// Deferred without an attempt, as an open breaker does before the
	// first one: no retry waits, so Expedite leaves it.
	if err := h.Store.Defer(ctx, unsent, later); err != nil {
		t.Fatalf("Defer: %v", err)
	}

	now := r.ReceivedAt.Add(time.Minute)
	n, err := h.Store.Expedite(ctx, now, []string{"court"}, nil)
	if err != nil {
		t.Fatalf("Expedite: %v", err)
	}
	if n != 1 {
		t.Errorf("Expedite by destination changed %d deliveries, want 1", n)
	}
	for id, want := range map[string]time.Time{court: now, prison: later, unsent: later} {
		if d, _ := delivery(t, h, id); !d.NextAttemptAt.Equal(want) {
			t.Errorf("delivery %s to %s: NextAttemptAt %v, want %v", id, d.Destination, d.NextAttemptAt, want)
		}
	}
	if n := requeue(t, h, now, r.ReceivedAt, 10); n != 1 {
		t.Errorf("Requeue after Expedite = %d, want the 1 expedited", n)
	}

	n, err = h.Store.Expedite(ctx, now, []string{"court"}, []string{"fir-to-prison"})
	if err != nil || n != 1 {
		t.Errorf("Expedite by route = %d, %v, want 1: the prison's delivery", n, err)
	}
	if d, _ := delivery(t, h, prison); !d.NextAttemptAt.Equal(now) {
		t.Errorf("delivery to prison: NextAttemptAt %v, want %v", d.NextAttemptAt, now)
	}
	if n, err := h.Store.Expedite(ctx, now, nil, nil); err != nil || n != 0 {
		t.Errorf("Expedite of nothing = %d, %v, want 0, nil", n, err)
	}
}

// testWake puts off three deliveries to the court, one after a failed
// attempt and one without any, and one to the prison. Wake for the court
// makes both of the court's due and leaves the prison's and a settled
// one alone.
func testWake(t *testing.T, h Harness) {
	ctx := context.Background()
	e1 := entryForCase(t, h, "fir-wake-1", "case-wake-1", "court", "prison")
	r := accept(t, h, e1)
	e2 := entryForCase(t, h, "fir-wake-2", "case-wake-2", "court")
	accept(t, h, e2)
	e3 := entryForCase(t, h, "fir-wake-3", "case-wake-3", "court")
	accept(t, h, e3)
	later := r.ReceivedAt.Add(time.Hour)
	retried, prison, parked := e1.Deliveries[0].ID, e1.Deliveries[1].ID, e2.Deliveries[0].ID
	wait(t, h, retried, later)
	if err := h.Store.Defer(ctx, prison, later); err != nil {
		t.Fatalf("Defer: %v", err)
	}
	if err := h.Store.Defer(ctx, parked, later); err != nil {
		t.Fatalf("Defer: %v", err)
	}
	settled := e3.Deliveries[0].ID
	err := h.Store.RecordAttempt(ctx, journal.Attempt{DeliveryID: settled, Number: 1,
		StartedAt: r.ReceivedAt, FinishedAt: r.ReceivedAt, StatusCode: 200,
		Result: journal.StatusDelivered})
	if err != nil {
		t.Fatalf("RecordAttempt: %v", err)
	}

	now := r.ReceivedAt.Add(time.Minute)
	n, err := h.Store.Wake(ctx, now, "court")
	if err != nil {
		t.Fatalf("Wake: %v", err)
	}
	if n != 2 {
		t.Errorf("Wake changed %d deliveries, want the court's 2 pending ones", n)
	}
	for id, want := range map[string]time.Time{retried: now, parked: now, prison: later} {
		if d, _ := delivery(t, h, id); !d.NextAttemptAt.Equal(want) {
			t.Errorf("delivery %s to %s: NextAttemptAt %v, want %v", id, d.Destination, d.NextAttemptAt, want)
		}
	}
	if d, _ := delivery(t, h, settled); d.Status != journal.StatusDelivered {
		t.Errorf("settled delivery: status %s, want delivered", d.Status)
	}
	if n := requeue(t, h, now, r.ReceivedAt, 10); n != 2 {
		t.Errorf("Requeue after Wake = %d, want the 2 woken", n)
	}
	if n, err := h.Store.Wake(ctx, now, "court"); err != nil || n != 0 {
		t.Errorf("second Wake = %d, %v, want 0, nil: nothing is due later", n, err)
	}
}

// testStatusFollowsReplays checks the status Journey and Find give a
// message whose dead delivery was replayed: delivered once a replay is,
// even when a later forced replay dies.
func testStatusFollowsReplays(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-status", "court")
	accept(t, h, e)
	dead := e.Deliveries[0].ID
	kill(t, h, dead, "HTTP 503")
	status := func() (string, string) {
		t.Helper()
		found, err := h.Store.Find(context.Background(), journal.Query{SenderMessageID: "fir-status"})
		if err != nil || len(found) != 1 {
			t.Fatalf("Find = %v, %v, want one message", found, err)
		}
		return journey(t, h, e.Message.ID).Status, found[0].Status
	}
	check := func(when, want string) {
		t.Helper()
		if j, f := status(); j != want || f != want {
			t.Errorf("%s: Journey status %q, Find status %q, want %q", when, j, f, want)
		}
	}
	check("dead letter", "dead")

	first := replay(t, h, replayRequest(dead))
	check("replay pending", "in_progress")
	recordAttempt(t, h, attemptAt(first.Delivery.ID, 0, time.Now(), journal.StatusDelivered))
	check("replay delivered", "delivered")

	forced := replayRequest(dead)
	forced.Force = true
	again := replay(t, h, forced)
	kill(t, h, again.Delivery.ID, "HTTP 400")
	check("forced replay dead after a delivered one", "delivered")

	// The message reached the destination, so neither dead letter waits
	// for a replay.
	if got := letterIDs(deadLetters(t, h, journal.DeadLetterFilter{Unreplayed: true})); len(got) != 0 {
		t.Errorf("dead letters not yet replayed = %v, want none: the message was delivered", got)
	}
}
