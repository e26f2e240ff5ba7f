package journaltest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

var original = journal.Claim{Kind: "original-final-report", Key: "FIR/KL/TVM/0042/2026/117"}

// wantClaimed fails t unless err is a *journal.ClaimedError for claim c
// naming holder.
func wantClaimed(t *testing.T, err error, c journal.Claim, holder string) {
	t.Helper()
	var claimed *journal.ClaimedError
	if !errors.As(err, &claimed) {
		t.Fatalf("Accept error = %v, want a *journal.ClaimedError", err)
	}
	if !errors.Is(err, journal.ErrClaimed) {
		t.Errorf("Accept error %v does not wrap journal.ErrClaimed", err)
	}
	if claimed.Claim != c || claimed.Holder != holder {
		t.Errorf("ClaimedError = %+v, want claim %v held by %s", *claimed, c, holder)
	}
}

func testClaimHeldOnce(t *testing.T, h Harness) {
	first := newEntry(t, h, "report-1", "court")
	first.Claims = []journal.Claim{original}
	accept(t, h, first)

	if holder, err := h.Store.ClaimHolder(context.Background(), original); err != nil || holder != first.Message.ID {
		t.Errorf("ClaimHolder = %q, %v, want %s", holder, err, first.Message.ID)
	}
	untaken := journal.Claim{Kind: original.Kind, Key: original.Key + "9"}
	if _, err := h.Store.ClaimHolder(context.Background(), untaken); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("ClaimHolder(a claim nobody took) error = %v, want ErrNotFound", err)
	}

	second := newEntry(t, h, "report-2", "court")
	second.Claims = []journal.Claim{original}
	_, err := h.Store.Accept(context.Background(), second)
	wantClaimed(t, err, original, first.Message.ID)
	wantNotFound(t, h, second.Message.ID, second.Deliveries)
	if got := outboxIDs(t, h, topicCourt); len(got) != 1 {
		t.Errorf("outbox on %s = %v, want only the first message's delivery", topicCourt, got)
	}

	// A resend of the holder is a duplicate, not a rejected claim.
	resend := newEntry(t, h, "report-1", "court")
	resend.Claims = []journal.Claim{original}
	r, err := h.Store.Accept(context.Background(), resend)
	if err != nil || !r.Duplicate || r.MessageID != first.Message.ID {
		t.Errorf("Accept(resend of the holder) = %+v, %v; want the holder as a duplicate", r, err)
	}

	// Another kind, or another key, is another claim.
	other := newEntry(t, h, "report-3", "court")
	other.Claims = []journal.Claim{
		{Kind: original.Kind, Key: original.Key + "8"},
		{Kind: "open-verification-request", Key: original.Key},
	}
	accept(t, h, other)
}

func testClaimReleased(t *testing.T, h Harness) {
	request := newEntry(t, h, "request-1")
	request.Claims = []journal.Claim{original}
	accept(t, h, request)

	// A release naming another holder leaves the claim alone.
	stray := newEntry(t, h, "report-stray")
	stray.Releases = []journal.Release{{Claim: original, Holder: "not-the-holder"}}
	accept(t, h, stray)
	again := newEntry(t, h, "request-2")
	again.Claims = []journal.Claim{original}
	_, err := h.Store.Accept(context.Background(), again)
	wantClaimed(t, err, original, request.Message.ID)

	report := newEntry(t, h, "report-1")
	report.Releases = []journal.Release{{Claim: original, Holder: request.Message.ID}}
	accept(t, h, report)
	if _, err := h.Store.ClaimHolder(context.Background(), original); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("ClaimHolder after the release: error = %v, want ErrNotFound", err)
	}
	next := newEntry(t, h, "request-3")
	next.Claims = []journal.Claim{original}
	accept(t, h, next)

	// A duplicate of the report ends nothing: the claim stays with next.
	resend := newEntry(t, h, "report-1")
	resend.Releases = []journal.Release{{Claim: original, Holder: next.Message.ID}}
	if r, err := h.Store.Accept(context.Background(), resend); err != nil || !r.Duplicate {
		t.Fatalf("Accept(resent report) = %+v, %v; want a duplicate", r, err)
	}
	last := newEntry(t, h, "request-4")
	last.Claims = []journal.Claim{original}
	_, err = h.Store.Accept(context.Background(), last)
	wantClaimed(t, err, original, next.Message.ID)

	// A release without a key ends every claim of its kind that the
	// holder holds, and no other.
	other := journal.Claim{Kind: "open-verification-request", Key: "TV1076543210"}
	both := newEntry(t, h, "request-5")
	both.Claims = []journal.Claim{{Kind: original.Kind, Key: original.Key + "7"}, other}
	accept(t, h, both)
	rejected := newEntry(t, h, "callback-1")
	rejected.Releases = []journal.Release{{Claim: journal.Claim{Kind: original.Kind}, Holder: both.Message.ID}}
	accept(t, h, rejected)
	if _, err := h.Store.ClaimHolder(context.Background(), journal.Claim{Kind: original.Kind,
		Key: original.Key + "7"}); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("ClaimHolder after a release of its kind: error = %v, want ErrNotFound", err)
	}
	if holder, err := h.Store.ClaimHolder(context.Background(), other); err != nil || holder != both.Message.ID {
		t.Errorf("ClaimHolder(claim of another kind) = %q, %v, want %s", holder, err, both.Message.ID)
	}
	if holder, err := h.Store.ClaimHolder(context.Background(), original); err != nil || holder != next.Message.ID {
		t.Errorf("ClaimHolder(claim of another holder) = %q, %v, want %s", holder, err, next.Message.ID)
	}
}

