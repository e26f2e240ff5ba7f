package movementclaim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the movement claimer.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}}
	return s
}

// release is the prisons' release sample with its message id set to id
// and, when at is set, another release time.
func release(t *testing.T, id, at string) []byte {
	t.Helper()
	pairs := []string{`"KLSJEKM-MV-2025-000467"`, `"` + id + `"`}
	if at != "" {
		pairs = append(pairs, `"at": "2025-10-18T17:45:00+05:30"`, `"at": "`+at+`"`)
	}
	return ingesttest.Sample(t, "../../adapters/prisons/testdata/release_bail.json", pairs...)
}

func TestSecondReportOfMovementRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "prisons", release(t, "MV-A", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(ctx, "prisons", release(t, "MV-B", ""), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != movementclaim.RuleMovementExists {
		t.Fatalf("second report of the release: error %v, want a %s conflict", err, movementclaim.RuleMovementExists)
	}
	if !strings.Contains(err.Error(), first[0].MessageID) {
		t.Errorf("error %q does not name the first report %s", err, first[0].MessageID)
	}
	found, err := s.Store.Find(ctx, journal.Query{Source: "prisons", SenderMessageID: "MV-B"})
	if err != nil || len(found) != 0 {
		t.Errorf("the second report was journaled: %v, %v", found, err)
	}
	// The same prisoner released at another time is another movement.
	if _, err := s.Accept(ctx, "prisons", release(t, "MV-C", "2025-10-18T17:50:00+05:30"), ""); err != nil {
		t.Errorf("a release at another time: %v", err)
	}
}
