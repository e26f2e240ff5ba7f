package verification

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
)

// cnrOfRelease is the CNR by which the NIEM release report names its
// case, and firOfCNR the FIR that the court registered under it.
const cnrOfRelease = "KLER100011872025"

var firOfCNR = canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}

// niemRelease decodes the prisons adapter's NIEM custody release
// report, whose only case is named by CNR.
func niemRelease(t *testing.T) canonical.Message {
	t.Helper()
	return decodeXML(t, "prisons", "../../adapters/prisons/testdata/release_report.xml")
}

// decodeXML decodes the XML file at path with agency's adapter and
// returns its message from that agency.
func decodeXML(t *testing.T, agency, path string) canonical.Message {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := set.Adapter(agency)
	d, err := a.Decode(body, "application/xml")
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return withSource(d.Messages[0], agency)
}

// registration is the court's registration of fir under cnr.
func registration(cnr string, fir canonical.FIRRef, sender string) canonical.Message {
	return canonical.Message{
		Type: canonical.TypeCourtRegistration, Source: "courts", SenderMessageID: sender,
		CaseKey: fir.Key(), OccurredAt: newClock().Now(),
		CourtRegistration: &canonical.CourtRegistration{
			CNR: cnr, FIR: &fir, Court: canonical.Court{Code: "KLER10"}, Status: "accepted",
		},
	}
}

func (e *env) caseResolver() *CaseResolver { return &CaseResolver{Index: e.index} }

func TestReleaseByCNRTakesRegisteredFIR(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		older := firOfCNR
		older.Number = 1
		e.accept(t, registration(cnrOfRelease, older, "KLER10-CB-1"))
		e.clock.Advance(day)
		reg := e.accept(t, registration(cnrOfRelease, firOfCNR, "KLER10-CB-2"))
		e.accept(t, registration("KLER100099992025", canonical.FIRRef{State: "KL", District: "EKM",
			PoliceStation: "EKM0420", Year: 2025, Number: 9}, "KLER10-CB-3"))

		m := e.accept(t, niemRelease(t), e.caseResolver())
		cases := m.Movement.Prisoner.Cases
		if len(cases) != 1 {
			t.Fatalf("cases = %+v, want the one of the report", cases)
		}
		c := cases[0]
		if c.FIR == nil || *c.FIR != firOfCNR {
			t.Errorf("FIR = %+v, want %s of the newest registration", c.FIR, firOfCNR)
		}
		if c.FIRResolvedFrom != reg.ID {
			t.Errorf("resolved from %q, want registration %s", c.FIRResolvedFrom, reg.ID)
		}
		if c.CNR != cnrOfRelease || c.FIRUnresolved != "" {
			t.Errorf("case = %+v, want CNR %s kept and no unresolved reason", c, cnrOfRelease)
		}
		if m.CaseKey != firOfCNR.Key() {
			t.Errorf("case key = %s, want the FIR's %s", m.CaseKey, firOfCNR.Key())
		}

		j, err := e.store.Journey(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		journaled := j.Message.Movement.Prisoner.Cases[0]
		if journaled.FIR == nil || journaled.FIRResolvedFrom != reg.ID {
			t.Errorf("journaled case = %+v, want the FIR resolved from %s", journaled, reg.ID)
		}
	})
}

func TestRejectedRegistrationResolvesNoFIR(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		reg := e.accept(t, registration(cnrOfRelease, firOfCNR, "KLER10-CB-1"))
		e.clock.Advance(day)
		other := firOfCNR
		other.Number = 1
		rejected := registration(cnrOfRelease, other, "KLER10-CB-2")
		rejected.CourtRegistration.Status = " Rejected "
		e.accept(t, rejected)
		e.clock.Advance(day)
		returned := registration(cnrOfRelease, other, "KLER10-CB-3")
		returned.CourtRegistration.Status = "returned"
		e.accept(t, returned)

		fir, from, found, err := e.index.FIRByCNR(context.Background(), cnrOfRelease)
		if err != nil || !found {
			t.Fatalf("FIRByCNR: found %v, err %v; want the accepted registration", found, err)
		}
		if fir != firOfCNR {
			t.Errorf("FIR = %s, want %s of the accepted registration", fir.Key(), firOfCNR.Key())
		}
		if from != reg.ID {
			t.Errorf("resolved from %q, want the accepted registration %s", from, reg.ID)
		}
	})
}

func TestReleaseByUnknownCNRSaysWhy(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		// A registration without an FIR, as for a case filed by
		// tracking id, ties the CNR to nothing.
		reg := registration(cnrOfRelease, firOfCNR, "KLER10-CB-1")
		reg.CourtRegistration.FIR, reg.CourtRegistration.TrackingID = nil, "KL-EKM-CASE-7"
		reg.CaseKey = "TRACKING/KL-EKM-CASE-7"
		e.accept(t, reg)

		m := e.accept(t, niemRelease(t), e.caseResolver())
		c := m.Movement.Prisoner.Cases[0]
		if c.FIR != nil || c.FIRResolvedFrom != "" {
			t.Errorf("case = %+v, want no FIR", c)
		}
		if !strings.Contains(c.FIRUnresolved, cnrOfRelease) {
			t.Errorf("unresolved reason %q does not name CNR %s", c.FIRUnresolved, cnrOfRelease)
		}
		if m.CaseKey != canonical.CNRKey(cnrOfRelease) {
			t.Errorf("case key = %s, want the CNR's", m.CaseKey)
		}
	})
}