// testConcurrentClaims sends messages with one claim at once, each with
// its own sender id, while others without the claim share their
// transactions: one of the claimants is journaled, and every other
// message but the refused ones.
func testConcurrentClaims(t *testing.T, h Harness) {
	const claimants, bystanders = 12, 12
	claims := make([]journal.Entry, claimants)
	for i := range claims {
		claims[i] = newEntry(t, h, fmt.Sprintf("report-%d", i), "court")
		claims[i].Claims = []journal.Claim{original}
	}
	others := make([]journal.Entry, bystanders)
	for i := range others {
		others[i] = newEntry(t, h, fmt.Sprintf("fir-%d", i), "court")
	}

	claimErrs := make([]error, claimants)
	otherErrs := make([]error, bystanders)
	var wg sync.WaitGroup
	for i := range claims {
		wg.Go(func() { _, claimErrs[i] = h.Store.Accept(context.Background(), claims[i]) })
	}
	for i := range others {
		wg.Go(func() { _, otherErrs[i] = h.Store.Accept(context.Background(), others[i]) })
	}
	wg.Wait()

	winner := -1
	for i, err := range claimErrs {
		if err == nil {
			if winner >= 0 {
				t.Fatalf("messages %d and %d both took %v", winner, i, original)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no message took %v: %v", original, claimErrs)
	}
	for i, err := range claimErrs {
		if i == winner {
			continue
		}
		wantClaimed(t, err, original, claims[winner].Message.ID)
		wantNotFound(t, h, claims[i].Message.ID, claims[i].Deliveries)
	}
	for i, err := range otherErrs {
		if err != nil {
			t.Errorf("Accept(message %d without claims): %v", i, err)
		}
	}
	if got := outboxIDs(t, h, topicCourt); len(got) != 1+bystanders {
		t.Errorf("outbox on %s has %d messages, want %d", topicCourt, len(got), 1+bystanders)
	}
}

// testClaimsUnder journals claims whose keys share prefixes and reads
// those under one prefix, in byte order, with their holders.
func testClaimsUnder(t *testing.T, h Harness) {
	holders := map[string]string{}
	for i, key := range []string{"KLSJ/UT-1/release/2", "KLSJ/UT-1/admission/1", "KLSJ/UT-10/release/3",
		"KLSJ/UT-1/death/4", "KLSJ/UT-1_/escape/5"} {
		e := newEntry(t, h, fmt.Sprintf("movement-%d", i), "court")
		e.Claims = []journal.Claim{{Kind: "prisoner-movement", Key: key}}
		accept(t, h, e)
		holders[key] = e.Message.ID
	}
	other := newEntry(t, h, "other-kind", "court")
	other.Claims = []journal.Claim{{Kind: "another-kind", Key: "KLSJ/UT-1/release/9"}}
	accept(t, h, other)

	got, err := h.Store.ClaimsUnder(context.Background(), "prisoner-movement", "KLSJ/UT-1/")
	if err != nil {
		t.Fatalf("ClaimsUnder: %v", err)
	}
	want := []string{"KLSJ/UT-1/admission/1", "KLSJ/UT-1/death/4", "KLSJ/UT-1/release/2"}
	if len(got) != len(want) {
		t.Fatalf("ClaimsUnder = %+v, want the keys %v", got, want)
	}
	for i, c := range got {
		if c.Key != want[i] || c.Holder != holders[want[i]] || c.Kind != "prisoner-movement" {
			t.Errorf("claim %d = %+v, want %s held by %s", i, c, want[i], holders[want[i]])
		}
	}

	// A prisoner of long standing has more movements than a page of
	// any listing holds; every one counts.
	many := newEntry(t, h, "many-movements", "court")
	for i := range journal.MaxLimit + 5 {
		many.Claims = append(many.Claims, journal.Claim{Kind: "prisoner-movement",
			Key: fmt.Sprintf("KLSJ/UT-2/court_production_out/%05d", i)})
	}
	accept(t, h, many)
	got, err = h.Store.ClaimsUnder(context.Background(), "prisoner-movement", "KLSJ/UT-2/")
	if err != nil {
		t.Fatalf("ClaimsUnder: %v", err)
	}
	if len(got) != journal.MaxLimit+5 {
		t.Errorf("ClaimsUnder returned %d claims of a prisoner with %d", len(got), journal.MaxLimit+5)
	}
}
