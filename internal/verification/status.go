package verification

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Request states that RequestStatus returns.
const (
	// StatePending is a request with no report, not yet escalated.
	StatePending = "pending"
	// StateEscalated is a request the hub escalated, with no report yet.
	StateEscalated = "escalated"
	// StateUndelivered is a request with no report that no police unit
	// received. Either the routes sent it to police units and every
	// delivery of it and of its escalation to a police unit was
	// dead-lettered, or the routes sent it to no destination and the hub
	// has not escalated it yet. An operator's replay of a dead letter
	// delivers it.
	StateUndelivered = "undelivered"
	// StateEscalationUndelivered is a request with no report that the
	// hub escalated, but whose escalation no police unit received: the
	// routes sent the escalation to no destination with a police unit, or
	// every such delivery was dead-lettered. The request itself went to
	// no police unit, or not all of its deliveries to them are dead. A
	// dead letter's replay delivers the escalation, and a route added
	// later does not, since the hub routes each escalation once.
	StateEscalationUndelivered = "escalation_undelivered"
	// StateReported is a request with a report made by its due date.
	StateReported = "reported"
	// StateReportedLate is a request with a report dated after its due
	// date, or one that reached the hub after it.
	StateReportedLate = "reported_late"
)

// Status is the state of a passport file's police verification.
type Status struct {
	FileNumber string `json:"file_number"`
	// State is one of the State constants.
	State string `json:"status"`
	// RequestID is the hub id of the passport office's newest request
	// for the file.
	RequestID string `json:"request_message_id"`
	// ReceivedAt is when the hub received the newest request, in UTC.
	ReceivedAt time.Time `json:"received_at"`
	// Replaces is the hub id of the file's earlier request that the
	// newest one replaced, because the routes sent that one nowhere.
	Replaces       string `json:"replaces_message_id,omitempty"`
	PoliceStation  string `json:"police_station,omitempty"`
	DistrictOffice string `json:"district_office,omitempty"`
	// HeldBy are the police units that the routes sent the request or
	// its escalation to, each of which may report on it. Deliveries
	// shows whether each received it.
	HeldBy []string `json:"held_by,omitempty"`
	// Deliveries are the deliveries of the request and of its escalation
	// to police units, in the order the hub made them.
	Deliveries []Delivery `json:"deliveries,omitempty"`
	DueOn      string     `json:"due_on,omitempty"`
	// EscalationID is the hub id of the request's escalation, when the
	// hub escalated it.
	EscalationID string `json:"escalation_message_id,omitempty"`
	// EscalatedAt is when the hub journaled the escalation, in UTC.
	EscalatedAt time.Time `json:"escalated_at,omitzero"`
	// ReportID, Outcome and ReportedOn describe the newest report on the
	// request, when one came.
	ReportID   string `json:"report_message_id,omitempty"`
	Outcome    string `json:"outcome,omitempty"`
	ReportedOn string `json:"reported_on,omitempty"`
	// ReportedBy is the police unit that made the newest report.
	ReportedBy string `json:"reported_by,omitempty"`
	// EarlierReports are the reports on the request before the newest,
	// newest first. The routes delivered each of them like the newest, so
	// an outcome that a later report changed shows here.
	EarlierReports []Report `json:"earlier_reports,omitempty"`
	// OutcomesDiffer is set when an earlier report's outcome is not the
	// newest's, such as an adverse report from the station and a clear
	// one from the district office: the newest does not settle the file
	// alone.
	OutcomesDiffer bool `json:"outcomes_differ,omitempty"`
}

// Report is one police report on a verification request.
type Report struct {
	ReportID      string `json:"report_message_id"`
	Outcome       string `json:"outcome"`
	ReportedOn    string `json:"reported_on"`
	PoliceStation string `json:"police_station"`
}

