package journaltest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

func testAcceptThenJourney(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-1", "court", "prison")
	r := accept(t, h, e)

	if r.MessageID != e.Message.ID {
		t.Errorf("Receipt.MessageID = %q, want %q", r.MessageID, e.Message.ID)
	}
	if !r.ReceivedAt.Equal(e.Message.ReceivedAt) {
		t.Errorf("Receipt.ReceivedAt = %v, want %v", r.ReceivedAt, e.Message.ReceivedAt)
	}
	if r.ReceivedAt.Location() != time.UTC {
		t.Errorf("Receipt.ReceivedAt location = %v, want UTC", r.ReceivedAt.Location())
	}

	j := journey(t, h, e.Message.ID)
	checkJourneyMessage(t, j, e)
	checkPendingDeliveries(t, j, e)

	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{e.Deliveries[0].ID}) {
		t.Errorf("outbox on %s = %v, want [%s]", topicCourt, got, e.Deliveries[0].ID)
	}
	prison := h.Outbox(t, topicPrison)
	if len(prison) != 1 {
		t.Fatalf("outbox on %s has %d messages, want 1", topicPrison, len(prison))
	}
	want := e.Outbox[1].Message
	if prison[0].UUID != want.UUID {
		t.Errorf("outbox message UUID = %q, want %q", prison[0].UUID, want.UUID)
	}
	if string(prison[0].Payload) != string(want.Payload) {
		t.Errorf("outbox message payload = %s, want %s", prison[0].Payload, want.Payload)
	}
	if !reflect.DeepEqual(prison[0].Metadata, want.Metadata) {
		t.Errorf("outbox message metadata = %v, want %v", prison[0].Metadata, want.Metadata)
	}
}

