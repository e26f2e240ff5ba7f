package custody_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/custody"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the custody check.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Guards = []ingest.Guard{&custody.History{Journal: store}}
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}}
	return s
}

// movement is the prisons' release sample as movement id of kind at the
// given time on 18 October 2025, in IST, sent at 18:02.
func movement(t *testing.T, id, kind, clock string) []byte {
	t.Helper()
	return movementOfFIR(t, id, kind, clock, 0)
}

// movementOfFIR is movement in the case of FIR number fir, or of the
// sample's FIR when fir is 0.
func movementOfFIR(t *testing.T, id, kind, clock string, fir int) []byte {
	t.Helper()
	body, err := os.ReadFile("../../adapters/prisons/testdata/release_bail.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	doc["message_id"], doc["kind"] = id, kind
	doc["at"] = "2025-10-18T" + clock + ":00+05:30"
	if fir != 0 {
		prisoner := doc["prisoner"].(map[string]any)
		c := prisoner["cases"].([]any)[0].(map[string]any)
		c["fir"].(map[string]any)["number"] = fir
		delete(c, "cnr")
	}

	// Only a release states a ground; each kind has its own places.
	if kind != "release" {
		delete(doc, "release_ground")
	}
	court := map[string]any{"kind": "court", "code": "KLER10"}
	prison := map[string]any{"kind": "prison", "code": "KLSJEKM"}
	switch kind {
	case "release":
	case "admission", "court_production_return":
		doc["from"], doc["to"] = court, prison
	case "court_production_out":
		doc["to"] = court
	case "hospital_out":
		doc["to"] = map[string]any{"kind": "hospital", "name": "General Hospital, Ernakulam"}
	default:
		delete(doc, "to")
	}

	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// postMovement posts movement(t, id, kind, clock) to s as the prisons
// and returns the error.
func postMovement(t *testing.T, s *ingest.Service, id, kind, clock string) error {
	t.Helper()
	_, err := s.Accept(context.Background(), "prisons", movement(t, id, kind, clock), "")
	return err
}

func wantRule(t *testing.T, err error, rule string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != rule {
		t.Errorf("error %v, want a %s conflict", err, rule)
	}
}

// step is one movement of a test's history: its message id, kind, time
// of day on 18 October 2025, and FIR number, 0 for the sample's FIR.
type step struct {
	id, kind, clock string
	fir             int
}

// acceptAll posts each step and fails t at the first that is rejected.
func acceptAll(t *testing.T, s *ingest.Service, steps ...step) {
	t.Helper()
	for _, st := range steps {
		body := movementOfFIR(t, st.id, st.kind, st.clock, st.fir)
		if _, err := s.Accept(context.Background(), "prisons", body, ""); err != nil {
			t.Fatalf("%s %s at %s: %v", st.id, st.kind, st.clock, err)
		}
	}
}

func TestMovementsAfterLeavingCustodyOrDeath(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "17:00"); err != nil {
		t.Fatalf("release: %v", err)
	}
	wantRule(t, postMovement(t, s, "MV-2", "escape", "17:10"), custody.RuleNotInCustody)
	wantRule(t, postMovement(t, s, "MV-3", "release", "17:20"), custody.RuleNotInCustody)
	if err := postMovement(t, s, "MV-4", "death", "17:30"); err != nil {
		t.Fatalf("death of a released prisoner: %v", err)
	}
	wantRule(t, postMovement(t, s, "MV-5", "death", "17:40"), custody.RuleAfterDeath)
	wantRule(t, postMovement(t, s, "MV-6", "court_production_out", "17:50"), custody.RuleAfterDeath)
}

// TestMovementOfEarlierCustody reports, after an admission, a release
// dated before it: it may be of a custody the hub never heard of.
func TestMovementOfEarlierCustody(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-A", "admission", "12:00"); err != nil {
		t.Fatalf("admission: %v", err)
	}
	if err := postMovement(t, s, "MV-B", "release", "11:00"); err != nil {
		t.Errorf("release of an earlier custody: %v", err)
	}
}

// TestLateDepartureBeforeHeldMovements reports, after a production and
// a return, a release dated before them, and a late release before a
// re-arrest at the gate, which is consistent.
func TestLateDepartureBeforeHeldMovements(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, step{"MV-1", "admission", "08:00", 0}, step{"MV-2", "court_production_out", "12:00", 0})
	err := postMovement(t, s, "MV-3", "release", "10:00")
	wantRule(t, err, custody.RuleNotInCustody)

	acceptAll(t, newService(t), step{"G-1", "admission", "08:00", 0}, step{"G-2", "admission", "10:00", 0},
		step{"G-3", "release", "16:00", 0}, step{"G-4", "release", "10:00", 0})
}

