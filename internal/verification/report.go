package verification

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleUnknownRequest is the violation rule of a verification report for
// a file whose request never reached the hub, or whose in_reply_to names
// no request or escalation of its file, or names a replaced request or
// its escalation.
const RuleUnknownRequest = "unknown-request"

// RuleOtherStation is the violation rule of a verification report from a
// police unit other than the station the hub assigned the request to, its
// district police office, or a unit the hub delivered the request to.
const RuleOtherStation = "other-station"

// RuleReportBeforeRequest is the violation rule of a verification report
// dated before the day the request it replies to was made.
const RuleReportBeforeRequest = "chronology"

// RuleReportSource is the violation rule of a verification report posted
// by an agency other than the police. The passport adapter reads reports,
// which the passport office receives in its format, so without this rule
// the passport office could post a station's report itself.
const RuleReportSource = "report-source"

// ReportEnricher links each verification report to its request and
// marks it late when that request's due date has passed.
// Its fields are set once before use.
type ReportEnricher struct {
	// Journal holds the requests. Required.
	Journal journal.Store
	// Now returns the current time, which dates the report's arrival.
	// Default time.Now. Enrich runs as the hub receives a report, so this
	// is the received time unless a test moves the clock.
	Now func() time.Time
	// Zone is the zone of due dates and of the day a report arrives.
	// Default IST.
	Zone *time.Location
	// Log receives the details of rejected reports that the sender's
	// error leaves out. Default slog.Default().
	Log *slog.Logger

	// otherStation limits the warnings about reports from units that do
	// not hold the request, which any police token may post, to one per
	// throttle.DefaultLogInterval.
	otherStation     throttle.Sampler
	otherStationInit sync.Once
}

// Enrich implements ingest.Enricher. It finds the report's request by
// the report's correlation id, the hub id of the request or of its
// escalation, else, when the report names none, as the newest request
// with the report's file number. It sets the report's correlation id to
// the passport office's original request, so that request finds the
// report even when the report replied to the hub's escalation or named
// no request. It sets RequestSenderMessageID to that request's sender
// message id, which the passport office's copy carries in in_reply_to.
// It sets Late when the report is dated, or reaches the hub by Now,
// after the request's due date.
//
// A correlation id that is not the hub id of a request or escalation for
// the report's file returns an error wrapping a *schemas.ValidationError
// at the correlation id. So does one that names a request that a later
// one replaced, or the escalation of such a request. A report for a file
// whose request never reached the hub returns such an error at its file
// number, one from a station the request was not assigned to an error at
// its police station, and one
// dated before the request was made an error at its date. A report
// posted by an agency other than the police returns an error at its type
// before any request is looked up.
func (e *ReportEnricher) Enrich(ctx context.Context, m *canonical.Message) error {
	rep := m.VerificationReport
	if m.Type != canonical.TypeVerificationReport || rep == nil {
		return nil
	}
	if m.Source != police.Agency {
		return schemas.Invalid(schemas.Violation{
			Pointer: "/type", Rule: RuleReportSource,
			Message: fmt.Sprintf("a verification report comes from a police station, posted as "+
				"agency %s, and agency %s may not post one", police.Agency, m.Source)})
	}
	req, found, err := findRequest(ctx, e.Journal, m.CorrelationID, rep.FileNumber)
	if err != nil {
		return fmt.Errorf("finding the request of report for file %s: %w", rep.FileNumber, err)
	}
	if !found && m.CorrelationID != "" {
		return schemas.Invalid(schemas.Violation{
			Pointer: "/correlation_id", Rule: RuleUnknownRequest,
			Message: fmt.Sprintf("in_reply_to %q is not the hub_message_id of a verification "+
				"request for passport file %s or of its escalation: give the hub_message_id of "+
				"the request the station received, or leave in_reply_to out to answer the file's "+
				"newest request", m.CorrelationID, rep.FileNumber)})
	}
	if !found {
		return schemas.Invalid(schemas.Violation{
			Pointer: "/verification_report/file_number", Rule: RuleUnknownRequest,
			Message: fmt.Sprintf("no verification request for passport file %s has reached "+
				"the hub, so the report answers nothing", rep.FileNumber)})
	}
	if err := checkReplaced(ctx, e.Journal, m.CorrelationID, req); err != nil {
		return err
	}
	if err := e.checkStation(ctx, rep, req); err != nil {
		return err
	}
	zone := e.Zone
	if zone == nil {
		zone = IST
	}
	if err := checkDate(rep, req, zone); err != nil {
		return err
	}
	m.CorrelationID = req.ID
	rep.RequestSenderMessageID = req.SenderMessageID
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	due := req.VerificationRequest.DueOn
	rep.Late = rep.ReportedOn > due || dateOf(now(), zone) > due
	return nil
}