// checkJourneyMessage checks the message fields of j against e.
func checkJourneyMessage(t *testing.T, j journal.Journey, e journal.Entry) {
	t.Helper()
	m := e.Message
	for _, f := range []struct{ name, got, want string }{
		{"MessageID", j.MessageID, m.ID},
		{"Source", j.Source, m.Source},
		{"SenderMessageID", j.SenderMessageID, m.SenderMessageID},
		{"Type", string(j.Type), string(m.Type)},
		{"CaseKey", j.CaseKey, m.CaseKey},
		{"CorrelationID", j.CorrelationID, m.CorrelationID},
		{"RoutesVersion", j.RoutesVersion, e.RoutesVersion},
	} {
		if f.got != f.want {
			t.Errorf("Journey.%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if !j.ReceivedAt.Equal(m.ReceivedAt) || j.ReceivedAt.Location() != time.UTC {
		t.Errorf("Journey.ReceivedAt = %v, want %v in UTC", j.ReceivedAt, m.ReceivedAt.UTC())
	}
	if !reflect.DeepEqual(j.Routing, e.Routing) {
		t.Errorf("Journey.Routing = %+v, want %+v", j.Routing, e.Routing)
	}
	if got, want := canonicalJSON(t, j.Message), canonicalJSON(t, m); got != want {
		t.Errorf("Journey.Message =\n%s\nwant\n%s", got, want)
	}
}

// checkPendingDeliveries checks that j has e's deliveries, in order, all
// pending and without attempts.
func checkPendingDeliveries(t *testing.T, j journal.Journey, e journal.Entry) {
	t.Helper()
	if j.Status != "in_progress" {
		t.Errorf("Journey.Status = %q, want in_progress", j.Status)
	}
	if j.Status != journal.Summarize(j.Deliveries) {
		t.Errorf("Journey.Status = %q, Summarize = %q", j.Status, journal.Summarize(j.Deliveries))
	}
	if len(j.Deliveries) != len(e.Deliveries) {
		t.Fatalf("Journey has %d deliveries, want %d", len(j.Deliveries), len(e.Deliveries))
	}
	for i, d := range j.Deliveries {
		want := e.Deliveries[i]
		if d.ID != want.ID || d.Destination != want.Destination || d.Route != want.Route {
			t.Errorf("delivery %d = %s to %s by %s, want %s to %s by %s", i,
				d.ID, d.Destination, d.Route, want.ID, want.Destination, want.Route)
		}
		if d.MessageID != e.Message.ID {
			t.Errorf("delivery %d MessageID = %q, want %q", i, d.MessageID, e.Message.ID)
		}
		if d.Status != journal.StatusPending || d.Reason != "" || len(d.Attempts) != 0 {
			t.Errorf("delivery %d: status %q, reason %q, %d attempts; want pending, no reason, none",
				i, d.Status, d.Reason, len(d.Attempts))
		}
		if d.CreatedAt.IsZero() || d.CreatedAt.Location() != time.UTC {
			t.Errorf("delivery %d CreatedAt = %v, want a time in UTC", i, d.CreatedAt)
		}
		if !d.UpdatedAt.Equal(d.CreatedAt) {
			t.Errorf("delivery %d UpdatedAt = %v, want CreatedAt %v", i, d.UpdatedAt, d.CreatedAt)
		}
	}
}

func testAcceptUnrouted(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-unrouted")
	e.Message.ReceivedAt = time.Time{}
	before := time.Now()
	r := accept(t, h, e)

	if r.ReceivedAt.Before(before.Add(-time.Second)) || r.ReceivedAt.After(time.Now()) {
		t.Errorf("Receipt.ReceivedAt = %v, want the time of Accept, %v", r.ReceivedAt, before)
	}
	j := journey(t, h, e.Message.ID)
	if j.Status != "unrouted" {
		t.Errorf("Journey.Status = %q, want unrouted", j.Status)
	}
	if len(j.Deliveries) != 0 {
		t.Errorf("Journey has %d deliveries, want none", len(j.Deliveries))
	}
	if !j.Message.ReceivedAt.Equal(r.ReceivedAt) {
		t.Errorf("Journey.Message.ReceivedAt = %v, want the receipt's %v",
			j.Message.ReceivedAt, r.ReceivedAt)
	}
}

func testAcceptInvalidEntry(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-invalid", "court")
	e.Message.SenderMessageID = ""
	_, err := h.Store.Accept(context.Background(), e)
	if !errors.Is(err, journal.ErrInvalid) {
		t.Fatalf("Accept without a sender message id: error = %v, want ErrInvalid", err)
	}
	wantNotFound(t, h, e.Message.ID, e.Deliveries)
	if got := outboxIDs(t, h, topicCourt); len(got) != 0 {
		t.Errorf("outbox on %s = %v, want empty", topicCourt, got)
	}
}

func testDuplicateChangesNothing(t *testing.T, h Harness) {
	first := newEntry(t, h, "fir-dup", "court")
	original := accept(t, h, first)
	before := journey(t, h, first.Message.ID)

	again := newEntry(t, h, "fir-dup", "court", "prison")
	again.Message.ReceivedAt = first.Message.ReceivedAt.Add(time.Hour)
	again.RoutesVersion = "routes-v8"
	r, err := h.Store.Accept(context.Background(), again)
	if err != nil {
		t.Fatalf("Accept duplicate: %v", err)
	}

	if !r.Duplicate {
		t.Errorf("Receipt.Duplicate = false, want true")
	}
	if r.MessageID != first.Message.ID {
		t.Errorf("Receipt.MessageID = %q, want the original %q", r.MessageID, first.Message.ID)
	}
	if !r.ReceivedAt.Equal(original.ReceivedAt) {
		t.Errorf("Receipt.ReceivedAt = %v, want the original's %v", r.ReceivedAt, original.ReceivedAt)
	}

	after := journey(t, h, first.Message.ID)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("journey changed by a duplicate:\n%+v\nwant\n%+v", after, before)
	}
	wantNotFound(t, h, again.Message.ID, again.Deliveries)
	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{first.Deliveries[0].ID}) {
		t.Errorf("outbox on %s = %v, want only the original's [%s]",
			topicCourt, got, first.Deliveries[0].ID)
	}
	if got := outboxIDs(t, h, topicPrison); len(got) != 0 {
		t.Errorf("outbox on %s = %v, want empty", topicPrison, got)
	}
}

