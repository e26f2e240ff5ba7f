package journaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/internal/journal"
)

// kill dead-letters delivery id with reason and returns the delivery's
// UpdatedAt. It returns once the clock has passed that time by a
// microsecond, so the store's next change gets a later UpdatedAt.
func kill(t *testing.T, h Harness, id, reason string) time.Time {
	t.Helper()
	a := attemptAt(id, 0, time.Now(), journal.StatusDead)
	a.Error = reason
	recordAttempt(t, h, a)

	d, _ := delivery(t, h, id)
	for !time.Now().After(d.UpdatedAt.Add(time.Microsecond)) {
		time.Sleep(time.Microsecond)
	}
	return d.UpdatedAt
}

// deadLetters calls DeadLetters and fails t on an error.
func deadLetters(t *testing.T, h Harness, f journal.DeadLetterFilter) []journal.DeadLetter {
	t.Helper()
	letters, err := h.Store.DeadLetters(context.Background(), f)
	if err != nil {
		t.Fatalf("DeadLetters(%+v): %v", f, err)
	}
	return letters
}

func letterIDs(letters []journal.DeadLetter) []string {
	var ids []string
	for _, l := range letters {
		ids = append(ids, l.ID)
	}
	return ids
}

func testDeadLetterFilters(t *testing.T, h Harness) {
	oneDead := newEntry(t, h, "fir-dl-1", "court", "prison")
	bothDead := newEntry(t, h, "fir-dl-2", "court", "prison")
	accept(t, h, oneDead)
	accept(t, h, bothDead)
	accept(t, h, newEntry(t, h, "fir-dl-pending", "court"))

	recordAttempt(t, h, attemptAt(oneDead.Deliveries[1].ID, 0, time.Now(), journal.StatusDelivered))
	rejected, gaveUp, removed := oneDead.Deliveries[0].ID, bothDead.Deliveries[0].ID,
		bothDead.Deliveries[1].ID
	rejectedAt := kill(t, h, rejected, "destination rejected the delivery: HTTP 422: bad CNR")
	recordAttempt(t, h, attemptAt(gaveUp, 0, time.Now(), journal.StatusPending))
	gaveUpAt := kill(t, h, gaveUp, "gave up after 5 attempts: HTTP 503: maintenance")
	removedAt := kill(t, h, removed, "destination is no longer configured")

	tests := []struct {
		name   string
		filter journal.DeadLetterFilter
		want   []string
	}{
		{"no filter", journal.DeadLetterFilter{}, []string{removed, gaveUp, rejected}},
		{"destination", journal.DeadLetterFilter{Destination: "court"}, []string{gaveUp, rejected}},
		{"route", journal.DeadLetterFilter{Route: "fir-to-prison"}, []string{removed}},
		{"reason substring", journal.DeadLetterFilter{Reason: "HTTP 5"}, []string{gaveUp}},
		{"reason of another case", journal.DeadLetterFilter{Reason: "bad cnr"}, nil},
		{"from inclusive", journal.DeadLetterFilter{From: gaveUpAt}, []string{removed, gaveUp}},
		{"to exclusive", journal.DeadLetterFilter{To: gaveUpAt}, []string{rejected}},
		{"from and to", journal.DeadLetterFilter{From: gaveUpAt, To: removedAt}, []string{gaveUp}},
		{"limit", journal.DeadLetterFilter{Limit: 2}, []string{removed, gaveUp}},
		{"oldest first", journal.DeadLetterFilter{OldestFirst: true}, []string{rejected, gaveUp, removed}},
		{"oldest first with limit", journal.DeadLetterFilter{OldestFirst: true, Limit: 2},
			[]string{rejected, gaveUp}},
		{"destination and reason",
			journal.DeadLetterFilter{Destination: "court", Reason: "HTTP"}, []string{gaveUp, rejected}},
		{"unknown destination", journal.DeadLetterFilter{Destination: "passport"}, nil},
		{"destinations", journal.DeadLetterFilter{Destinations: []string{"prison", "passport"}},
			[]string{removed}},
		{"no destinations", journal.DeadLetterFilter{Destinations: []string{}}, nil},
		{"except destinations", journal.DeadLetterFilter{ExceptDestinations: []string{"prison"}},
			[]string{gaveUp, rejected}},
		{"except no destinations", journal.DeadLetterFilter{ExceptDestinations: []string{}},
			[]string{removed, gaveUp, rejected}},
	}
	for _, tc := range tests {
		if got := letterIDs(deadLetters(t, h, tc.filter)); !slices.Equal(got, tc.want) {
			t.Errorf("DeadLetters, %s = %v, want %v", tc.name, got, tc.want)
		}
	}

	letters := deadLetters(t, h, journal.DeadLetterFilter{Route: "fir-to-court", To: gaveUpAt})
	if len(letters) != 1 {
		t.Fatalf("DeadLetters before %v = %d letters, want 1", gaveUpAt, len(letters))
	}
	checkDeadLetter(t, letters[0], oneDead, rejectedAt)

	// Each letter lists its attempts in order.
	for _, l := range deadLetters(t, h, journal.DeadLetterFilter{Destination: "court"}) {
		var results []string
		for _, a := range l.Attempts {
			results = append(results, fmt.Sprintf("%d:%s", a.Number, a.Result))
		}
		want := []string{"1:dead"}
		if l.ID == gaveUp {
			want = []string{"1:pending", "2:dead"}
		}
		if !slices.Equal(results, want) {
			t.Errorf("dead letter %s attempts = %v, want %v", l.ID, results, want)
		}
		if n := len(l.Attempts); n > 0 && l.Attempts[n-1].Error != l.Reason {
			t.Errorf("dead letter %s: last attempt's error %q, want the reason %q",
				l.ID, l.Attempts[n-1].Error, l.Reason)
		}
	}
}