// RequestStatus returns the status of the newest verification request
// the passport office sent for fileNumber, from the journal. units maps
// the destinations of its deliveries to police units. With units nil the
// status has no deliveries and is never StateUndelivered or
// StateEscalationUndelivered. A file with no request returns an error
// wrapping journal.ErrNotFound.
func RequestStatus(
	ctx context.Context,
	store journal.Store,
	units UnitLookup,
	fileNumber string,
) (Status, error) {
	found, err := store.Find(ctx, journal.Query{
		CaseKey: canonical.PassportCaseKey(fileNumber), Limit: journal.MaxLimit,
	})
	if err != nil {
		return Status{}, fmt.Errorf("reading verification of file %s: %w", fileNumber, err)
	}
	request, ok := newestRequest(found)
	if !ok {
		return Status{}, fmt.Errorf("verification request for file %s: %w", fileNumber,
			journal.ErrNotFound)
	}
	j, err := store.Journey(ctx, request.MessageID)
	if err != nil {
		return Status{}, fmt.Errorf("reading verification request %s: %w", request.MessageID, err)
	}
	r := j.Message.VerificationRequest
	if r == nil {
		return Status{}, fmt.Errorf("message %s is not a verification request", request.MessageID)
	}
	s := Status{
		FileNumber: fileNumber, State: StatePending, RequestID: request.MessageID,
		PoliceStation: r.PoliceStation, DistrictOffice: r.DistrictOffice, DueOn: r.DueOn,
		Replaces: r.Replaces, ReceivedAt: request.ReceivedAt.UTC(),
	}
	for _, m := range found {
		if m.Source == EscalationSource && m.SenderMessageID == EscalationPrefix+request.MessageID {
			s.EscalationID, s.State = m.MessageID, StateEscalated
			s.EscalatedAt = m.ReceivedAt.UTC()
		}
	}
	if s.HeldBy, err = holders(ctx, store, j.Message); err != nil {
		return Status{}, fmt.Errorf("reading the holders of verification request %s: %w",
			request.MessageID, err)
	}
	if s.Deliveries, err = deliveries(ctx, store, units, j); err != nil {
		return Status{}, fmt.Errorf("reading the deliveries of verification request %s: %w",
			request.MessageID, err)
	}
	if err := s.checkDelivered(ctx, store, units, j); err != nil {
		return Status{}, err
	}
	return s, s.addReport(ctx, store, found)
}

// checkDelivered sets s.State to StateUndelivered when no police unit
// received request or its escalation, and to StateEscalationUndelivered
// when none received the escalation. An escalated request that the
// routes sent to no police unit is judged by its escalation alone. With
// units nil it leaves s.State alone, as s has no deliveries to tell.
func (s *Status) checkDelivered(ctx context.Context, store journal.Store, units UnitLookup,
	request journal.Journey) error {
	if units == nil {
		return nil
	}
	if s.EscalationID == "" {
		if undelivered(s.Deliveries) || len(request.Deliveries) == 0 {
			s.State = StateUndelivered
		}
		return nil
	}
	sentToUnits := slices.ContainsFunc(s.Deliveries, func(d Delivery) bool {
		return d.MessageID == request.MessageID
	})
	if sentToUnits && undelivered(s.Deliveries) {
		s.State = StateUndelivered
		return nil
	}
	esc, err := store.Journey(ctx, s.EscalationID)
	if err != nil {
		return fmt.Errorf("reading escalation %s: %w", s.EscalationID, err)
	}
	if escalationUndelivered(esc, s.Deliveries) {
		s.State = StateEscalationUndelivered
	}
	return nil
}

// newestRequest returns the newest request in found, newest first, that
// the hub did not send itself.
func newestRequest(found []journal.Summary) (journal.Summary, bool) {
	for _, m := range found {
		if m.Type == canonical.TypeVerificationRequest && m.Source != EscalationSource {
			return m, true
		}
	}
	return journal.Summary{}, false
}

// addReport fills s from the newest report correlated with s's request,
// and lists the others, found newest first, in s.EarlierReports.
func (s *Status) addReport(ctx context.Context, store journal.Store, found []journal.Summary) error {
	for _, m := range found {
		if m.Type != canonical.TypeVerificationReport || m.CorrelationID != s.RequestID {
			continue
		}
		j, err := store.Journey(ctx, m.MessageID)
		if err != nil {
			return fmt.Errorf("reading verification report %s: %w", m.MessageID, err)
		}
		rep := j.Message.VerificationReport
		if rep == nil {
			return fmt.Errorf("message %s is not a verification report", m.MessageID)
		}
		if s.ReportID != "" {
			s.EarlierReports = append(s.EarlierReports, Report{ReportID: m.MessageID,
				Outcome: string(rep.Outcome), ReportedOn: rep.ReportedOn, PoliceStation: rep.PoliceStation})
			s.OutcomesDiffer = s.OutcomesDiffer || string(rep.Outcome) != s.Outcome
			continue
		}
		s.ReportID, s.Outcome, s.ReportedOn = m.MessageID, string(rep.Outcome), rep.ReportedOn
		s.ReportedBy = rep.PoliceStation
		s.State = StateReported
		if rep.Late {
			s.State = StateReportedLate
		}
	}
	return nil
}
