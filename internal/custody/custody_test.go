package custody_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
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
	hospital := map[string]any{"kind": "hospital", "name": "General Hospital, Ernakulam"}
	home := map[string]any{"kind": "home"}
	otherPrison := map[string]any{"kind": "prison", "code": "KLCJVIY"}
	switch kind {
	case "release":
	case "admission", "court_production_return":
		doc["from"], doc["to"] = court, prison
	case "court_production_out":
		doc["to"] = court
	case "hospital_out":
		doc["to"] = hospital
	case "hospital_return":
		doc["from"], doc["to"] = hospital, prison
	case "parole_out", "furlough_out":
		doc["to"] = home
	case "parole_return", "furlough_return":
		doc["from"], doc["to"] = home, prison
	case "transfer_out":
		doc["to"] = otherPrison
	case "transfer_in":
		doc["from"], doc["to"] = otherPrison, prison
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
	wantRule(t, postMovement(t, s, "MV-4", "death", "17:25"), custody.RuleNotInCustody)
	acceptAll(t, s, step{"MV-5", "admission", "17:30", 0}, step{"MV-6", "death", "17:35", 0})
	wantRule(t, postMovement(t, s, "MV-7", "death", "17:40"), custody.RuleAfterDeath)
	wantRule(t, postMovement(t, s, "MV-8", "court_production_out", "17:50"), custody.RuleAfterDeath)
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

// TestLateDepartureBeforeHeldMovements reports, after an admission and
// a production, a release dated before the production.
func TestLateDepartureBeforeHeldMovements(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, step{"MV-1", "admission", "08:00", 0}, step{"MV-2", "court_production_out", "12:00", 0})
	err := postMovement(t, s, "MV-3", "release", "10:00")
	wantRule(t, err, custody.RuleNotInCustody)
}

// TestReArrestAtGate releases a held prisoner and admits him again in
// one minute. The admission reported first is rejected, since the
// prisoner is held, and passes once the release is reported. A
// production and a release after it pass, and an admission between
// them is rejected.
func TestReArrestAtGate(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, step{"G-1", "admission", "08:00", 0})
	wantRule(t, postMovement(t, s, "G-2", "admission", "10:00"), custody.RuleAlreadyInCustody)
	acceptAll(t, s, step{"G-3", "release", "10:00", 0}, step{"G-2", "admission", "10:00", 0},
		step{"G-4", "court_production_out", "12:00", 0}, step{"G-5", "release", "16:00", 0})
	wantRule(t, postMovement(t, s, "G-6", "admission", "11:00"), custody.RuleAlreadyInCustody)
}

