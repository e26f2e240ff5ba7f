// Package courtfiling keeps a police case's final reports and a court's
// replies to them consistent with the journal. A FIR has one original
// final report, which supplementary reports follow, and a docketing
// callback that names a final report the hub filed names that report's
// FIR. The first check is an ingest claimer, the second an ingest
// enricher.
package courtfiling

import (
	"context"
	"errors"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleOriginalReportExists is the violation rule of an original final
// report for a FIR that already has one.
const RuleOriginalReportExists = "original-report-exists"

// RuleFilingFIR is the violation rule of a docketing callback that names
// a final report of the hub but another FIR than that report's.
const RuleFilingFIR = "filing-fir"

// ClaimOriginalReport is the kind of journal claim that the original
// final report of a FIR holds, keyed by the FIR's case key.
const ClaimOriginalReport = "original-final-report"

// OriginalReports rejects a second original final report for a FIR: a
// police station files one original report, and any later report on the
// same FIR is supplementary. The first original holds a journal claim,
// so of two that arrive at once, on one replica or two, one is
// journaled. Its field is set once before use.
type OriginalReports struct {
	// Journal holds the reports already filed. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer: an original final report with a FIR
// claims to be that FIR's original.
func (e *OriginalReports) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	report := m.Chargesheet
	if m.Type != canonical.TypeChargesheet || report == nil || report.FIR == nil || report.Supplementary > 0 {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimOriginalReport, Key: report.FIR.Key()}}, nil
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at /chargesheet/fir that names the FIR's original report.
func (e *OriginalReports) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := e.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading the original final report %s: %w", claimed.Holder, err)
	}
	number := ""
	if original := j.Message.Chargesheet; original != nil {
		number = reportNumber(original)
	}
	fir := claimed.Claim.Key
	if m.Chargesheet != nil && m.Chargesheet.FIR != nil {
		fir = m.Chargesheet.FIR.String()
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/chargesheet/fir", Rule: RuleOriginalReportExists,
		Message: fmt.Sprintf("%s already has an original final report, hub message %s "+
			"(sender message id %s%s): file this one as a supplementary report, with the "+
			"next supplementary number", fir, j.MessageID, j.SenderMessageID, number),
	}}}}
}

func reportNumber(report *canonical.Chargesheet) string {
	if report.ReportNumber == "" {
		return ""
	}
	return ", report number " + report.ReportNumber
}

// Callbacks links a court's docketing callback to the final report it
// names. Its field is set once before use.
type Callbacks struct {
	// Journal holds the final reports the hub filed. Required.
	Journal journal.Store
}

// Enrich implements ingest.Enricher for a court registration whose
// correlation id, the filing id that the court quoted, is set.
//
// When that id is the hub's message id of a final report with a FIR, the
// registration must name the same FIR: one that names another returns
// an error wrapping a *schemas.ValidationError at /court_registration/fir.
// One that names no FIR gets the report's FIR and case key, so that the
// police station learns which of its cases the court registered.
//
// When the id names no final report in the journal, as for a filing the
// station made on the court's own portal, Enrich sets UnknownFiling and
// the registration is accepted.
func (e *Callbacks) Enrich(ctx context.Context, m *canonical.Message) error {
	reg := m.CourtRegistration
	if m.Type != canonical.TypeCourtRegistration || reg == nil || m.CorrelationID == "" {
		return nil
	}
	j, err := e.Journal.Journey(ctx, m.CorrelationID)
	if errors.Is(err, journal.ErrNotFound) {
		reg.UnknownFiling = true
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading filing %s that the court's callback names: %w", m.CorrelationID, err)
	}
	report := j.Message.Chargesheet
	if j.Type != canonical.TypeChargesheet || report == nil {
		reg.UnknownFiling = true
		return nil
	}
	if report.FIR == nil {
		return nil
	}
	if reg.FIR == nil {
		fir := *report.FIR
		reg.FIR = &fir
		m.CaseKey = j.CaseKey
		return nil
	}
	if sameFIR(*reg.FIR, *report.FIR) {
		return nil
	}
	return schemas.Invalid(schemas.Violation{
		Pointer: "/court_registration/fir", Rule: RuleFilingFIR,
		Message: fmt.Sprintf("the callback names %s, but the filing it replies to, hub message %s, "+
			"is the final report of %s: correct the FIR or the filing id", reg.FIR, m.CorrelationID, report.FIR),
	})
}

// sameFIR reports whether a and b are one FIR: the same key, and the
// same national id when both have one.
func sameFIR(a, b canonical.FIRRef) bool {
	if a.Key() != b.Key() {
		return false
	}
	return a.NationalID == "" || b.NationalID == "" || a.NationalID == b.NationalID
}