// TestSameInstantOrder reports pairs of one instant in both orders: a
// return and a release, a hospital transfer and a death.
func TestSameInstantOrder(t *testing.T) {
	for _, pair := range [][2]string{{"court_production_return", "release"}, {"release", "court_production_return"},
		{"hospital_out", "death"}, {"death", "hospital_out"}} {
		s := newService(t)
		if err := postMovement(t, s, "MV-A", "admission", "08:00"); err != nil {
			t.Fatal(err)
		}
		if pair[0] == "court_production_return" || pair[1] == "court_production_return" {
			if err := postMovement(t, s, "MV-O", "court_production_out", "09:00"); err != nil {
				t.Fatal(err)
			}
		}
		for _, kind := range pair {
			if err := postMovement(t, s, "MV-"+kind, kind, "12:00"); err != nil {
				t.Errorf("%v: %s: %v", pair, kind, err)
			}
		}
	}
}

// TestMovementsDatedBeforeOnesHeld reports, after a release and a death,
// a death and a release dated before them.
func TestMovementsDatedBeforeOnesHeld(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "17:00"); err != nil {
		t.Fatalf("release: %v", err)
	}
	wantRule(t, postMovement(t, s, "MV-2", "release", "16:00"), custody.RuleNotInCustody)
	wantRule(t, postMovement(t, s, "MV-3", "escape", "15:00"), custody.RuleNotInCustody)
	if err := postMovement(t, s, "MV-4", "death", "17:30"); err != nil {
		t.Fatalf("death: %v", err)
	}
	wantRule(t, postMovement(t, s, "MV-5", "death", "12:00"), custody.RuleAfterDeath)
}

// TestReturnAfterRelease reports a return from court production of a
// prisoner the prison released.
func TestReturnAfterRelease(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "10:00"); err != nil {
		t.Fatalf("release: %v", err)
	}
	err := postMovement(t, s, "MV-2", "court_production_return", "11:00")
	wantRule(t, err, custody.RuleNotInCustody)
}

// TestHistoryAcrossCases admits a prisoner again in another case after
// a release: a production in the first case is then legitimate.
func TestHistoryAcrossCases(t *testing.T) {
	acceptAll(t, newService(t), step{"MV-1", "release", "10:00", 8001},
		step{"MV-2", "admission", "11:00", 8002}, step{"MV-3", "court_production_out", "12:00", 8001})
}

// TestSameInstantMovements releases and re-arrests a prisoner at the
// gate in one minute, in either order of arrival, then produces him in
// court. It then reports one death twice.
func TestSameInstantMovements(t *testing.T) {
	for _, order := range [][]string{{"release", "admission"}, {"admission", "release"}} {
		s := newService(t)
		for i, kind := range order {
			if err := postMovement(t, s, "MV-"+kind, kind, "10:00"); err != nil {
				t.Fatalf("%v, movement %d: %v", order, i, err)
			}
		}
		if err := postMovement(t, s, "MV-court", "court_production_out", "12:00"); err != nil {
			t.Errorf("%v then a production: %v", order, err)
		}
	}

	s := newService(t)
	if err := postMovement(t, s, "MV-A", "admission", "10:00"); err != nil {
		t.Fatal(err)
	}
	if err := postMovement(t, s, "MV-H", "court_production_out", "10:00"); err != nil {
		t.Errorf("a production in the minute of the admission: %v", err)
	}
	if err := postMovement(t, s, "MV-D", "death", "11:00"); err != nil {
		t.Fatal(err)
	}
	err := postMovement(t, s, "MV-D2", "death", "11:00")
	wantRule(t, err, movementclaim.RuleMovementExists)
}

// TestAdmittedAndReleasedInOneMinute admits a prisoner released before
// and releases him again at the same instant, as a remand bailed at once
// is in a gate register kept to the minute.
func TestAdmittedAndReleasedInOneMinute(t *testing.T) {
	acceptAll(t, newService(t), step{"MV-1", "admission", "08:00", 6001}, step{"MV-2", "release", "09:00", 6001},
		step{"MV-3", "admission", "12:00", 6002}, step{"MV-4", "release", "12:00", 6002})
}