// TestReleaseByRejectedCNRGivesReason registers the release report's CNR
// once, with the filing rejected. The reason names that registration and
// states that none accepted the filing.
func TestReleaseByRejectedCNRGivesReason(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		rejected := registration(cnrOfRelease, firOfCNR, "KLER10-CB-1")
		rejected.CourtRegistration.Status = "rejected"
		reg := e.accept(t, rejected)

		m := e.accept(t, niemRelease(t), e.caseResolver())
		c := m.Movement.Prisoner.Cases[0]
		if c.FIR != nil {
			t.Errorf("FIR = %s, want none", c.FIR.Key())
		}
		if !strings.Contains(c.FIRUnresolved, "hub message "+reg.ID+": rejected") {
			t.Errorf("unresolved reason %q does not name the rejecting registration %s", c.FIRUnresolved, reg.ID)
		}
		if strings.Contains(c.FIRUnresolved, "no accepted court registration") {
			t.Errorf("unresolved reason %q says no registration reached the hub", c.FIRUnresolved)
		}
	})
}

func TestMovementWithFIRKeepsItsCases(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.accept(t, registration(cnrOfRelease, firOfCNR, "KLER10-CB-1"))
		sent := withSource(decode(t, "prisons", "release-on-bail"), "prisons")
		want := slices.Clone(sent.Movement.Prisoner.Cases)
		m := e.accept(t, sent, e.caseResolver())
		got := m.Movement.Prisoner.Cases
		if len(got) != len(want) {
			t.Fatalf("cases = %+v, want %+v", got, want)
		}
		for i := range got {
			if got[i].FIRResolvedFrom != "" || got[i].FIRUnresolved != "" || got[i].CNR != want[i].CNR {
				t.Errorf("case %d = %+v, want it as sent", i, got[i])
			}
		}
	})
}

func TestRebuildRecordsMissedRegistrations(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		index := e.index
		e.index = nil // journal only, as when a crash cuts Observe off
		reg := e.accept(t, registration(cnrOfRelease, firOfCNR, "KLER10-CB-1"))
		e.index = index
		if _, _, found, err := index.FIRByCNR(context.Background(), cnrOfRelease); err != nil || found {
			t.Fatalf("before the rebuild: found %v, err %v; want nothing", found, err)
		}
		if _, err := index.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		fir, from, found, err := index.FIRByCNR(context.Background(), cnrOfRelease)
		if err != nil || !found || fir != firOfCNR || from != reg.ID {
			t.Errorf("after the rebuild: %+v from %q, found %v, err %v; want %s from %s",
				fir, from, found, err, firOfCNR, reg.ID)
		}
	})
}

// courtOrderByCNR decodes the courts adapter's bail order and removes
// the FIR of its case, so that the order names the case by CNR alone.
func courtOrderByCNR(t *testing.T) canonical.Message {
	t.Helper()
	m := decodeXML(t, "courts", "../../adapters/courts/testdata/order_release_bail.xml")
	m.CourtOrder.Case.FIR = nil
	m.CaseKey = m.CourtOrder.CaseKey()
	return m
}

func TestCourtOrderByCNRTakesRegisteredFIR(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		sent := courtOrderByCNR(t)
		cnr := sent.CourtOrder.Case.CNR
		if cnr == "" || sent.CaseKey != canonical.CNRKey(cnr) {
			t.Fatalf("bail order case = %+v, key %s: want a case named by CNR alone",
				sent.CourtOrder.Case, sent.CaseKey)
		}
		reg := e.accept(t, registration(cnr, firOfCNR, "KLER10-CB-1"))

		m := e.accept(t, sent, e.caseResolver())
		c := m.CourtOrder.Case
		if c.FIR == nil || *c.FIR != firOfCNR {
			t.Errorf("FIR = %+v, want %s of the registration", c.FIR, firOfCNR)
		}
		if c.FIRResolvedFrom != reg.ID {
			t.Errorf("resolved from %q, want registration %s", c.FIRResolvedFrom, reg.ID)
		}
		if m.CaseKey != firOfCNR.Key() {
			t.Errorf("case key = %s, want the FIR's %s", m.CaseKey, firOfCNR.Key())
		}
	})
}

func TestCourtOrderByUnknownCNRSaysWhy(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		sent := courtOrderByCNR(t)
		m := e.accept(t, sent, e.caseResolver())
		c := m.CourtOrder.Case
		if c.FIR != nil || !strings.Contains(c.FIRUnresolved, c.CNR) {
			t.Errorf("case = %+v, want no FIR and a reason naming CNR %s", c, c.CNR)
		}
		if m.CaseKey != sent.CaseKey {
			t.Errorf("case key = %s, want the CNR's %s", m.CaseKey, sent.CaseKey)
		}
	})
}