// checkStation returns an error wrapping a *schemas.ValidationError at the
// report's police station unless rep names a unit that may report on
// req. Those are the station req was assigned to, that station's
// district police office, which an overdue request is escalated to, and
// the holders, the units that the request or its escalation was
// delivered to. A request assigned to no station takes a report from any.
//
// NOTE: the station is the one the report names. The API rejects, before
// this check, a report from a token that does not list the station it
// names, but a police token without a stations list may name any station.
func (e *ReportEnricher) checkStation(
	ctx context.Context,
	rep *canonical.VerificationReport,
	req canonical.Message,
) error {
	r := req.VerificationRequest
	if r.PoliceStation == "" || rep.PoliceStation == r.PoliceStation ||
		(r.DistrictOffice != "" && rep.PoliceStation == r.DistrictOffice) {
		return nil
	}
	units, err := holders(ctx, e.Journal, req)
	if err != nil {
		return fmt.Errorf("reading the holders of the request for file %s: %w", rep.FileNumber, err)
	}
	if slices.Contains(units, rep.PoliceStation) {
		return nil
	}
	// The sender learns only that it does not hold the request: which
	// units hold another station's file is not the sender's to know, so
	// only the operator's log names them.
	e.warnOtherStation("file_number", rep.FileNumber, "request_id", req.ID,
		"reported_by", rep.PoliceStation, "police_station", r.PoliceStation,
		"district_office", r.DistrictOffice, "held_by", units)
	return schemas.Invalid(schemas.Violation{
		Pointer: "/verification_report/police_station", Rule: RuleOtherStation,
		Message: fmt.Sprintf("police unit %s does not hold the request for passport file %s: "+
			"only the station it was assigned to, that station's district police office and "+
			"the units that received the request report on it", rep.PoliceStation, rep.FileNumber)})
}

// warnOtherStation logs, at Warn, a report rejected because the reporting
// unit does not hold the request, because it is an attempt to act on
// another unit's file. Of the rejections within one
// throttle.DefaultLogInterval, only the first is logged, and the next
// line logged counts the others as suppressed.
func (e *ReportEnricher) warnOtherStation(attrs ...any) {
	e.otherStationInit.Do(func() { e.otherStation.Interval = throttle.DefaultLogInterval })
	const msg = "verification report rejected: the reporting unit does not hold the request"
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	ok, suppressed := e.otherStation.Allow(msg, now())
	if !ok {
		return
	}
	if suppressed > 0 {
		attrs = append(attrs, "suppressed", suppressed)
	}
	e.log().Warn(msg, attrs...)
}

func (e *ReportEnricher) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

// checkDate returns an error wrapping a *schemas.ValidationError at the
// report's date when rep is dated before the day, in zone, that req was
// made. Such a report would otherwise pass as the newest one and as
// made in time.
func checkDate(rep *canonical.VerificationReport, req canonical.Message, zone *time.Location) error {
	if rep.ReportedOn == "" || req.OccurredAt.IsZero() {
		return nil
	}
	requested := dateOf(req.OccurredAt, zone)
	if rep.ReportedOn >= requested {
		return nil
	}
	return schemas.Invalid(schemas.Violation{
		Pointer: "/verification_report/reported_on", Rule: RuleReportBeforeRequest,
		Message: fmt.Sprintf("the report is dated %s, before the request for passport file %s "+
			"was made on %s (%s)", rep.ReportedOn, rep.FileNumber, requested, zoneName(req.OccurredAt, zone))})
}

// zoneName returns the abbreviation of zone at t, such as "IST" for
// Asia/Kolkata, which the passport adapter's messages use too.
func zoneName(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("MST")
}

