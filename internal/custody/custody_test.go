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
// given time on 18 October 2025, in IST.
func movement(t *testing.T, id, kind, clock string) []byte {
	t.Helper()
	return movementOfFIR(t, id, kind, clock, 0)
}

// movementOfFIR is movement in the case of FIR number fir, or of the
// sample's FIR when fir is 0.
func movementOfFIR(t *testing.T, id, kind, clock string, fir int) []byte {
	t.Helper()
	return movementAt(t, id, kind, "2025-10-18T"+clock+":00+05:30", fir)
}

// movementAt is the prisons' release sample as movement id of kind at
// at, an RFC 3339 time, and sent then, in the case of FIR number fir, or
// of the sample's FIR when fir is 0.
func movementAt(t *testing.T, id, kind, at string, fir int) []byte {
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
	doc["at"], doc["sent_at"] = at, at
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

// dated is a movement of a test's history on any day: its message id,
// kind and RFC 3339 time.
type dated struct {
	id, kind, at string
}

// postDated posts d to s as the prisons and returns the error.
func postDated(t *testing.T, s *ingest.Service, d dated) error {
	t.Helper()
	_, err := s.Accept(context.Background(), "prisons", movementAt(t, d.id, d.kind, d.at, 0), "")
	return err
}

// acceptDated posts each of movements and fails t at the first that is
// rejected.
func acceptDated(t *testing.T, s *ingest.Service, movements ...dated) {
	t.Helper()
	for _, d := range movements {
		if err := postDated(t, s, d); err != nil {
			t.Fatalf("%s %s at %s: %v", d.id, d.kind, d.at, err)
		}
	}
}

// TestMissedPairReportedLate journals an admission and a court
// production a month later. The prison's link was down for the departure
// and the arrival between them, which it then reports. In date order
// both are accepted. The arrival sent first is rejected until the
// departure is in.
func TestMissedPairReportedLate(t *testing.T) {
	journaled := []dated{{"SJ-MV-1", "admission", "2025-10-01T11:00:00+05:30"},
		{"SJ-MV-4", "court_production_out", "2025-11-05T09:30:00+05:30"}}
	for _, pair := range [][2]string{{"release", "admission"}, {"escape", "admission"},
		{"transfer_out", "transfer_in"}} {
		departure := dated{"SJ-MV-2", pair[0], "2025-10-20T16:00:00+05:30"}
		arrival := dated{"SJ-MV-3", pair[1], "2025-11-01T12:00:00+05:30"}
		t.Run(pair[0]+"/date order", func(t *testing.T) {
			s := newService(t)
			acceptDated(t, s, journaled...)
			acceptDated(t, s, departure, arrival)
		})
		t.Run(pair[0]+"/arrival first", func(t *testing.T) {
			s := newService(t)
			acceptDated(t, s, journaled...)
			wantMessage(t, postDated(t, s, arrival), custody.RuleAlreadyInCustody,
				"held after the admission at 2025-10-01T11:00:00+05:30", "report that first")
			acceptDated(t, s, departure, arrival)
		})
	}
}

// TestLateMovementsOfOneCustody reports, after an admission and a death,
// an escape and then a release dated before it, with the admissions
// after them not reported yet. It then reports a hospital transfer and
// its return dated between a journaled court production and its return.
func TestLateMovementsOfOneCustody(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, admitted, step{"MV-D", "death", "17:00", 0})
	acceptAll(t, s, step{"MV-1", "escape", "12:00", 0}, step{"MV-2", "release", "10:00", 0})

	s = newService(t)
	acceptAll(t, s, admitted, step{"MV-O", "court_production_out", "09:00", 0},
		step{"MV-R", "court_production_return", "15:00", 0})
	acceptAll(t, s, step{"MV-1", "court_production_return", "10:00", 0}, step{"MV-2", "hospital_out", "11:00", 0},
		step{"MV-3", "hospital_return", "12:00", 0}, step{"MV-4", "court_production_out", "13:00", 0})
}

