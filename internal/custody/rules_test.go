package custody

import (
	"fmt"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// on returns a movement of kind on day of October 2025 at hour, UTC.
func on(kind canonical.MovementKind, day, hour int) event {
	at := time.Date(2025, time.October, day, hour, 0, 0, 0, time.UTC)
	return event{kind: kind, at: at, messageID: fmt.Sprintf("%s@%d:%d", kind, day, hour)}
}

// trueHistories are movement histories of one prisoner that break no
// rule, oldest first. Movements of one day and hour share an instant.
var trueHistories = map[string][]event{
	"release and readmission": {
		on(canonical.MoveAdmission, 1, 11), on(canonical.MoveCourtProductionOut, 5, 9),
		on(canonical.MoveCourtProductionReturn, 5, 17), on(canonical.MoveRelease, 20, 16),
		on(canonical.MoveAdmission, 31, 12), on(canonical.MoveCourtProductionOut, 31, 14),
		on(canonical.MoveHospitalOut, 31, 16), on(canonical.MoveHospitalReturn, 31, 20),
		on(canonical.MoveDeath, 31, 22),
	},
	"escape, transfer and gate re-arrest": {
		on(canonical.MoveTransferIn, 1, 12), on(canonical.MoveParoleOut, 3, 12),
		on(canonical.MoveParoleReturn, 5, 12), on(canonical.MoveEscape, 8, 12),
		on(canonical.MoveAdmission, 10, 12), on(canonical.MoveRelease, 12, 12),
		on(canonical.MoveAdmission, 12, 12), on(canonical.MoveFurloughOut, 14, 12),
		on(canonical.MoveFurloughReturn, 16, 12), on(canonical.MoveTransferOut, 18, 12),
	},
	"earlier custody and out again": {
		on(canonical.MoveRelease, 1, 12), on(canonical.MoveAdmission, 3, 12),
		on(canonical.MoveRelease, 3, 12), on(canonical.MoveTransferIn, 5, 12),
		on(canonical.MoveCourtProductionOut, 6, 12), on(canonical.MoveEscape, 7, 12),
		on(canonical.MoveAdmission, 9, 12), on(canonical.MoveHospitalOut, 10, 12),
		on(canonical.MoveDeath, 10, 12),
	},
	"outs and returns": {
		on(canonical.MoveAdmission, 1, 12), on(canonical.MoveCourtProductionOut, 2, 12),
		on(canonical.MoveCourtProductionReturn, 3, 12), on(canonical.MoveHospitalOut, 4, 12),
		on(canonical.MoveHospitalReturn, 5, 12), on(canonical.MoveCourtProductionOut, 6, 12),
		on(canonical.MoveCourtProductionReturn, 6, 12), on(canonical.MoveTransferOut, 8, 12),
		on(canonical.MoveTransferIn, 9, 12), on(canonical.MoveRelease, 11, 12),
	},
}

// TestEarliestMissingMovementPasses journals every subset of each true
// history and checks the earliest movement not journaled: it passes, or,
// of several at that instant, one of them does. A prison that sends the
// movements it missed in date order therefore gets each accepted, and
// one that sends them in another order gets each accepted once the
// earlier ones are in.
func TestEarliestMissingMovementPasses(t *testing.T) {
	name := func(e *event) string { return e.messageID }
	for title, history := range trueHistories {
		t.Run(title, func(t *testing.T) {
			for subset := range 1 << len(history) {
				var journaled, missing []event
				for i, e := range history {
					if subset&(1<<i) != 0 {
						journaled = append(journaled, e)
					} else {
						missing = append(missing, e)
					}
				}
				if len(missing) == 0 {
					continue
				}
				var errs []error
				for _, e := range missing {
					if !e.at.Equal(missing[0].at) {
						break
					}
					mv := &canonical.Movement{Kind: e.kind, At: e.at}
					err := check(mv, append([]event(nil), journaled...), name)
					if err == nil {
						errs = nil
						break
					}
					errs = append(errs, err)
				}
				if errs != nil {
					t.Errorf("journal %v: the earliest missing movement is rejected: %v",
						messageIDs(journaled), errs)
				}
			}
		})
	}
}

func messageIDs(events []event) []string {
	var ids []string
	for _, e := range events {
		ids = append(ids, e.messageID)
	}
	return ids
}