func testConcurrentDuplicates(t *testing.T, h Harness) {
	const senders = 20
	entries := make([]journal.Entry, senders)
	for i := range entries {
		entries[i] = newEntry(t, h, "fir-race", "court")
	}

	receipts := make([]journal.Receipt, senders)
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range entries {
		wg.Go(func() {
			receipts[i], errs[i] = h.Store.Accept(context.Background(), entries[i])
		})
	}
	wg.Wait()

	winner := -1
	for i, r := range receipts {
		if errs[i] != nil {
			t.Fatalf("Accept %d: %v", i, errs[i])
		}
		if !r.Duplicate {
			if winner >= 0 {
				t.Fatalf("Accept %d and %d both journaled the message", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("every Accept reported a duplicate, want exactly one new message")
	}

	for i, r := range receipts {
		if r.MessageID != entries[winner].Message.ID {
			t.Errorf("receipt %d MessageID = %q, want the winner's %q",
				i, r.MessageID, entries[winner].Message.ID)
		}
		if i != winner {
			wantNotFound(t, h, entries[i].Message.ID, entries[i].Deliveries)
		}
	}
	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{entries[winner].Deliveries[0].ID}) {
		t.Errorf("outbox on %s = %v, want only the winner's delivery", topicCourt, got)
	}
}

func testDeliveryIDCollisionRollsBack(t *testing.T, h Harness) {
	first := accept(t, h, newEntry(t, h, "fir-a", "court"))
	takenID := journey(t, h, first.MessageID).Deliveries[0].ID

	e := newEntry(t, h, "fir-b", "court", "prison")
	e.Deliveries[1].ID = takenID
	if _, err := h.Store.Accept(context.Background(), e); err == nil {
		t.Fatalf("Accept with a delivery id already taken succeeded, want an error")
	}
	wantNotFound(t, h, e.Message.ID, e.Deliveries[:1])
	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{takenID}) {
		t.Errorf("outbox on %s = %v, want only the first message's [%s]", topicCourt, got, takenID)
	}
	if got := outboxIDs(t, h, topicPrison); len(got) != 0 {
		t.Errorf("outbox on %s = %v, want empty", topicPrison, got)
	}

	// Nothing of the failed entry remains, so the same sender id is new.
	fixed := newEntry(t, h, "fir-b", "court")
	accept(t, h, fixed)
}

func testMissingTopicRollsBack(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-missing-topic", "court", "prison")
	e.Outbox[1].Topic = topicMissing
	if _, err := h.Store.Accept(context.Background(), e); err == nil {
		t.Fatalf("Accept publishing on a topic without a table succeeded, want an error")
	}

	wantNotFound(t, h, e.Message.ID, e.Deliveries)
	if got := outboxIDs(t, h, topicCourt); len(got) != 0 {
		t.Errorf("outbox on %s = %v, want empty after the rollback", topicCourt, got)
	}

	fixed := newEntry(t, h, "fir-missing-topic", "court")
	accept(t, h, fixed)
	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{fixed.Deliveries[0].ID}) {
		t.Errorf("outbox on %s = %v, want [%s]", topicCourt, got, fixed.Deliveries[0].ID)
	}
}

// testConcurrentAcceptsIsolateFailures sends many entries at once, among
// them one that cannot be published and one that repeats another's sender
// id, as a store that commits concurrent entries together would see them.
// Each entry's outcome must be its own.
func testConcurrentAcceptsIsolateFailures(t *testing.T, h Harness) {
	const n = 40
	entries := make([]journal.Entry, n)
	for i := range entries {
		entries[i] = newEntry(t, h, fmt.Sprintf("fir-burst-%02d", i), "court")
	}
	const broken, repeat, original = 7, 23, 3
	entries[broken].Outbox[0].Topic = topicMissing
	entries[repeat].Message.SenderMessageID = entries[original].Message.SenderMessageID

	receipts := make([]journal.Receipt, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range entries {
		wg.Go(func() {
			receipts[i], errs[i] = h.Store.Accept(context.Background(), entries[i])
		})
	}
	wg.Wait()

	if errs[broken] == nil {
		t.Errorf("Accept of the entry on a missing topic succeeded, want an error")
	}
	wantNotFound(t, h, entries[broken].Message.ID, entries[broken].Deliveries)

	// Either of the two with one sender id may win; the other is its
	// duplicate.
	winner, loser := original, repeat
	if receipts[original].Duplicate {
		winner, loser = repeat, original
	}
	if receipts[winner].Duplicate || !receipts[loser].Duplicate {
		t.Errorf("entries %d and %d share a sender id: Duplicate = %v and %v, want exactly one",
			original, repeat, receipts[original].Duplicate, receipts[repeat].Duplicate)
	}
	if receipts[loser].MessageID != entries[winner].Message.ID {
		t.Errorf("duplicate's receipt names %s, want the winner's %s",
			receipts[loser].MessageID, entries[winner].Message.ID)
	}
	wantNotFound(t, h, entries[loser].Message.ID, entries[loser].Deliveries)

	var want []string
	for i, e := range entries {
		if i == broken || i == loser {
			continue
		}
		if errs[i] != nil {
			t.Errorf("Accept %d: %v", i, errs[i])
			continue
		}
		if receipts[i].Duplicate || receipts[i].MessageID != e.Message.ID {
			t.Errorf("Accept %d: receipt %+v, want message %s as new", i, receipts[i], e.Message.ID)
		}
		j := journey(t, h, e.Message.ID)
		checkPendingDeliveries(t, j, e)
		want = append(want, e.Deliveries[0].ID)
	}
	got := outboxIDs(t, h, topicCourt)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("outbox on %s has %d commands, want the %d of the journaled entries:\n got %v\nwant %v",
			topicCourt, len(got), len(want), got, want)
	}
}

