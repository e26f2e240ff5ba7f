package verification

import (
	"context"
	"encoding/json"
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

// reportID is the hub message id of the final report that the
// registrations of the withdrawal tests name as their filing.
const reportID = "0199c3a4-7f1e-7b2a-9c1d-5e6f7a8b9c0d"

// registrationOf returns a registration of the final report filing with
// the filing status status.
func registrationOf(filing, status, sender string) canonical.Message {
	m := registration(cnrOfRelease, firOfCNR, sender)
	m.CorrelationID = filing
	m.CourtRegistration.Status = status
	return m
}

// TestReturnAfterRegistrationWithdrawsFIR has the court accept a final
// report under a CNR and return it afterwards. A later order that names
// the case by that CNR gets no FIR, and its reason names both callbacks.
func TestReturnAfterRegistrationWithdrawsFIR(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		reg := e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-1"))
		before := e.accept(t, niemRelease(t), e.caseResolver()).Movement.Prisoner.Cases[0]
		if before.FIRResolvedFrom != reg.ID {
			t.Fatalf("before the return: resolved from %q, want %s", before.FIRResolvedFrom, reg.ID)
		}

		e.clock.Advance(day)
		returned := e.accept(t, registrationOf(reportID, "RETURNED", "KLER10-CB-2"))
		if _, from, found, err := e.index.FIRByCNR(context.Background(), cnrOfRelease); err != nil || found {
			t.Errorf("FIRByCNR after the return: from %q, found %v, err %v; want nothing", from, found, err)
		}
		c := e.accept(t, courtOrderNaming(t, cnrOfRelease), e.caseResolver()).CourtOrder.Case
		if c.FIR != nil || c.FIRResolvedFrom != "" {
			t.Errorf("order after the return: FIR %+v from %q, want none", c.FIR, c.FIRResolvedFrom)
		}
		for _, want := range []string{cnrOfRelease, "after registering it", "hub message " + reg.ID,
			"withdrawn by hub message " + returned.ID + ": returned"} {
			if !strings.Contains(c.FIRUnresolved, want) {
				t.Errorf("unresolved reason %q does not contain %q", c.FIRUnresolved, want)
			}
		}
	})
}

// TestCorrectedReportResolvesFIRAgain registers, under the CNR of a
// returned report, the station's corrected report. The CNR then resolves
// the FIR from the new registration.
func TestCorrectedReportResolvesFIRAgain(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const correctedReport = "0199c3a4-7f1e-7b2a-9c1d-5e6f7a8b9c0f"
		e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-1"))
		e.clock.Advance(day)
		e.accept(t, registrationOf(reportID, "returned", "KLER10-CB-2"))
		e.clock.Advance(day)
		corrected := e.accept(t, registrationOf(correctedReport, "accepted", "KLER10-CB-3"))
		c := e.accept(t, courtOrderNaming(t, cnrOfRelease), e.caseResolver()).CourtOrder.Case
		if c.FIR == nil || *c.FIR != firOfCNR {
			t.Errorf("FIR = %+v, want %s", c.FIR, firOfCNR)
		}
		if c.FIRResolvedFrom != corrected.ID {
			t.Errorf("resolved from %q, want the corrected report's registration %s", c.FIRResolvedFrom, corrected.ID)
		}
	})
}

// TestRejectionWithoutCNRWithdrawsFIR has the court reject, without a
// CNR, a final report it had registered, which withdraws the
// registration.
func TestRejectionWithoutCNRWithdrawsFIR(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-1"))
		rejection := registrationOf(reportID, "rejected", "KLER10-CB-2")
		rejection.CourtRegistration.CNR, rejection.CourtRegistration.FilingNumber = "", "EF/KLER10/2025/99"
		e.accept(t, rejection)
		if _, from, found, err := e.index.FIRByCNR(context.Background(), cnrOfRelease); err != nil || found {
			t.Errorf("FIRByCNR: from %q, found %v, err %v; want nothing", from, found, err)
		}
	})
}