// TestReArrestAtGate releases a held prisoner and admits him again at
// the same instant. The admission reported first is rejected, since the
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
// return and a release, a hospital transfer and a death, a court
// production and a death. One order of each breaks no rule.
func TestSameInstantOrder(t *testing.T) {
	for _, pair := range [][2]string{{"court_production_return", "release"}, {"release", "court_production_return"},
		{"hospital_out", "death"}, {"death", "hospital_out"},
		{"court_production_out", "death"}, {"death", "court_production_out"}} {
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

// TestSameInstantContradictions reports, in both orders, pairs of one
// instant that break a rule in either order: two departures, a death
// and a departure, and two arrivals. The second of each pair is
// rejected by the rule of the first.
func TestSameInstantContradictions(t *testing.T) {
	departed := []step{admitted, {"MV-L", "release", "09:00", 0}}
	for _, c := range []struct {
		pair   [2]string
		before []step
		rule   string
	}{
		{[2]string{"release", "escape"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"escape", "release"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"release", "transfer_out"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"transfer_out", "escape"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"release", "death"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"escape", "death"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"transfer_out", "death"}, []step{admitted}, custody.RuleNotInCustody},
		{[2]string{"death", "release"}, []step{admitted}, custody.RuleAfterDeath},
		{[2]string{"death", "escape"}, []step{admitted}, custody.RuleAfterDeath},
		{[2]string{"death", "transfer_out"}, []step{admitted}, custody.RuleAfterDeath},
		{[2]string{"admission", "transfer_in"}, departed, custody.RuleAlreadyInCustody},
		{[2]string{"transfer_in", "admission"}, departed, custody.RuleAlreadyInCustody},
	} {
		t.Run(c.pair[0]+"/"+c.pair[1], func(t *testing.T) {
			s := newService(t)
			acceptAll(t, s, c.before...)
			acceptAll(t, s, step{"MV-1", c.pair[0], "12:00", 0})
			wantMessage(t, postMovement(t, s, "MV-2", c.pair[1], "12:00"), c.rule,
				"the "+c.pair[0]+" at 2025-10-18T12:00:00+05:30", "at the instant of this "+c.pair[1])
		})
	}
}

// TestMovementsDatedBeforeOnesHeld reports, after a release, an
// admission and a death, releases dated before them, which the
// admissions between may still follow, and a death dated before them.
func TestMovementsDatedBeforeOnesHeld(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "17:00"); err != nil {
		t.Fatalf("release: %v", err)
	}
	acceptAll(t, s, step{"MV-2", "release", "16:00", 0}, step{"MV-3", "escape", "15:00", 0},
		step{"MV-4", "admission", "17:20", 0}, step{"MV-5", "death", "17:30", 0})
	wantRule(t, postMovement(t, s, "MV-6", "death", "12:00"), custody.RuleAfterDeath)
	acceptAll(t, s, step{"MV-7", "release", "17:25", 0})
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
// gate at the same instant, in either order of arrival, then produces him in
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
		t.Errorf("a production at the instant of the admission: %v", err)
	}
	if err := postMovement(t, s, "MV-D", "death", "11:00"); err != nil {
		t.Fatal(err)
	}
	err := postMovement(t, s, "MV-D2", "death", "11:00")
	wantRule(t, err, movementclaim.RuleMovementExists)
}

// TestResendWithinSecondLeftToClaim resends a release half a second
// later. The custody rules leave it to the movement claimer, which names
// it the same movement, instead of reading a second release of a
// prisoner gone.
func TestResendWithinSecondLeftToClaim(t *testing.T) {
	s := newService(t)
	if err := postMovement(t, s, "MV-1", "release", "17:00"); err != nil {
		t.Fatal(err)
	}
	body := movementAt(t, "MV-2", "release", "2025-10-18T17:00:00.5+05:30", 0)
	_, err := s.Accept(context.Background(), "prisons", body, "")
	wantRule(t, err, movementclaim.RuleMovementExists)
}