// findRequest returns the passport office's request that a report for
// fileNumber replies to: the request correlationID names, or the original
// of the escalation it names. With correlationID empty it returns the
// newest request for fileNumber.
//
// A request that a later one replaced may be returned, which
// checkReplaced rejects.
func findRequest(
	ctx context.Context,
	store journal.Store,
	correlationID, fileNumber string,
) (canonical.Message, bool, error) {
	if correlationID != "" {
		return readRequest(ctx, store, correlationID, fileNumber, true)
	}
	found, err := store.Find(ctx, journal.Query{
		CaseKey: canonical.PassportCaseKey(fileNumber),
		Type:    canonical.TypeVerificationRequest,
	})
	if err != nil {
		return canonical.Message{}, false, err
	}
	for _, s := range found {
		if s.Source != EscalationSource {
			return readRequest(ctx, store, s.MessageID, fileNumber, false)
		}
	}
	return canonical.Message{}, false, nil
}

// checkReplaced returns an error wrapping a *schemas.ValidationError at
// the correlation id when correlationID names req or its escalation and a
// later request replaced req. The hub replaces only a request that the
// routes had sent, with its escalation if any, to no destination. The
// error names the file's request that replaced req, directly or through
// other replaced requests, which takes the report instead. No police
// unit has the escalation of a replaced request, because the journal
// takes a request's escalation or its replacement, not both (see
// ClaimEscalation), and replaces only a request whose escalation went to
// no destination. A journal written before escalations took that claim
// may still hold such an escalation, and a report on it is rejected.
func checkReplaced(ctx context.Context, store journal.Store, correlationID string, req canonical.Message) error {
	if correlationID == "" {
		return nil
	}
	fileNumber := req.VerificationRequest.FileNumber
	by, err := replacement(ctx, store, req)
	if err != nil {
		return fmt.Errorf("finding the request that replaced %s of passport file %s: %w",
			req.ID, fileNumber, err)
	}
	if by == "" {
		return nil
	}
	named := "request " + req.ID
	if correlationID != req.ID {
		named = "the escalation of request " + req.ID
	}
	// by may have replaced req directly or a request that replaced req,
	// so the message does not say that by replaced req.
	return schemas.Invalid(schemas.Violation{
		Pointer: "/correlation_id", Rule: RuleUnknownRequest,
		Message: fmt.Sprintf("in_reply_to %q names %s for passport file %s, which was "+
			"replaced because the hub's routes had sent it, and its escalation if any, to no "+
			"destination. Request %s took over from it, directly or through requests that were "+
			"replaced in turn: report on request %s, with in_reply_to %q",
			correlationID, named, fileNumber, by, by, by)})
}

// replacement returns the hub id of the request for req's file that
// replaced req, following each replaced request to the one that
// replaced it in turn, or "" when no request replaced req.
func replacement(ctx context.Context, store journal.Store, req canonical.Message) (string, error) {
	found, err := store.Find(ctx, journal.Query{
		CaseKey: canonical.PassportCaseKey(req.VerificationRequest.FileNumber),
		Type:    canonical.TypeVerificationRequest,
		Limit:   journal.MaxLimit,
	})
	if err != nil {
		return "", err
	}
	// replacedBy maps each request newer than req that replaced another
	// to the hub id of the request that replaced it.
	replacedBy := map[string]string{}
	for _, s := range found {
		if s.MessageID == req.ID {
			break
		}
		if s.Source == EscalationSource {
			continue
		}
		j, err := store.Journey(ctx, s.MessageID)
		if err != nil {
			return "", fmt.Errorf("reading request %s: %w", s.MessageID, err)
		}
		if r := j.Message.VerificationRequest; r != nil && r.Replaces != "" {
			replacedBy[r.Replaces] = s.MessageID
		}
	}
	by := ""
	for id := req.ID; replacedBy[id] != ""; id = replacedBy[id] {
		by = replacedBy[id]
	}
	return by, nil
}

// readRequest reads message id when it is a request for fileNumber. When
// follow is set, it reads an escalation's original request instead.
func readRequest(
	ctx context.Context,
	store journal.Store,
	id, fileNumber string,
	follow bool,
) (canonical.Message, bool, error) {
	j, err := store.Journey(ctx, id)
	if errors.Is(err, journal.ErrNotFound) {
		return canonical.Message{}, false, nil
	}
	if err != nil {
		return canonical.Message{}, false, err
	}
	r := j.Message.VerificationRequest
	if r == nil || r.FileNumber != fileNumber {
		return canonical.Message{}, false, nil
	}
	if r.Escalated {
		if !follow {
			return canonical.Message{}, false, nil
		}
		return readRequest(ctx, store, j.Message.CorrelationID, fileNumber, false)
	}
	return j.Message, true, nil
}