// TestSameInstantOrder reports pairs of one instant in both orders: a
// return and a release, a hospital transfer and a death, a release and
// a death.
func TestSameInstantOrder(t *testing.T) {
	for _, pair := range [][2]string{{"court_production_return", "release"}, {"release", "court_production_return"},
		{"hospital_out", "death"}, {"death", "hospital_out"}, {"release", "death"}, {"death", "release"}} {
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

// TestMovementsDatedBeforeOnesHeld reports, after a release, an
// admission and a death, a death and releases dated before them.
func TestMovementsDatedBeforeOnesHeld(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "17:00"); err != nil {
		t.Fatalf("release: %v", err)
	}
	wantRule(t, postMovement(t, s, "MV-2", "release", "16:00"), custody.RuleNotInCustody)
	wantRule(t, postMovement(t, s, "MV-3", "escape", "15:00"), custody.RuleNotInCustody)
	acceptAll(t, s, step{"MV-4", "admission", "17:20", 0}, step{"MV-5", "death", "17:30", 0})
	wantRule(t, postMovement(t, s, "MV-6", "death", "12:00"), custody.RuleAfterDeath)
	wantRule(t, postMovement(t, s, "MV-7", "release", "17:25"), custody.RuleNotInCustody)
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

// TestReArrestedTwiceAtGate releases and re-arrests a prisoner at the
// gate twice: he is held, so a production after it passes.
func TestReArrestedTwiceAtGate(t *testing.T) {
	acceptAll(t, newService(t), admitted, step{"MV-1", "release", "09:00", 0}, step{"MV-2", "admission", "09:00", 0},
		step{"MV-3", "release", "10:00", 0}, step{"MV-4", "admission", "10:00", 0},
		step{"MV-5", "court_production_out", "12:00", 0})
}

// postAfter posts steps to a new service, then the movement of kind at
// clock, and returns its error.
func postAfter(t *testing.T, steps []step, kind, clock string) error {
	t.Helper()
	s := newService(t)
	acceptAll(t, s, steps...)
	return postMovement(t, s, "MV-new", kind, clock)
}

// admitted is the admission that starts most tests' histories.
var admitted = step{"MV-A", "admission", "08:00", 0}

// TestDeathOutOfCustody reports a death after each departure, and each
// departure dated before a death.
func TestDeathOutOfCustody(t *testing.T) {
	for _, departure := range []string{"release", "escape", "transfer_out"} {
		t.Run(departure, func(t *testing.T) {
			err := postAfter(t, []step{admitted, {"MV-D", departure, "10:00", 0}}, "death", "12:00")
			wantRule(t, err, custody.RuleNotInCustody)
			err = postAfter(t, []step{admitted, {"MV-D", "death", "12:00", 0}}, departure, "10:00")
			wantRule(t, err, custody.RuleNotInCustody)
		})
	}
}

// TestDeathWhileOut reports the death of a prisoner out at court, in
// hospital, on parole or on furlough, whom the prison still holds.
func TestDeathWhileOut(t *testing.T) {
	for _, out := range []string{"court_production_out", "hospital_out", "parole_out", "furlough_out"} {
		if err := postAfter(t, []step{admitted, {"MV-O", out, "10:00", 0}}, "death", "12:00"); err != nil {
			t.Errorf("death after a %s: %v", out, err)
		}
	}
}

// TestDeathBeforeMovement reports a death dated before a production.
func TestDeathBeforeMovement(t *testing.T) {
	err := postAfter(t, []step{admitted, {"MV-O", "court_production_out", "12:00", 0}}, "death", "10:00")
	wantRule(t, err, custody.RuleAfterDeath)
}

// TestArrivalOfHeldPrisoner admits or transfers in a prisoner the
// prison holds, inside or out for a while.
func TestArrivalOfHeldPrisoner(t *testing.T) {
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"admitted", []step{admitted}},
		{"transferred in", []step{{"MV-T", "transfer_in", "08:00", 0}}},
		{"at court", []step{admitted, {"MV-O", "court_production_out", "09:00", 0}}},
		{"in hospital", []step{admitted, {"MV-O", "hospital_out", "09:00", 0}}},
		{"on parole", []step{admitted, {"MV-O", "parole_out", "09:00", 0}}},
		{"on furlough", []step{admitted, {"MV-O", "furlough_out", "09:00", 0}}},
		{"back from court", []step{admitted, {"MV-O", "court_production_out", "09:00", 0},
			{"MV-R", "court_production_return", "10:00", 0}}},
		{"re-arrested at the gate", []step{admitted, {"MV-D", "release", "09:00", 0},
			{"MV-G", "admission", "09:00", 0}}},
	} {
		for _, kind := range []string{"admission", "transfer_in"} {
			t.Run(c.name+"/"+kind, func(t *testing.T) {
				wantRule(t, postAfter(t, c.steps, kind, "12:00"), custody.RuleAlreadyInCustody)
			})
		}
	}
}

