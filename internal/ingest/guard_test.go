package ingest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
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

// conflictCheck is a guard and an enricher that rejects every message
// as contradicting a journaled record.
type conflictCheck struct{}

func (conflictCheck) Guard(context.Context, *canonical.Message) ([]journal.Claim, error) {
	return nil, conflictCheck{}.Enrich(context.Background(), nil)
}

func (conflictCheck) Enrich(context.Context, *canonical.Message) error {
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/fir", Rule: "test-conflict", Message: "contradicts a journaled record",
	}}}}
}

// TestReusedIDBeatsCheckConflict journals a FIR, then posts other
// content under its message id to a service whose guard or enricher
// rejects every message: the error is the reuse of the id, as it is
// when no check fails, and a plain resend is still a duplicate.
func TestReusedIDBeatsCheckConflict(t *testing.T) {
	for _, c := range []struct {
		name  string
		setUp func(s *ingest.Service)
	}{
		{"guard", func(s *ingest.Service) { s.Guards = []ingest.Guard{conflictCheck{}} }},
		{"enricher", func(s *ingest.Service) { s.Enrichers = []ingest.Enricher{conflictCheck{}} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			first := f.accept(t, firBody(t, "EKM0412-FIR-1", nil))
			c.setUp(f.service)

			again := f.accept(t, firBody(t, "EKM0412-FIR-1", nil))
			if !again.Duplicate || again.MessageID != first.MessageID {
				t.Errorf("resend: %+v, want a duplicate of %s", again, first.MessageID)
			}
			changed := firBody(t, "EKM0412-FIR-1", func(doc map[string]any) {
				doc["registered_at"] = "2025-09-14T10:50:00+05:30"
			})
			_, err := f.service.Accept(context.Background(), "police", changed, "application/json")
			var reused *journal.ConflictError
			if !errors.As(err, &reused) {
				t.Fatalf("error %v, want a *journal.ConflictError", err)
			}
			if reused.MessageID != first.MessageID {
				t.Errorf("conflict names %s, want the first message %s", reused.MessageID, first.MessageID)
			}
		})
	}
}