// TestOutAgainAfterOneMinute admits and releases in one minute a
// prisoner released before: he is out again, so a later production is
// impossible.
func TestOutAgainAfterOneMinute(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, step{"MV-1", "admission", "08:00", 0}, step{"MV-2", "release", "09:00", 0},
		step{"MV-3", "admission", "12:00", 0}, step{"MV-4", "release", "12:00", 0})
	err := postMovement(t, s, "MV-5", "court_production_out", "15:00")
	wantRule(t, err, custody.RuleNotInCustody)
}

// meetingStore is a journal whose first two reads of a prisoner's
// movements wait for each other, so that two movements are checked
// against the same history before either is journaled.
type meetingStore struct {
	journal.Store
	met   chan struct{} // closed by the second read
	reads atomic.Int32
}

func (s *meetingStore) ClaimsUnder(ctx context.Context, kind, prefix string) ([]journal.HeldClaim, error) {
	claims, err := s.Store.ClaimsUnder(ctx, kind, prefix)
	switch s.reads.Add(1) {
	case 1:
		select {
		case <-s.met:
		case <-time.After(10 * time.Second):
			return nil, errors.New("the other movement was not checked within 10 s")
		}
	case 2:
		close(s.met)
	}
	return claims, err
}

// TestMovementsCheckedAtOnce checks a release and a later production of
// an admitted prisoner against the same history at the same moment. The
// second to reach the journal is checked again, against the first, and
// rejected, whichever it is.
func TestMovementsCheckedAtOnce(t *testing.T) {
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}}
	s.Guards = []ingest.Guard{&custody.History{Journal: store}}
	acceptAll(t, s, step{"MV-1", "admission", "08:00", 0})

	meeting := &meetingStore{Store: store, met: make(chan struct{})}
	s.Guards = []ingest.Guard{&custody.History{Journal: meeting}}
	bodies := [][]byte{movement(t, "MV-2", "release", "10:00"), movement(t, "MV-3", "court_production_out", "12:00")}
	errs := make([]error, len(bodies))
	var wg sync.WaitGroup
	for i, body := range bodies {
		wg.Go(func() { _, errs[i] = s.Accept(context.Background(), "prisons", body, "") })
	}
	wg.Wait()

	if errs[0] == nil && errs[1] == nil {
		t.Fatal("both the release and the later production were accepted")
	}
	for i, err := range errs {
		if err != nil {
			wantRule(t, err, custody.RuleNotInCustody)
			if errs[1-i] != nil {
				t.Errorf("both rejected; the other: %v", errs[1-i])
			}
		}
	}
	if n := meeting.reads.Load(); n != 3 {
		t.Errorf("the history was read %d times, want 3: once for each and again for the second", n)
	}
}

// TestConflictPointsIntoDocument releases a prisoner twice, by JSON
// movements and by NIEM custody release reports: the second release's
// conflict points at its time in the document posted.
func TestConflictPointsIntoDocument(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	acceptAll(t, s, step{"MV-1", "release", "10:00", 0})
	err := postMovement(t, s, "MV-2", "release", "11:00")
	if got := conflictPointer(t, err); got != "/at" {
		t.Errorf("JSON movement: conflict at %q, want /at", got)
	}

	report, err := os.ReadFile("../../adapters/prisons/testdata/release_report.xml")
	if err != nil {
		t.Fatal(err)
	}
	s = newService(t)
	if _, err := s.Accept(ctx, "prisons", report, "application/xml"); err != nil {
		t.Fatalf("release report: %v", err)
	}
	later := bytes.Replace(report, []byte("2025-10-18T17:45:00+05:30"), []byte("2025-10-18T18:45:00+05:30"), 1)
	_, err = s.Accept(ctx, "prisons", later, "application/xml")
	if got, want := conflictPointer(t, err), "/CustodyReleaseReport/Custody/Release/ActivityDate"; got != want {
		t.Errorf("NIEM report: conflict at %q, want %q", got, want)
	}
}

// conflictPointer returns the pointer of err's first violation, failing
// t unless err is a not-in-custody conflict.
func conflictPointer(t *testing.T, err error) string {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != custody.RuleNotInCustody {
		t.Fatalf("error %v, want a %s conflict", err, custody.RuleNotInCustody)
	}
	return conflict.Invalid.Violations[0].Pointer
}
