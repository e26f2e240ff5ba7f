package custody_test

import (
	"context"
	"testing"

	"github.com/sangam-hub/sangam/internal/custody"
)

// TestConflictShowsFractionOfSecond checks that a conflict message
// writes the journaled movement's time with its fraction of a second,
// nanoseconds included, which the movement claims do not keep.
func TestConflictShowsFractionOfSecond(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	posts := []struct{ id, kind, at string }{
		{"MV-1", "admission", "2025-10-18T08:10:00.75+05:30"},
		{"MV-2", "release", "2025-10-18T09:00:00.999999999+05:30"},
	}
	for _, p := range posts {
		if _, err := s.Accept(ctx, "prisons", movementAt(t, p.id, p.kind, p.at, 0), ""); err != nil {
			t.Fatalf("%s %s: %v", p.id, p.kind, err)
		}
	}
	_, err := s.Accept(ctx, "prisons", movementAt(t, "MV-3", "court_production_out",
		"2025-10-18T09:00:01+05:30", 0), "")
	wantMessage(t, err, custody.RuleNotInCustody, "by the release at 2025-10-18T09:00:00.999999999+05:30")

	_, err = s.Accept(ctx, "prisons", movementAt(t, "MV-4", "admission", "2025-10-18T08:30:00+05:30", 0), "")
	wantMessage(t, err, custody.RuleAlreadyInCustody, "the admission at 2025-10-18T08:10:00.75+05:30")
}
