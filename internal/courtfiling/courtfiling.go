// Package courtfiling keeps a police case's final reports and a court's
// replies to them consistent with the journal. A FIR has one original
// final report, which numbered supplementary reports follow, and a docketing
// callback that names a final report the hub filed names that report's
// FIR. The first check is an ingest claimer, the second an ingest
// enricher. A filing has one case and a CNR one FIR, which an ingest
// guard enforces. It rejects a callback that registers a filing under
// another CNR than an earlier callback did, or that accepts a filing
// that an earlier callback rejected. It also rejects a callback that ties
// a CNR to another FIR than the first accepted registration of that CNR.
package courtfiling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/firclaim"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleOriginalReportExists is the violation rule of an original final
// report for a FIR that already has one.
const RuleOriginalReportExists = "original-report-exists"

// RuleChronology is the violation rule of a docketing callback whose
// filing date is before the date of the final report it registers, of a
// supplementary report dated before its original, and of an original
// report dated before the day its journaled FIR was registered.
const RuleChronology = "chronology"

// ist is India Standard Time, in which a station dates its reports.
var ist = time.FixedZone("IST", 5*3600+1800)

// RuleFilingCourt is the violation rule of a docketing callback from
// another court than the one the final report it replies to was filed
// with. Its status could otherwise reject another court's filing.
//
// The court is the callback's CaseCourt, else its CNR's. A token that
// lists courts may post only callbacks whose court and CNR are its
// courts' (see internal/api).
//
// NOTE: ecf:SendingMDELocationID is not read, and a token without courts
// may post for every court, so a court system holding such a token that
// names another court passes this check.
const RuleFilingCourt = "filing-court"

// RuleFilingFIR is the violation rule of a docketing callback that names
// a final report of the hub but another FIR than that report's.
const RuleFilingFIR = "filing-fir"

// RuleSupplementaryReportExists is the violation rule of a supplementary
// final report whose number the FIR already has.
const RuleSupplementaryReportExists = "supplementary-report-exists"

// RuleOriginalReportMissing is the violation rule of a supplementary
// final report for a FIR whose original report the hub has not filed, or
// the court rejected.
const RuleOriginalReportMissing = "original-report-missing"

// RuleSupplementaryOrder is the violation rule of the nth supplementary
// report of a FIR that has no report numbered n-1.
const RuleSupplementaryOrder = "supplementary-order"

// ClaimOriginalReport is the kind of journal claim that the original
// final report of a FIR holds, keyed by the FIR's case key.
const ClaimOriginalReport = "original-final-report"

// ClaimSupplementaryReport is the kind of journal claim that the nth
// supplementary report of a FIR holds, keyed by the FIR's case key and
// n, as in "FIR/KL/EKM/EKM0412/2025/1187/2".
const ClaimSupplementaryReport = "supplementary-final-report"