func testReusedIDWithOtherContent(t *testing.T, h Harness) {
	first := newEntry(t, h, "fir-reused", "court")
	first.ContentHash = "sha256:aaaa"
	accept(t, h, first)

	other := newEntry(t, h, "fir-reused", "court")
	other.ContentHash = "sha256:bbbb"
	_, err := h.Store.Accept(context.Background(), other)
	var conflict *journal.ConflictError
	if !errors.As(err, &conflict) || !errors.Is(err, journal.ErrConflict) {
		t.Fatalf("Accept of another message with a used sender id: error = %v, want a ConflictError", err)
	}
	if conflict.MessageID != first.Message.ID || conflict.SenderMessageID != "fir-reused" {
		t.Errorf("conflict names message %s and sender id %s, want %s and fir-reused",
			conflict.MessageID, conflict.SenderMessageID, first.Message.ID)
	}
	wantNotFound(t, h, other.Message.ID, other.Deliveries)

	for _, hash := range []string{"sha256:aaaa", ""} {
		resend := newEntry(t, h, "fir-reused", "court")
		resend.ContentHash = hash
		r, err := h.Store.Accept(context.Background(), resend)
		if err != nil || !r.Duplicate || r.MessageID != first.Message.ID {
			t.Errorf("resend with content hash %q: %+v, %v; want a duplicate of %s",
				hash, r, err, first.Message.ID)
		}
	}
	if got := outboxIDs(t, h, topicCourt); !slices.Equal(got, []string{first.Deliveries[0].ID}) {
		t.Errorf("outbox on %s = %v, want only the first message's delivery", topicCourt, got)
	}
}

// testAnnouncesCommittedTopics checks that Accept names the topics of a
// committed entry's outbox to the Published hook, once, and names nothing
// for a duplicate, an unrouted entry or a rollback.
func testAnnouncesCommittedTopics(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-announce", "court", "prison")
	accept(t, h, e)
	want := [][]string{{topicCourt, topicPrison}}
	checkAnnounced(t, h, want)

	again := newEntry(t, h, "fir-announce", "court")
	if r, err := h.Store.Accept(context.Background(), again); err != nil || !r.Duplicate {
		t.Fatalf("Accept duplicate = %+v, %v, want a duplicate", r, err)
	}
	accept(t, h, newEntry(t, h, "fir-announce-unrouted"))
	failing := newEntry(t, h, "fir-announce-missing", "court", "prison")
	failing.Outbox[1].Topic = topicMissing
	if _, err := h.Store.Accept(context.Background(), failing); err == nil {
		t.Fatalf("Accept publishing on a topic without a table succeeded, want an error")
	}
	checkAnnounced(t, h, want)
}

// checkAnnounced fails t unless the Published hook got want so far, each
// call's topics in any order.
func checkAnnounced(t *testing.T, h Harness, want [][]string) {
	t.Helper()
	got := h.Announced.Calls()
	for _, call := range got {
		slices.Sort(call)
	}
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("Published calls = %v, want %v", got, want)
	}
}