// TestAdmittedAndReleasedAtOneInstant admits a prisoner released before
// and releases him again at the same instant, as a remand bailed at once
// is in a gate register kept to the minute.
func TestAdmittedAndReleasedAtOneInstant(t *testing.T) {
	acceptAll(t, newService(t), step{"MV-1", "admission", "08:00", 6001}, step{"MV-2", "release", "09:00", 6001},
		step{"MV-3", "admission", "12:00", 6002}, step{"MV-4", "release", "12:00", 6002})
}

// TestOutAgainAfterOneInstant admits and releases at the same instant a
// prisoner released before: he is out again, so a later production is
// impossible.
func TestOutAgainAfterOneInstant(t *testing.T) {
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

// TestDeathOutOfCustody reports a death after each departure.
func TestDeathOutOfCustody(t *testing.T) {
	for _, departure := range []string{"release", "escape", "transfer_out"} {
		err := postAfter(t, []step{admitted, {"MV-D", departure, "10:00", 0}}, "death", "12:00")
		wantRule(t, err, custody.RuleNotInCustody)
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

// TestArrivalBeforeJournaledArrival reports, between a release and an
// admission, an admission or transfer in and the departure after it,
// which the prison reported late.
func TestArrivalBeforeJournaledArrival(t *testing.T) {
	for _, kind := range []string{"admission", "transfer_in"} {
		s := newService(t)
		acceptAll(t, s, admitted, step{"MV-D", "release", "10:00", 0}, step{"MV-L", "admission", "12:00", 0})
		acceptAll(t, s, step{"MV-1", kind, "11:00", 0}, step{"MV-2", "escape", "11:30", 0})
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
		{"at the instant of the out", "court_production_return", "12:00",
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

// TestConflictNamesEarlierMovement checks that the conflicts of an
// admission of a held prisoner and of a return without its out name the
// movement before them. They give its time in the offset of the new
// movement's time, and the hub's and the sender's ids of its message.
func TestConflictNamesEarlierMovement(t *testing.T) {
	s := newService(t)
	results, err := s.Accept(context.Background(), "prisons", movement(t, "MV-1", "admission", "08:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	err = postMovement(t, s, "MV-2", "admission", "12:00")
	wantMessage(t, err, custody.RuleAlreadyInCustody, "the admission at 2025-10-18T08:00:00+05:30",
		"hub message "+results[0].MessageID, `sender message id "MV-1"`)

	results, err = s.Accept(context.Background(), "prisons", movement(t, "MV-3", "hospital_out", "13:00"), "")
	if err != nil {
		t.Fatal(err)
	}
	err = postMovement(t, s, "MV-4", "court_production_return", "14:00")
	wantMessage(t, err, custody.RuleReturnWithoutOut, "is the hospital_out at 2025-10-18T13:00:00+05:30",
		"hub message "+results[0].MessageID, `sender message id "MV-3"`, "not a court_production_out")

	// The time is in the offset of the new movement, UTC here.
	_, err = s.Accept(context.Background(), "prisons",
		movementAt(t, "MV-5", "transfer_in", "2025-10-18T09:00:00Z", 0), "")
	wantMessage(t, err, custody.RuleAlreadyInCustody, "the hospital_out at 2025-10-18T07:30:00Z")
}

// TestConflictNamesDepartureOrArrival names, of an arrival and a
// departure at one instant, the departure when the prisoner is out of
// custody after them, and the arrival when the prisoner is held.
func TestConflictNamesDepartureOrArrival(t *testing.T) {
	s := newService(t)
	acceptAll(t, s, admitted, step{"MV-1", "release", "09:00", 0},
		step{"MV-2", "transfer_in", "10:00", 0}, step{"MV-3", "release", "10:00", 0})
	wantMessage(t, postMovement(t, s, "MV-4", "court_production_out", "12:00"), custody.RuleNotInCustody,
		"by the release at 2025-10-18T10:00:00+05:30")

	s = newService(t)
	acceptAll(t, s, admitted, step{"MV-1", "release", "10:00", 0}, step{"MV-2", "admission", "10:00", 0})
	wantMessage(t, postMovement(t, s, "MV-3", "admission", "12:00"), custody.RuleAlreadyInCustody,
		"held after the admission at 2025-10-18T10:00:00+05:30")
}

// TestReusedMessageIDOfMovement resends a release under its message id
// with a corrected date, which the release it replaces rules out: the
// error is the reuse of the id, not the custody conflict.
func TestReusedMessageIDOfMovement(t *testing.T) {
	s := newService(t)
	acceptDated(t, s, dated{"SJ-MV-107-01", "admission", "2025-10-01T11:00:00+05:30"})
	results, err := s.Accept(context.Background(), "prisons",
		movementAt(t, "SJ-MV-107-02", "release", "2025-11-10T07:00:00+05:30", 0), "")
	if err != nil {
		t.Fatal(err)
	}
	err = postDated(t, s, dated{"SJ-MV-107-02", "release", "2025-12-10T07:00:00+05:30"})
	var reused *journal.ConflictError
	if !errors.As(err, &reused) {
		t.Fatalf("error %v, want a *journal.ConflictError", err)
	}
	if reused.MessageID != results[0].MessageID {
		t.Errorf("conflict names %s, want the release %s", reused.MessageID, results[0].MessageID)
	}
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
// other: a death and a later production, a release and an escape at one
// instant, and an admission and a transfer in at one instant. The
// second to reach the journal is checked again, against the first, and
// rejected, whichever it is.
func TestMovementsCheckedAtOnce(t *testing.T) {
	for _, c := range []struct {
		name   string
		before []step
		pair   [2]step
		rule   string
	}{
		{"death and production", []step{admitted},
			[2]step{{"MV-2", "death", "10:00", 0}, {"MV-3", "court_production_out", "12:00", 0}},
			custody.RuleAfterDeath},
		{"release and escape", []step{admitted},
			[2]step{{"MV-2", "release", "10:00", 0}, {"MV-3", "escape", "10:00", 0}},
			custody.RuleNotInCustody},
		{"admission and transfer in", []step{admitted, {"MV-1", "release", "09:00", 0}},
			[2]step{{"MV-2", "admission", "10:00", 0}, {"MV-3", "transfer_in", "10:00", 0}},
			custody.RuleAlreadyInCustody},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := checkAtOnce(t, c.before, c.pair)
			if errs[0] == nil && errs[1] == nil {
				t.Fatalf("both the %s and the %s were accepted", c.pair[0].kind, c.pair[1].kind)
			}
			for i, err := range errs {
				if err != nil {
					wantRule(t, err, c.rule)
					if errs[1-i] != nil {
						t.Errorf("both rejected; the other: %v", errs[1-i])
					}
				}
			}
		})
	}
}

// TestMovementsCheckedAtOnceInJournalOrder checks a release and a later
// production at the same moment. Posted one after the other, the
// production after the release is rejected, and the release after the
// production is accepted, because an admission may come between. At
// once, only the production may be rejected.
func TestMovementsCheckedAtOnceInJournalOrder(t *testing.T) {
	pair := [2]step{{"MV-2", "release", "10:00", 0}, {"MV-3", "court_production_out", "12:00", 0}}
	errs := checkAtOnce(t, []step{admitted}, pair)
	if errs[0] != nil {
		t.Errorf("release: %v", errs[0])
	}
	if errs[1] != nil {
		wantRule(t, errs[1], custody.RuleNotInCustody)
	}
}

// checkAtOnce posts before, then the two movements of pair at once, and
// returns their errors. It fails t unless the second to reach the
// journal was checked again.
func checkAtOnce(t *testing.T, before []step, pair [2]step) [2]error {
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

	if n := meeting.reads.Load(); n != 3 {
		t.Errorf("the history was read %d times, want 3: once for each and again for the second", n)
	}
	return errs
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