// FinalReports rejects a second original final report for a FIR, and a
// second supplementary report with one number: a police station files
// one original report, and numbers the supplementary ones that follow
// it. Each report holds a journal claim on its FIR and number, so of two
// that arrive at once, on one replica or two, one is journaled. Its
// field is set once before use.
type FinalReports struct {
	// Journal contains the reports already filed. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer. A final report with a FIR claims to
// be that FIR's original or its supplementary report with its number. A
// court's callback that rejects the filing it replies to (see Rejected)
// ends that report's claim, so the station may file a corrected report
// in its place.
func (e *FinalReports) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	if reg := m.CourtRegistration; m.Type == canonical.TypeCourtRegistration && reg != nil &&
		m.CorrelationID != "" && Rejected(reg.Status) {
		return nil, []journal.Release{
			{Claim: journal.Claim{Kind: ClaimOriginalReport}, Holder: m.CorrelationID},
			{Claim: journal.Claim{Kind: ClaimSupplementaryReport}, Holder: m.CorrelationID},
		}
	}
	report := m.Chargesheet
	if m.Type != canonical.TypeChargesheet || report == nil || report.FIR == nil {
		return nil, nil
	}
	if report.Supplementary > 0 {
		return []journal.Claim{{Kind: ClaimSupplementaryReport,
			Key: fmt.Sprintf("%s/%d", report.FIR.Key(), report.Supplementary)}}, nil
	}
	return []journal.Claim{{Kind: ClaimOriginalReport, Key: report.FIR.Key()}}, nil
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// that names the report filed before: at /chargesheet/fir for an
// original, at /chargesheet/supplementary for a supplementary report.
func (e *FinalReports) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := e.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading final report %s: %w", claimed.Holder, err)
	}
	number := ""
	if earlier := j.Message.Chargesheet; earlier != nil {
		number = reportNumber(earlier)
	}
	report := m.Chargesheet
	if report == nil || report.FIR == nil {
		return fmt.Errorf("message %s claims %s but is not a final report with a FIR", m.ID, claimed.Claim)
	}
	next, err := e.nextSupplementary(ctx, *report.FIR)
	if err != nil {
		return err
	}
	filed := fmt.Sprintf("hub message %s (sender message id %s%s)", j.MessageID,
		journal.QuoteID(j.SenderMessageID), number)
	if claimed.Claim.Kind == ClaimSupplementaryReport {
		return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
			Pointer: "/chargesheet/supplementary", Rule: RuleSupplementaryReportExists,
			Message: fmt.Sprintf("%s already has supplementary report %d, %s: give this one "+
				"the next supplementary number, %d; if this is that report sent again, send it "+
				"with the message id it had, %s", report.FIR, report.Supplementary, filed, next,
				journal.QuoteID(j.SenderMessageID)),
		}}}}
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/chargesheet/fir", Rule: RuleOriginalReportExists,
		Message: fmt.Sprintf("%s already has an original final report, %s: file this one as a "+
			"supplementary report, with the next supplementary number, %d", report.FIR, filed, next),
	}}}}
}

// Enrich implements ingest.Enricher for a final report with a FIR. An
// original report dated before the day, in IST, on which its FIR was
// registered gets a validation error at /chargesheet/filed_on, when the
// journal holds that FIR's document (see checkFIRDate). For a
// supplementary report, the FIR's original report and, from the second
// supplementary report on, the one numbered before it must be in the
// journal: otherwise Enrich returns an *ingest.ConflictError at
// /chargesheet/supplementary, since the court would open a new case for
// it. A report dated before the original gets a validation error at
// /chargesheet/filed_on. When the court registered the original, Enrich
// sets the report's CNR to that case's.
func (e *FinalReports) Enrich(ctx context.Context, m *canonical.Message) error {
	report := m.Chargesheet
	if m.Type != canonical.TypeChargesheet || report == nil || report.FIR == nil {
		return nil
	}
	if report.Supplementary == 0 {
		return e.checkFIRDate(ctx, report)
	}
	original, err := e.followed(ctx, report)
	if err != nil {
		return err
	}

	j, err := e.Journal.Journey(ctx, original)
	if err != nil {
		return fmt.Errorf("reading final report %s: %w", original, err)
	}
	if first := j.Message.Chargesheet; first != nil && first.FiledOn != "" && report.FiledOn != "" &&
		report.FiledOn < first.FiledOn {
		return schemas.Invalid(schemas.Violation{
			Pointer: "/chargesheet/filed_on", Rule: RuleChronology,
			Message: fmt.Sprintf("the report date %s is before %s, the date of the original final "+
				"report of %s, hub message %s: correct the date", report.FiledOn, first.FiledOn,
				report.FIR, original),
		})
	}

	registrations, _, err := readRegistrations(ctx, e.Journal, original)
	if err != nil {
		return err
	}
	cnr := registeredCNR(registrations)
	// A report to another court than the case's, as after a committal
	// to the court of session, does not name the case: its court has
	// none of that number.
	if court, ok := canonical.CNRCourt(cnr); ok && (report.Court.Code == "" ||
		canonical.SameCourt(court, report.Court.Code)) {
		report.CNR = cnr
	}
	return nil
}