// TestArrivalAfterDeparture admits or transfers in a prisoner after
// each departure, and before the first admission the journal holds.
func TestArrivalAfterDeparture(t *testing.T) {
	for _, departure := range []string{"release", "escape", "transfer_out"} {
		for _, kind := range []string{"admission", "transfer_in"} {
			steps := []step{admitted, {"MV-D", departure, "10:00", 0}}
			if err := postAfter(t, steps, kind, "12:00"); err != nil {
				t.Errorf("%s after a %s: %v", kind, departure, err)
			}
		}
	}
	for _, kind := range []string{"admission", "transfer_in"} {
		if err := postAfter(t, []step{{"MV-L", "admission", "12:00", 0}}, kind, "10:00"); err != nil {
			t.Errorf("%s of an earlier custody: %v", kind, err)
		}
		steps := []step{{"MV-D", "release", "09:00", 0}, {"MV-L", "admission", "12:00", 0}}
		if err := postAfter(t, steps, kind, "10:00"); err != nil {
			t.Errorf("%s of an earlier custody, after a release: %v", kind, err)
		}
	}
}

// TestArrivalBeforeHeldArrival reports, between a release and an
// admission, an admission or transfer in after which the prisoner would
// be held at the admission.
func TestArrivalBeforeHeldArrival(t *testing.T) {
	steps := []step{admitted, {"MV-D", "release", "10:00", 0}, {"MV-L", "admission", "12:00", 0}}
	for _, kind := range []string{"admission", "transfer_in"} {
		wantRule(t, postAfter(t, steps, kind, "11:00"), custody.RuleAlreadyInCustody)
	}
}

// TestReturnWithoutOut reports returns whose out is not the latest
// movement before them.
func TestReturnWithoutOut(t *testing.T) {
	for _, c := range []struct {
		name, kind string
		steps      []step
	}{
		{"court return after an admission", "court_production_return", []step{admitted}},
		{"hospital return after an admission", "hospital_return", []step{admitted}},
		{"parole return after an admission", "parole_return", []step{admitted}},
		{"furlough return after an admission", "furlough_return", []step{admitted}},
		{"court return from hospital", "court_production_return",
			[]step{admitted, {"MV-O", "hospital_out", "10:00", 0}}},
		{"furlough return from parole", "furlough_return",
			[]step{admitted, {"MV-O", "parole_out", "10:00", 0}}},
		{"second court return", "court_production_return", []step{admitted,
			{"MV-O", "court_production_out", "09:00", 0}, {"MV-R", "court_production_return", "10:00", 0}}},
		{"court return after hospital from court", "court_production_return", []step{admitted,
			{"MV-O", "court_production_out", "09:00", 0}, {"MV-H", "hospital_out", "10:00", 0}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantRule(t, postAfter(t, c.steps, c.kind, "12:00"), custody.RuleReturnWithoutOut)
		})
	}
}

