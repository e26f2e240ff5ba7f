package ingest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
)

// keyGuard returns, on its nth run, the claim of kind "test-turn" keyed
// keys[n-1], or the last key once they run out.
type keyGuard struct {
	keys []string
	runs int
}

func (g *keyGuard) Guard(context.Context, *canonical.Message) ([]journal.Claim, error) {
	g.runs++
	key := g.keys[min(g.runs, len(g.keys))-1]
	return []journal.Claim{{Kind: "test-turn", Key: key}}, nil
}

// TestGuardRunsAgain journals a message with the claim that a second
// message's guard names first, as when a message journaled meanwhile
// changed what the guard read: the guard runs again, and the second
// message is journaled with its new claim.
func TestGuardRunsAgain(t *testing.T) {
	f := newFixture(t)
	guard := &keyGuard{keys: []string{"1", "1", "2"}}
	f.service.Guards = []ingest.Guard{guard}
	f.accept(t, firBody(t, "EKM0412-FIR-1", nil))
	second := f.accept(t, firBody(t, "EKM0412-FIR-2", nil))

	if guard.runs != 3 {
		t.Errorf("guard ran %d times, want 3: once for the first, twice for the second", guard.runs)
	}
	holder, err := f.store.ClaimHolder(context.Background(), journal.Claim{Kind: "test-turn", Key: "2"})
	if err != nil || holder != second.MessageID {
		t.Errorf("claim 2 held by %q (%v), want the second message %s", holder, err, second.MessageID)
	}
}

// TestGuardGivesUp returns a claim that a journaled message holds on
// every run: the message is rejected as busy after MaxGuardRuns runs and
// nothing of it is stored.
func TestGuardGivesUp(t *testing.T) {
	f := newFixture(t)
	guard := &keyGuard{keys: []string{"1"}}
	f.service.Guards = []ingest.Guard{guard}
	f.accept(t, firBody(t, "EKM0412-FIR-1", nil))
	guard.runs = 0

	_, err := f.service.Accept(context.Background(), "police", firBody(t, "EKM0412-FIR-2", nil), "application/json")
	if !errors.Is(err, ingest.ErrBusy) {
		t.Fatalf("error %v, want ErrBusy", err)
	}
	if guard.runs != ingest.MaxGuardRuns {
		t.Errorf("guard ran %d times, want %d", guard.runs, ingest.MaxGuardRuns)
	}
	if _, err := f.store.SenderMessage(context.Background(), "police", "EKM0412-FIR-2"); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("refused message in the journal: %v", err)
	}
}