// checkFIRDate returns a validation error at /chargesheet/filed_on when
// the report is dated before the day, in IST, on which the FIR document
// that holds its FIR's journal claim (see firclaim) was registered. A
// report on a FIR whose document the hub never received passes, since
// the hub cannot know when that FIR was registered.
func (e *FinalReports) checkFIRDate(ctx context.Context, report *canonical.Chargesheet) error {
	if report.FiledOn == "" {
		return nil
	}
	holder, err := e.Journal.ClaimHolder(ctx, journal.Claim{Kind: firclaim.ClaimFIR, Key: report.FIR.Key()})
	if errors.Is(err, journal.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the FIR document of %s: %w", report.FIR, err)
	}
	j, err := e.Journal.Journey(ctx, holder)
	if err != nil {
		return fmt.Errorf("reading FIR document %s: %w", holder, err)
	}
	fir := j.Message.FIR
	if fir == nil || fir.RegisteredAt.IsZero() {
		return nil
	}
	registered := fir.RegisteredAt.In(ist).Format(time.DateOnly)
	if report.FiledOn >= registered {
		return nil
	}
	return schemas.Invalid(schemas.Violation{
		Pointer: "/chargesheet/filed_on", Rule: RuleChronology,
		Message: fmt.Sprintf("the report date %s is before %s, the day in India Standard Time on "+
			"which %s was registered, as its FIR document, hub message %s, states: correct the "+
			"date", report.FiledOn, registered, report.FIR, holder),
	})
}

// followed returns the hub message id of the original report of the
// supplementary report's FIR, after checking that the report numbered
// before it is in the journal too.
func (e *FinalReports) followed(ctx context.Context, report *canonical.Chargesheet) (string, error) {
	n := report.Supplementary
	original, err := e.Journal.ClaimHolder(ctx, journal.Claim{Kind: ClaimOriginalReport, Key: report.FIR.Key()})
	if errors.Is(err, journal.ErrNotFound) {
		return "", supplementaryConflict(RuleOriginalReportMissing, fmt.Sprintf(
			"%s has no original final report that the court took: file the original report "+
				"first, and supplementary report %d after it", report.FIR, n))
	}
	if err != nil {
		return "", fmt.Errorf("reading the original final report of %s: %w", report.FIR, err)
	}
	if n == 1 {
		return original, nil
	}

	claim := journal.Claim{Kind: ClaimSupplementaryReport, Key: fmt.Sprintf("%s/%d", report.FIR.Key(), n-1)}
	_, err = e.Journal.ClaimHolder(ctx, claim)
	if errors.Is(err, journal.ErrNotFound) {
		next, err := e.nextSupplementary(ctx, *report.FIR)
		if err != nil {
			return "", err
		}
		return "", supplementaryConflict(RuleSupplementaryOrder, fmt.Sprintf(
			"%s has no supplementary report %d: file that one first, or give this one "+
				"the next supplementary number, %d", report.FIR, n-1, next))
	}
	if err != nil {
		return "", fmt.Errorf("reading supplementary report %d of %s: %w", n-1, report.FIR, err)
	}
	return original, nil
}

// supplementaryConflict returns the *ingest.ConflictError of a
// supplementary report that the journal's reports do not allow.
func supplementaryConflict(rule, message string) error {
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/chargesheet/supplementary", Rule: rule, Message: message,
	}}}}
}

// Rejected reports whether a court's filing status, as a docketing
// callback gives it, means that the court did not take the filing:
// rejected, or returned to the police for its defects.
func Rejected(status string) bool {
	switch FilingStatus(status) {
	case canonical.FilingRejected, canonical.FilingReturned:
		return true
	}
	return false
}

// FilingStatus returns a court's filing status in the form that Rejected
// compares: trimmed and in lower case, as in "rejected".
func FilingStatus(status string) string {
	return strings.ToLower(strings.TrimSpace(status))
}