// TestReturnAfterOut reports returns after their outs, also at the same
// instant, after a move on from court to hospital, and with no movement
// known before. It also releases a prisoner at court, and has one
// escape and one die there.
func TestReturnAfterOut(t *testing.T) {
	for _, c := range []struct {
		name, kind, clock string
		steps             []step
	}{
		{"from court", "court_production_return", "12:00",
			[]step{admitted, {"MV-O", "court_production_out", "10:00", 0}}},
		{"from hospital", "hospital_return", "12:00", []step{admitted, {"MV-O", "hospital_out", "10:00", 0}}},
		{"from parole", "parole_return", "12:00", []step{admitted, {"MV-O", "parole_out", "10:00", 0}}},
		{"from furlough", "furlough_return", "12:00", []step{admitted, {"MV-O", "furlough_out", "10:00", 0}}},
		{"in the minute of the out", "court_production_return", "12:00",
			[]step{admitted, {"MV-O", "court_production_out", "12:00", 0}}},
		{"from hospital after court", "hospital_return", "12:00", []step{admitted,
			{"MV-O", "court_production_out", "09:00", 0}, {"MV-H", "hospital_out", "10:00", 0}}},
		{"with no movement known", "court_production_return", "12:00", nil},
		{"released by the court", "release", "12:00", []step{admitted, {"MV-O", "court_production_out", "10:00", 0}}},
		{"escaped from court", "escape", "12:00", []step{admitted, {"MV-O", "court_production_out", "10:00", 0}}},
		{"died at court", "death", "12:00", []step{admitted, {"MV-O", "court_production_out", "10:00", 0}}},
	} {
		if err := postAfter(t, c.steps, c.kind, c.clock); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestMovementBeforeReturn reports, between a production and its
// return, a hospital transfer and another return.
func TestMovementBeforeReturn(t *testing.T) {
	steps := []step{admitted, {"MV-O", "court_production_out", "09:00", 0},
		{"MV-R", "court_production_return", "15:00", 0}}
	for _, kind := range []string{"hospital_out", "court_production_return"} {
		wantRule(t, postAfter(t, steps, kind, "12:00"), custody.RuleReturnWithoutOut)
	}
}

// TestConflictNamesEarlierMovement checks that the conflicts of an
// admission of a held prisoner and of a return without its out name the
// movement before them and the hub message that reported it.
func TestConflictNamesEarlierMovement(t *testing.T) {
	s := newService(t)
	results, err := s.Accept(context.Background(), "prisons", movement(t, "MV-1", "admission", "08:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	err = postMovement(t, s, "MV-2", "admission", "12:00")
	wantMessage(t, err, custody.RuleAlreadyInCustody, "the admission at", results[0].MessageID)

	results, err = s.Accept(context.Background(), "prisons", movement(t, "MV-3", "hospital_out", "13:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	err = postMovement(t, s, "MV-4", "court_production_return", "14:00")
	wantMessage(t, err, custody.RuleReturnWithoutOut, "is the hospital_out at", results[0].MessageID,
		"not a court_production_out")
}

// wantMessage fails t unless err is a conflict of rule whose message
// contains each of parts.
func wantMessage(t *testing.T, err error, rule string, parts ...string) {
	t.Helper()
	wantRule(t, err, rule)
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		return
	}
	for _, part := range parts {
		if msg := conflict.Invalid.Violations[0].Message; !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
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

// TestMovementsCheckedAtOnce checks two movements of a prisoner against
// the same history at the same moment, where either rules out the
// other: a release and a later production, two admissions after a
// release, and a hospital transfer and a court return after a
// production. The second to reach the journal is checked again, against
// the first, and rejected, whichever it is.
func TestMovementsCheckedAtOnce(t *testing.T) {
	for _, c := range []struct {
		name   string
		before []step
		pair   [2]step
		rule   string
	}{
		{"release and production", []step{admitted},
			[2]step{{"MV-2", "release", "10:00", 0}, {"MV-3", "court_production_out", "12:00", 0}},
			custody.RuleNotInCustody},
		{"two admissions", []step{admitted, {"MV-1", "release", "09:00", 0}},
			[2]step{{"MV-2", "admission", "10:00", 0}, {"MV-3", "admission", "12:00", 0}},
			custody.RuleAlreadyInCustody},
		{"hospital transfer and court return", []step{admitted, {"MV-1", "court_production_out", "09:00", 0}},
			[2]step{{"MV-2", "hospital_out", "10:00", 0}, {"MV-3", "court_production_return", "12:00", 0}},
			custody.RuleReturnWithoutOut},
	} {
		t.Run(c.name, func(t *testing.T) { checkAtOnce(t, c.before, c.pair, c.rule) })
	}
}

// checkAtOnce posts before, then the two movements of pair at once, and
// fails t unless exactly one of them is rejected, with a conflict of
// rule.
func checkAtOnce(t *testing.T, before []step, pair [2]step, rule string) {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}}
	s.Guards = []ingest.Guard{&custody.History{Journal: store}}
	acceptAll(t, s, before...)

	meeting := &meetingStore{Store: store, met: make(chan struct{})}
	s.Guards = []ingest.Guard{&custody.History{Journal: meeting}}
	var errs [2]error
	var wg sync.WaitGroup
	for i, st := range pair {
		body := movement(t, st.id, st.kind, st.clock)
		wg.Go(func() { _, errs[i] = s.Accept(context.Background(), "prisons", body, "") })
	}
	wg.Wait()

	if errs[0] == nil && errs[1] == nil {
		t.Fatalf("both the %s and the %s were accepted", pair[0].kind, pair[1].kind)
	}
	for i, err := range errs {
		if err != nil {
			wantRule(t, err, rule)
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