// TestReturnWithdrawsOnlyItsFiling returns one of two final reports
// registered under one CNR. The other's registration still resolves the
// FIR, and so does a registration of a filing the hub did not send.
func TestReturnWithdrawsOnlyItsFiling(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		const otherReport = "0199c3a4-7f1e-7b2a-9c1d-5e6f7a8b9c0e"
		otherRegistration := e.accept(t, registrationOf(otherReport, "accepted", "KLER10-CB-1"))
		e.clock.Advance(day)
		e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-2"))
		e.clock.Advance(day)
		e.accept(t, registrationOf(reportID, "returned", "KLER10-CB-3"))
		_, from, found, err := e.index.FIRByCNR(context.Background(), cnrOfRelease)
		if err != nil || !found || from != otherRegistration.ID {
			t.Errorf("FIRByCNR: from %q, found %v, err %v; want registration %s", from, found, err, otherRegistration.ID)
		}

		// A court's own filing id, of a filing made on its portal, is
		// not a hub report's, so a return naming it withdraws nothing.
		portal := registrationOf("EF-KLER10-2025-0099", "accepted", "KLER10-CB-4")
		portal.CourtRegistration.UnknownFiling = true
		e.clock.Advance(day)
		newest := e.accept(t, portal)
		portalReturn := registrationOf("EF-KLER10-2025-0099", "returned", "KLER10-CB-5")
		portalReturn.CourtRegistration.UnknownFiling = true
		e.accept(t, portalReturn)
		_, from, found, err = e.index.FIRByCNR(context.Background(), cnrOfRelease)
		if err != nil || !found || from != newest.ID {
			t.Errorf("FIRByCNR after the portal return: from %q, found %v, err %v; want %s",
				from, found, err, newest.ID)
		}
	})
}

// TestRebuildWithdrawsReturnedRegistration indexes, in a rebuild, a
// registration and the return of its filing, after which the CNR
// resolves no FIR.
func TestRebuildWithdrawsReturnedRegistration(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		index := e.index
		e.index = nil // journal only, as when a crash cuts Observe off
		e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-1"))
		e.clock.Advance(day)
		e.accept(t, registrationOf(reportID, "returned", "KLER10-CB-2"))
		e.index = index
		if _, err := index.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, from, found, err := index.FIRByCNR(context.Background(), cnrOfRelease); err != nil || found {
			t.Errorf("FIRByCNR after the rebuild: from %q, found %v, err %v; want nothing", from, found, err)
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

// courtOrderNaming is courtOrderByCNR with its case's CNR set to cnr.
func courtOrderNaming(t *testing.T, cnr string) canonical.Message {
	t.Helper()
	m := courtOrderByCNR(t)
	m.CourtOrder.Case.CNR = cnr
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

// TestMigrationReindexesRegistrations indexes a registration and the
// return of its filing with the tables of migration 5, which keep no
// filing id. After migration 6 and a rebuild, as at the next start, the
// return withdraws the registration.
func TestMigrationReindexesRegistrations(t *testing.T) {
	ctx := context.Background()
	db, store := sqliteJournal(t)
	all, err := loadMigrations(string(SQLite))
	if err != nil {
		t.Fatal(err)
	}
	if all[5].version != 6 {
		t.Fatalf("migration 6 is %d %s", all[5].version, all[5].name)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Index{db: db, dialect: SQLite}).applyMigrations(ctx, tx, all[:5]); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	e := &env{store: store, clock: newClock()}
	reg := e.accept(t, registrationOf(reportID, "accepted", "KLER10-CB-1"))
	e.clock.Advance(day)
	returned := e.accept(t, registrationOf(reportID, "returned", "KLER10-CB-2"))
	ref, _ := json.Marshal(firOfCNR)
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO verification_indexed (message_id, indexed_at) VALUES ($1, 0), ($2, 0)`,
			[]any{reg.ID, returned.ID}},
		{`INSERT INTO verification_case_registrations (cnr, message_id, fir_ref, received_at)
			VALUES ($1, $2, $3, $4)`, []any{cnrOfRelease, reg.ID, string(ref), reg.ReceivedAt.UnixMicro()}},
		{`INSERT INTO verification_declined_registrations (cnr, message_id, status) VALUES ($1, $2, $3)`,
			[]any{cnrOfRelease, returned.ID, "returned"}},
	} {
		if _, err := db.ExecContext(ctx, stmt.sql, stmt.args...); err != nil {
			t.Fatalf("recording the index of migration 5: %v", err)
		}
	}

	index, err := NewSQLiteIndex(ctx, db, IndexConfig{Journal: store, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	if n, err := index.Rebuild(ctx); err != nil || n != 2 {
		t.Errorf("Rebuild added %d messages, err %v; want both registrations", n, err)
	}
	if _, from, found, err := index.FIRByCNR(ctx, cnrOfRelease); err != nil || found {
		t.Errorf("FIRByCNR after the migration: from %q, found %v, err %v; want nothing", from, found, err)
	}
}