// nextSupplementary returns the lowest supplementary number that no
// report of fir holds, reading one claim per number from 1.
func (e *FinalReports) nextSupplementary(ctx context.Context, fir canonical.FIRRef) (int, error) {
	next := 1
	for {
		claim := journal.Claim{Kind: ClaimSupplementaryReport, Key: fmt.Sprintf("%s/%d", fir.Key(), next)}
		_, err := e.Journal.ClaimHolder(ctx, claim)
		if errors.Is(err, journal.ErrNotFound) {
			return next, nil
		}
		if err != nil {
			return 0, err
		}
		next++
	}
}

func reportNumber(report *canonical.Chargesheet) string {
	if report.ReportNumber == "" {
		return ""
	}
	return ", report number " + journal.QuoteID(report.ReportNumber)
}

// RuleFilingID is the violation rule of a docketing callback whose
// filing id is the hub id of a message that is not a final report, and
// so not a filing the hub sent to a court.
const RuleFilingID = "filing-id"

// RuleFilingUndelivered is the violation rule of a docketing callback
// for a final report that the hub has not delivered to a court yet. The
// court cannot have docketed a filing it never received, so the callback
// names another filing, or the court's system posted it before the hub
// recorded the delivery.
const RuleFilingUndelivered = "filing-undelivered"

// courtAgency is the agency of the destinations that receive final
// reports as ECF filings, as adapters/courts names it.
const courtAgency = "courts"

// AgencyLookup returns the agency of a destination in the routes version
// that routed a message (journal.Journey.RoutesVersion), or "" when the
// version is not stored or has no such destination. It returns an error
// when the lookup fails, such as on a store failure.
type AgencyLookup func(ctx context.Context, routesVersion, destination string) (string, error)

// Callbacks links a court's docketing callback to the final report it
// names, as an ingest enricher, and keeps that report to one case, as an
// ingest guard (see Guard). Its fields are set once before use.
type Callbacks struct {
	// Journal holds the final reports the hub filed. Required.
	Journal journal.Store
	// Agencies returns the agency of each destination of a final report,
	// so that Enrich finds the report's deliveries to courts. When
	// Agencies is nil, Enrich skips the delivery check (see checkDelivered).
	Agencies AgencyLookup
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
// A registration whose filing date is before the report's date returns
// an error wrapping a *schemas.ValidationError at
// /court_registration/filed_on, and one from another court than the
// report's, when both name one, an error at /court_registration/court/code.
//
// When the id names no message in the journal, as for a filing the
// station made on the court's own portal, Enrich sets UnknownFiling and
// the registration is accepted. When it names a message other than a
// final report, such as a FIR or a court order, Enrich returns a
// *schemas.ValidationError at /correlation_id of rule RuleFilingID.
//
// A registration that passes those checks returns a retryable
// *ingest.ConflictError at /correlation_id while the report has
// deliveries to courts and none of them was delivered (see
// checkDelivered).
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
	if j.Type != canonical.TypeChargesheet {
		return schemas.Invalid(schemas.Violation{
			Pointer: "/correlation_id", Rule: RuleFilingID,
			Message: fmt.Sprintf("filing id %s is the hub id of a %s message, not a filing the hub "+
				"sent: quote the hub message id of the final report the court docketed, or the "+
				"court's own filing id for a filing made outside the hub", m.CorrelationID, j.Type),
		})
	}
	report := j.Message.Chargesheet
	if report == nil {
		reg.UnknownFiling = true
		return nil
	}
	var violations []schemas.Violation
	cnrCourt, _ := canonical.CNRCourt(reg.CNR)
	if court, ok := canonical.CNRCourt(reg.CNR); ok && report.Court.Code != "" &&
		!canonical.SameCourt(court, report.Court.Code) {
		violations = append(violations, schemas.Violation{
			Pointer: "/court_registration/cnr", Rule: RuleFilingCourt,
			Message: fmt.Sprintf("the CNR %s is a case of court %s, but the filing it registers, "+
				"hub message %s, was filed with court %s: correct the CNR or the filing id",
				reg.CNR, court, m.CorrelationID, report.Court.Code),
		})
	}
	// A callback that names no court has the court of its CNR, whose
	// fault the violation above already names.
	if reg.Court.Code != "" && report.Court.Code != "" && !canonical.SameCourt(reg.Court.Code, report.Court.Code) &&
		!(len(violations) > 0 && canonical.SameCourt(reg.Court.Code, cnrCourt)) {
		violations = append(violations, schemas.Violation{
			Pointer: "/court_registration/court/code", Rule: RuleFilingCourt,
			Message: fmt.Sprintf("the callback comes from court %s, but the filing it replies to, "+
				"hub message %s, was filed with court %s: correct the court or the filing id",
				reg.Court.Code, m.CorrelationID, report.Court.Code),
		})
	}
	if reg.FiledOn != "" && report.FiledOn != "" && reg.FiledOn < report.FiledOn {
		violations = append(violations, schemas.Violation{
			Pointer: "/court_registration/filed_on", Rule: RuleChronology,
			Message: fmt.Sprintf("the court's filing date %s is before %s, the date of the final "+
				"report it registers, hub message %s: correct the filing date or the filing id",
				reg.FiledOn, report.FiledOn, m.CorrelationID),
		})
	}
	switch {
	case report.FIR == nil:
	case reg.FIR == nil:
		fir := *report.FIR
		reg.FIR = &fir
		m.CaseKey = j.CaseKey
	case !sameFIR(*reg.FIR, *report.FIR):
		violations = append(violations, schemas.Violation{
			Pointer: "/court_registration/fir", Rule: RuleFilingFIR,
			Message: fmt.Sprintf("the callback names %s, but the filing it replies to, hub message %s, "+
				"is the final report of %s: correct the FIR or the filing id", reg.FIR, m.CorrelationID, report.FIR),
		})
	}
	if len(violations) > 0 {
		return schemas.Invalid(violations...)
	}
	return e.checkDelivered(ctx, m.CorrelationID, j)
}