func testDeadLetterPages(t *testing.T, h Harness) {
	var oldestFirst []string
	for i := range 5 {
		e := newEntry(t, h, fmt.Sprintf("fir-dl-page-%d", i), "court")
		accept(t, h, e)
		kill(t, h, e.Deliveries[0].ID, "HTTP 422")
		oldestFirst = append(oldestFirst, e.Deliveries[0].ID)
	}
	alive := newEntry(t, h, "fir-dl-page-pending", "court")
	accept(t, h, alive)
	newestFirst := slices.Clone(oldestFirst)
	slices.Reverse(newestFirst)

	for _, order := range []struct {
		name        string
		oldestFirst bool
		want        []string
	}{{"newest first", false, newestFirst}, {"oldest first", true, oldestFirst}} {
		var got [][]string
		f := journal.DeadLetterFilter{Destination: "court", Limit: 2, OldestFirst: order.oldestFirst}
		for range 4 {
			page := letterIDs(deadLetters(t, h, f))
			got = append(got, page)
			if len(page) == 0 {
				break
			}
			f.After = page[len(page)-1]
		}
		want := [][]string{order.want[0:2], order.want[2:4], order.want[4:], nil}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("DeadLetters pages, %s = %v, want %v", order.name, got, want)
		}
	}

	f := journal.DeadLetterFilter{After: newestFirst[1], Limit: 1}
	if got := letterIDs(deadLetters(t, h, f)); !slices.Equal(got, newestFirst[2:3]) {
		t.Errorf("DeadLetters after %s with limit 1 = %v, want %v", f.After, got, newestFirst[2:3])
	}
	for _, after := range []string{alive.Deliveries[0].ID, "no-such-delivery"} {
		_, err := h.Store.DeadLetters(context.Background(), journal.DeadLetterFilter{After: after})
		if !errors.Is(err, journal.ErrInvalid) {
			t.Errorf("DeadLetters after %q, not a dead delivery: error = %v, want ErrInvalid",
				after, err)
		}
	}
}

// checkDeadLetter checks l, the dead letter of e's first delivery, which
// died at diedAt.
func checkDeadLetter(t *testing.T, l journal.DeadLetter, e journal.Entry, diedAt time.Time) {
	t.Helper()
	for _, f := range []struct{ name, got, want string }{
		{"MessageID", l.MessageID, e.Message.ID},
		{"Source", l.Source, e.Message.Source},
		{"SenderMessageID", l.SenderMessageID, e.Message.SenderMessageID},
		{"Type", l.Type, string(e.Message.Type)},
		{"CaseKey", l.CaseKey, e.Message.CaseKey},
		{"Destination", l.Destination, e.Deliveries[0].Destination},
		{"Route", l.Route, e.Deliveries[0].Route},
		{"Status", l.Status, journal.StatusDead},
		{"Reason", l.Reason, "destination rejected the delivery: HTTP 422: bad CNR"},
	} {
		if f.got != f.want {
			t.Errorf("dead letter %s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if !l.UpdatedAt.Equal(diedAt) {
		t.Errorf("dead letter UpdatedAt = %v, want %v", l.UpdatedAt, diedAt)
	}
	if !l.NextAttemptAt.IsZero() || !l.QueuedAt.IsZero() {
		t.Errorf("dead letter NextAttemptAt %v, QueuedAt %v, want both zero",
			l.NextAttemptAt, l.QueuedAt)
	}
	if len(l.Replays) != 0 {
		t.Errorf("dead letter Replays = %v before any replay, want none", l.Replays)
	}
}

// replayRequest returns a request to replay deliveryID, by an operator, at
// a fixed time in IST, with a fresh NewID.
func replayRequest(deliveryID string) journal.ReplayRequest {
	return journal.ReplayRequest{
		DeliveryID: deliveryID,
		NewID:      uuid.NewString(),
		By:         "operator-7",
		At:         time.Date(2026, time.March, 16, 11, 0, 0, 123456000, ist),
	}
}

// replay calls Replay with commands on topicRequeue and fails t on an
// error.
func replay(t *testing.T, h Harness, r journal.ReplayRequest) journal.Replayed {
	t.Helper()
	out, err := h.Store.Replay(context.Background(), r, commandsOn(topicRequeue))
	if err != nil {
		t.Fatalf("Replay(%s, force %v): %v", r.DeliveryID, r.Force, err)
	}
	return out
}

func testReplay(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-replay", "court", "prison")
	accept(t, h, e)
	dead := e.Deliveries[0].ID
	kill(t, h, dead, "destination rejected the delivery: HTTP 422: bad CNR")

	r := replayRequest(dead)
	first := replay(t, h, r)
	if first.Existing {
		t.Errorf("first Replay: Existing = true, want a new delivery")
	}
	checkReplay(t, first.Delivery, e, r)
	stored, _ := delivery(t, h, r.NewID)
	checkReplay(t, stored, e, r)
	original, _ := delivery(t, h, dead)
	if original.IdempotencyKey != dead {
		t.Errorf("IdempotencyKey of %s = %q, want its own id", dead, original.IdempotencyKey)
	}
	for _, d := range []journal.Delivery{first.Delivery, stored} {
		if d.IdempotencyKey != dead {
			t.Errorf("IdempotencyKey of replay %s = %q, want the replayed delivery's key %s",
				d.ID, d.IdempotencyKey, dead)
		}
	}
	if got := queuedIDs(t, h); !slices.Equal(got, []string{r.NewID}) {
		t.Errorf("commands after Replay = %v, want [%s]", got, r.NewID)
	}
	j := journey(t, h, e.Message.ID)
	if len(j.Deliveries) != 3 || j.Deliveries[2].ID != r.NewID {
		t.Errorf("journey deliveries = %v, want the replay %s last of 3", j.Deliveries, r.NewID)
	}
	if j.Status != "in_progress" {
		t.Errorf("journey status with a pending replay = %q, want in_progress", j.Status)
	}
	if got := letterIDs(deadLetters(t, h, journal.DeadLetterFilter{})); !slices.Equal(got, []string{dead}) {
		t.Errorf("dead letters after the replay = %v, want [%s] still listed", got, dead)
	}
	unreplayed := journal.DeadLetterFilter{Unreplayed: true}
	if got := letterIDs(deadLetters(t, h, unreplayed)); len(got) != 0 {
		t.Errorf("dead letters not yet replayed = %v, want none", got)
	}

	again := replayRequest(dead)
	second := replay(t, h, again)
	if !second.Existing || second.Delivery.ID != r.NewID {
		t.Errorf("second Replay = %s, Existing %v, want the first replay %s, Existing true",
			second.Delivery.ID, second.Existing, r.NewID)
	}
	if _, _, err := h.Store.Delivery(context.Background(), again.NewID); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Delivery(%s) of the second replay: error = %v, want ErrNotFound", again.NewID, err)
	}

	forced := replayRequest(dead)
	forced.Force = true
	third := replay(t, h, forced)
	if third.Existing || third.Delivery.ID != forced.NewID || third.Delivery.ReplayOf != dead {
		t.Errorf("forced Replay = %s of %s, Existing %v, want new %s of %s",
			third.Delivery.ID, third.Delivery.ReplayOf, third.Existing, forced.NewID, dead)
	}
	if got, want := queuedIDs(t, h), []string{r.NewID, forced.NewID}; !slices.Equal(got, want) {
		t.Errorf("commands after the forced Replay = %v, want %v", got, want)
	}
	wantBlocked(t, h, forced.NewID, r.NewID)
	if third.Delivery.IdempotencyKey != forced.NewID {
		t.Errorf("IdempotencyKey of forced replay %s = %q, want its own id",
			forced.NewID, third.Delivery.IdempotencyKey)
	}

	letters := deadLetters(t, h, journal.DeadLetterFilter{})
	if len(letters) != 1 || !slices.Equal(letters[0].Replays, []string{r.NewID, forced.NewID}) {
		t.Errorf("DeadLetters = %+v, want %s replayed by [%s %s]", letters, dead, r.NewID, forced.NewID)
	}

	checkReplayOfReplay(t, h, e, r.NewID)
}

// checkReplayOfReplay dead-letters replayID, a replay of e's first
// delivery, and replays it.
func checkReplayOfReplay(t *testing.T, h Harness, e journal.Entry, replayID string) {
	t.Helper()
	kill(t, h, replayID, "HTTP 422: bad CNR again")
	r := replayRequest(replayID)
	r.By = "operator-9"
	out := replay(t, h, r)
	if out.Existing || out.Delivery.ReplayOf != replayID {
		t.Errorf("Replay of a dead replay = %s of %s, Existing %v, want new of %s",
			out.Delivery.ID, out.Delivery.ReplayOf, out.Existing, replayID)
	}
	if root := e.Deliveries[0].ID; out.Delivery.IdempotencyKey != root {
		t.Errorf("IdempotencyKey of a replay of a replay = %q, want the first delivery's %s",
			out.Delivery.IdempotencyKey, root)
	}

	letters := deadLetters(t, h, journal.DeadLetterFilter{Reason: "again"})
	if len(letters) != 1 {
		t.Fatalf("DeadLetters of the dead replay = %d letters, want 1", len(letters))
	}
	l := letters[0]
	if l.Delivery.ReplayedBy != "operator-7" || l.Delivery.ReplayOf != e.Deliveries[0].ID {
		t.Errorf("dead replay: Delivery.ReplayedBy %q, ReplayOf %q, want operator-7 and %s",
			l.Delivery.ReplayedBy, l.Delivery.ReplayOf, e.Deliveries[0].ID)
	}
	if !slices.Equal(l.Replays, []string{r.NewID}) {
		t.Errorf("dead replay Replays = %v, want [%s]", l.Replays, r.NewID)
	}
}

// checkReplay checks d, the new delivery that r made of e's first
// delivery.
func checkReplay(t *testing.T, d journal.Delivery, e journal.Entry, r journal.ReplayRequest) {
	t.Helper()
	for _, f := range []struct{ name, got, want string }{
		{"ID", d.ID, r.NewID},
		{"MessageID", d.MessageID, e.Message.ID},
		{"Destination", d.Destination, e.Deliveries[0].Destination},
		{"Route", d.Route, e.Deliveries[0].Route},
		{"CaseKey", d.CaseKey, e.Message.CaseKey},
		{"Status", d.Status, journal.StatusPending},
		{"ReplayOf", d.ReplayOf, r.DeliveryID},
		{"ReplayedBy", d.ReplayedBy, r.By},
		{"Reason", d.Reason, ""},
	} {
		if f.got != f.want {
			t.Errorf("replay %s = %q, want %q", f.name, f.got, f.want)
		}
	}
	for _, f := range []struct {
		name string
		got  time.Time
	}{
		{"CreatedAt", d.CreatedAt}, {"UpdatedAt", d.UpdatedAt},
		{"NextAttemptAt", d.NextAttemptAt}, {"QueuedAt", d.QueuedAt},
	} {
		if !f.got.Equal(r.At) || f.got.Location() != time.UTC {
			t.Errorf("replay %s = %v, want %v in UTC", f.name, f.got, r.At)
		}
	}
	if len(d.Attempts) != 0 {
		t.Errorf("replay has %d attempts, want none", len(d.Attempts))
	}
}

func testReplayNotDead(t *testing.T, h Harness) {
	ctx := context.Background()
	e := newEntry(t, h, "fir-replay-live", "court", "prison")
	accept(t, h, e)
	pending, delivered := e.Deliveries[0].ID, e.Deliveries[1].ID
	recordAttempt(t, h, attemptAt(delivered, 0, time.Now(), journal.StatusDelivered))

	outgoing := commandsOn(topicRequeue)
	for _, id := range []string{pending, delivered} {
		_, err := h.Store.Replay(ctx, replayRequest(id), outgoing)
		if !errors.Is(err, journal.ErrNotDead) {
			t.Errorf("Replay of %s: error = %v, want ErrNotDead", id, err)
		}
	}
	_, err := h.Store.Replay(ctx, replayRequest("no-such-delivery"), outgoing)
	if !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Replay of an unknown delivery: error = %v, want ErrNotFound", err)
	}

	kill(t, h, pending, "HTTP 422")
	for name, edit := range map[string]func(r *journal.ReplayRequest){
		"without delivery id": func(r *journal.ReplayRequest) { r.DeliveryID = "" },
		"without new id":      func(r *journal.ReplayRequest) { r.NewID = "" },
		"without requester":   func(r *journal.ReplayRequest) { r.By = "" },
		"with a taken new id": func(r *journal.ReplayRequest) { r.NewID, r.Force = delivered, true },
	} {
		r := replayRequest(pending)
		edit(&r)
		if _, err := h.Store.Replay(ctx, r, outgoing); !errors.Is(err, journal.ErrInvalid) {
			t.Errorf("Replay %s: error = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := h.Store.Replay(ctx, replayRequest(pending), nil); !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("Replay without outgoing: error = %v, want ErrInvalid", err)
	}
	removed := replayRequest(pending)
	removed.Configured = func(destination string) bool { return destination != "court" }
	_, err = h.Store.Replay(ctx, removed, outgoing)
	if !errors.Is(err, journal.ErrDestinationRemoved) {
		t.Errorf("Replay to a removed destination: error = %v, want ErrDestinationRemoved", err)
	}
	if err != nil && !strings.Contains(err.Error(), `"court"`) {
		t.Errorf("Replay to a removed destination: error %q does not name court", err)
	}
	if got := letterIDs(deadLetters(t, h, journal.DeadLetterFilter{Unreplayed: true})); !slices.Equal(got, []string{pending}) {
		t.Errorf("unreplayed dead letters after a rejected replay = %v, want %v", got, []string{pending})
	}
	if got := queuedIDs(t, h); len(got) != 0 {
		t.Errorf("commands after rejected replays = %v, want none", got)
	}
}

func testConcurrentReplays(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-replay-race", "court")
	accept(t, h, e)
	dead := e.Deliveries[0].ID
	kill(t, h, dead, "HTTP 422")

	const workers = 8
	results, errs := replayConcurrently(h, workers, func(i int) journal.ReplayRequest {
		r := replayRequest(dead)
		r.By = fmt.Sprintf("operator-%d", i)
		return r
	})

	created := 0
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("Replay %d: %v", i, errs[i])
		}
		if !results[i].Existing {
			created++
		}
		if results[i].Delivery.ID != results[0].Delivery.ID {
			t.Errorf("Replay %d returned %s, Replay 0 returned %s, want one replay",
				i, results[i].Delivery.ID, results[0].Delivery.ID)
		}
	}
	if created != 1 {
		t.Errorf("%d concurrent replays created a delivery, want 1", created)
	}
	if got := queuedIDs(t, h); len(got) != 1 {
		t.Errorf("commands after concurrent replays = %v, want 1", got)
	}
	letters := deadLetters(t, h, journal.DeadLetterFilter{})
	if len(letters) != 1 || len(letters[0].Replays) != 1 {
		t.Errorf("DeadLetters = %+v, want one letter with one replay", letters)
	}
}