// checkDelivered returns a retryable *ingest.ConflictError when the
// final report of j has deliveries to court destinations and each of
// them, with its replays, is pending or dead-lettered. A report that the
// routes sent to no court passes, because the hub cannot tell how the
// court received it.
// With e.Agencies nil, it checks nothing.
func (e *Callbacks) checkDelivered(ctx context.Context, filingID string, j journal.Journey) error {
	if e.Agencies == nil {
		return nil
	}
	var waiting []journal.Delivery
	for _, chain := range journal.Chains(j.Deliveries) {
		agency, err := e.Agencies(ctx, j.RoutesVersion, chain[0].Destination)
		if err != nil {
			return fmt.Errorf("reading the agency of destination %s of filing %s: %w",
				chain[0].Destination, filingID, err)
		}
		if agency != courtAgency {
			continue
		}
		if slices.ContainsFunc(chain, func(d journal.Delivery) bool { return d.Status == journal.StatusDelivered }) {
			return nil
		}
		waiting = append(waiting, chain[len(chain)-1])
	}
	if len(waiting) == 0 {
		return nil
	}

	states := make([]string, len(waiting))
	for i, d := range waiting {
		if d.Status == journal.StatusDead {
			states[i] = fmt.Sprintf("delivery %s to %s was dead-lettered and waits for an "+
				"operator's replay", d.ID, d.Destination)
		} else {
			states[i] = fmt.Sprintf("delivery %s to %s is pending", d.ID, d.Destination)
		}
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/correlation_id", Rule: RuleFilingUndelivered,
		Message: fmt.Sprintf("the hub has not delivered filing %s, the final report with message "+
			"id %s, to the court yet (%s): send the callback again once the court has received "+
			"the filing", filingID, journal.QuoteID(j.SenderMessageID), strings.Join(states, "; ")),
	}}}, Retryable: true}
}

// sameFIR reports whether a and b are one FIR: the same key, and the
// same national id when both have one.
func sameFIR(a, b canonical.FIRRef) bool {
	if a.Key() != b.Key() {
		return false
	}
	return a.NationalID == "" || b.NationalID == "" || a.NationalID == b.NationalID
}