func testDeadLettersOnePerMessage(t *testing.T, h Harness) {
	// A message delivered by its second replay: no dead letter of its
	// chain is to be replayed again.
	delivered := newEntry(t, h, "fir-one-delivered", "court")
	accept(t, h, delivered)
	root := delivered.Deliveries[0].ID
	kill(t, h, root, "HTTP 422: bad CNR")
	first := replay(t, h, replayRequest(root)).Delivery.ID
	kill(t, h, first, "HTTP 422: bad CNR")
	second := replay(t, h, replayRequest(first)).Delivery.ID
	recordAttempt(t, h, attemptAt(second, 0, time.Now(), journal.StatusDelivered))

	// A message whose replay and forced replay both died: only the
	// newest dead letter is to be replayed.
	branched := newEntry(t, h, "fir-one-branched", "court")
	accept(t, h, branched)
	dead := branched.Deliveries[0].ID
	kill(t, h, dead, "HTTP 422: bad CNR")
	replayed := replay(t, h, replayRequest(dead)).Delivery.ID
	kill(t, h, replayed, "HTTP 422: bad CNR")
	forced := replayRequest(dead)
	forced.Force = true
	forcedID := replay(t, h, forced).Delivery.ID
	kill(t, h, forcedID, "HTTP 503")

	for _, tc := range []struct {
		name string
		f    journal.DeadLetterFilter
		want []string
	}{
		{"unreplayed", journal.DeadLetterFilter{Unreplayed: true, OldestFirst: true},
			[]string{replayed, forcedID}},
		{"one per message", journal.DeadLetterFilter{OnePerMessage: true, OldestFirst: true},
			[]string{forcedID}},
		{"one per message, unreplayed",
			journal.DeadLetterFilter{OnePerMessage: true, Unreplayed: true}, []string{forcedID}},
		{"one per message, by reason",
			journal.DeadLetterFilter{OnePerMessage: true, Reason: "HTTP 422"}, nil},
	} {
		if got := letterIDs(deadLetters(t, h, tc.f)); !slices.Equal(got, tc.want) {
			t.Errorf("dead letters %s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testForcedReplaysOfOneRun(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-forced-run", "court")
	accept(t, h, e)
	dead := e.Deliveries[0].ID
	kill(t, h, dead, "HTTP 422")
	before := replay(t, h, replayRequest(dead)).Delivery

	// Two replicas serve the same forced run: the replay made before the
	// run started does not count, but the run makes only one.
	started := before.CreatedAt.Add(time.Second)
	const workers = 4
	results, errs := replayConcurrently(h, workers, func(int) journal.ReplayRequest {
		r := replayRequest(dead)
		r.Force, r.ForcedSince, r.At = true, started, started
		return r
	})

	created := 0
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("forced Replay %d: %v", i, errs[i])
		}
		if !results[i].Existing {
			created++
		}
		if results[i].Delivery.ID == before.ID {
			t.Errorf("forced Replay %d returned %s, made before the run started", i, before.ID)
		}
	}
	if created != 1 {
		t.Errorf("%d forced replays of one run created a delivery, want 1", created)
	}
	if got := queuedIDs(t, h); len(got) != 2 {
		t.Errorf("commands = %v, want the first replay's and one of the run", got)
	}

	later := replayRequest(dead)
	later.Force, later.At = true, started
	if out := replay(t, h, later); out.Existing {
		t.Errorf("forced Replay without ForcedSince returned existing %s, want a new one",
			out.Delivery.ID)
	}
}

// replayConcurrently calls Replay with request(i) for each i below n, all
// at once, and returns each call's result and error.
func replayConcurrently(h Harness, n int,
	request func(i int) journal.ReplayRequest) ([]journal.Replayed, []error) {
	results := make([]journal.Replayed, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = h.Store.Replay(context.Background(), request(i),
				commandsOn(topicRequeue))
		})
	}
	wg.Wait()
	return results, errs
}
