package verification

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/schemas"
)

const day = 24 * time.Hour

// stationReport is a clear report on the fresh request's file, dated by
// the clock and correlated with requestID.
func (e *env) stationReport(requestID string) canonical.Message {
	now := e.clock.Now()
	return canonical.Message{
		Type: canonical.TypeVerificationReport, Source: "police",
		SenderMessageID: "EKM0420-PVR-" + now.Format("20060102150405"),
		CorrelationID:   requestID, CaseKey: canonical.PassportCaseKey("CO1075120411325"),
		OccurredAt: now,
		VerificationReport: &canonical.VerificationReport{
			FileNumber: "CO1075120411325", Outcome: canonical.VerificationClear,
			PoliceStation: "EKM0420", Officer: canonical.Officer{Name: "Deepa S."},
			ReportedOn: dateOf(now, IST),
		},
	}
}

// tracker returns a tracker over e whose submitter journals through the
// same enrichers as the passport office's requests.
func (e *env) tracker() (*Tracker, *submitter) {
	sub := &submitter{e: e, enrichers: []ingest.Enricher{e.requestEnricher(), e.reportEnricher()}}
	return &Tracker{
		Index: e.index, Journal: e.store, Submitter: sub, Now: e.clock.Now,
		Interval: time.Millisecond, Log: quietLog(),
	}, sub
}

func (e *env) reportEnricher() *ReportEnricher {
	return &ReportEnricher{Journal: e.store, Now: e.clock.Now, Log: quietLog()}
}

func TestReportLinkedAndMarkedLate(t *testing.T) {
	cases := []struct {
		name        string
		after       time.Duration // from the request, received 5 November
		dated       time.Duration // how long before receipt the report is dated
		correlation string        // "request", "escalation" or ""
		late        bool
	}{
		{"on time", 15 * day, 0, "request", false},
		{"on the due date", 21 * day, 0, "request", false},
		{"by file number", 15 * day, 0, "", false},
		{"after the due date", 23 * day, 0, "request", true},
		{"dated in time, received late", 23 * day, 3 * day, "request", true},
		{"answering the escalation", 30 * day, 0, "escalation", true},
	}
	backends(t, func(t *testing.T, e *env) {
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req := freshRequest(t)
				req.SenderMessageID += string(rune('a' + i))
				req = e.accept(t, req, e.requestEnricher())
				start := e.clock.Now()
				defer func() { e.clock.now = start }()
				correlation := map[string]string{"request": req.ID, "": ""}[c.correlation]
				if c.correlation == "escalation" {
					esc := e.accept(t, Escalation(req, e.clock.Now()), e.requestEnricher())
					correlation = esc.ID
				}
				e.clock.Advance(c.after - c.dated)
				rep := e.stationReport(correlation)
				e.clock.Advance(c.dated)
				rep = e.accept(t, rep, e.reportEnricher())
				if rep.CorrelationID != req.ID {
					t.Errorf("report correlated with %q, want the request %s", rep.CorrelationID, req.ID)
				}
				if rep.VerificationReport.Late != c.late {
					t.Errorf("late = %v, want %v", rep.VerificationReport.Late, c.late)
				}
			})
		}
	})
}

func TestReportForUnknownFileRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		_, err := e.tryAccept(e.stationReport(""), e.reportEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleUnknownRequest ||
			vs[0].Pointer != "/verification_report/file_number" {
			t.Fatalf("err = %v, want %s at /verification_report/file_number", err, RuleUnknownRequest)
		}
	})
}

func TestReportFromPassportOfficeRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		rep := e.stationReport(req.ID)
		rep.Source = "passport"
		_, err := e.tryAccept(rep, e.reportEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleReportSource || vs[0].Pointer != "/type" {
			t.Fatalf("err = %v, want %s at /type", err, RuleReportSource)
		}
		if !strings.Contains(vs[0].Message, "agency passport may not post one") {
			t.Errorf("message %q does not name agency passport", vs[0].Message)
		}
	})
}

func TestReportDatedBeforeRequestRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		requested := dateOf(req.OccurredAt, IST)

		// A report dated the day before the request was made replies to a
		// request that did not exist yet.
		rep := e.stationReport(req.ID)
		rep.OccurredAt = req.OccurredAt.Add(-day)
		rep.VerificationReport.ReportedOn = dateOf(rep.OccurredAt, IST)
		_, err := e.tryAccept(rep, e.reportEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleReportBeforeRequest ||
			vs[0].Pointer != "/verification_report/reported_on" {
			t.Fatalf("err = %v, want %s at /verification_report/reported_on", err, RuleReportBeforeRequest)
		}
		if !strings.Contains(vs[0].Message, requested) {
			t.Errorf("message %q does not name the request's date %s", vs[0].Message, requested)
		}

		// One dated the day the request was made is accepted.
		rep = e.stationReport(req.ID)
		rep.SenderMessageID += "-same-day"
		rep.OccurredAt = req.OccurredAt
		rep.VerificationReport.ReportedOn = requested
		if _, err := e.tryAccept(rep, e.reportEnricher()); err != nil {
			t.Errorf("report dated the request's day %s: %v", requested, err)
		}
	})
}

func TestReportFromOtherStationRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		if r := req.VerificationRequest; r.PoliceStation != "EKM0420" || r.DistrictOffice == "" {
			t.Fatalf("request assigned to %q of %q, want EKM0420 and its district office",
				r.PoliceStation, r.DistrictOffice)
		}
		rep := e.stationReport(req.ID)
		rep.VerificationReport.PoliceStation = "EKM0412"
		var logged strings.Builder
		enricher := e.reportEnricher()
		enricher.Log = slog.New(slog.NewTextHandler(&logged, nil))
		_, err := e.tryAccept(rep, enricher)
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleOtherStation ||
			vs[0].Pointer != "/verification_report/police_station" {
			t.Fatalf("err = %v, want %s at /verification_report/police_station", err, RuleOtherStation)
		}
		// The posting unit learns that it does not hold the request, not
		// which units do. The operator's log names them.
		if !strings.Contains(vs[0].Message, "police unit EKM0412 does not hold the request") {
			t.Errorf("message %q does not say that EKM0412 does not hold the request", vs[0].Message)
		}
		for _, unit := range []string{"EKM0420", req.VerificationRequest.DistrictOffice} {
			if strings.Contains(vs[0].Message, unit) {
				t.Errorf("message %q names unit %s, which holds the request", vs[0].Message, unit)
			}
			if !strings.Contains(logged.String(), unit) {
				t.Errorf("log %q does not name unit %s, which holds the request", logged.String(), unit)
			}
		}

		// The district police office that an overdue request goes to
		// may report on it.
		rep = e.stationReport(req.ID)
		rep.SenderMessageID += "-dpo"
		rep.VerificationReport.PoliceStation = req.VerificationRequest.DistrictOffice
		if _, err := e.tryAccept(rep, e.reportEnricher()); err != nil {
			t.Errorf("report from district office %s: %v", req.VerificationRequest.DistrictOffice, err)
		}
	})
}

func TestTrackerEscalatesOverdueRequestOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.loadRecords(t)
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		tr, sub := e.tracker()

		e.clock.Advance(21 * day) // 26 November, the due date
		if n, err := tr.Pass(ctx); err != nil || n != 0 {
			t.Fatalf("pass on the due date: %d escalations, err %v; want none", n, err)
		}
		e.clock.Advance(day)
		if n, err := tr.Pass(ctx); err != nil || n != 1 {
			t.Fatalf("pass after the due date: %d escalations, err %v; want 1", n, err)
		}
		esc := sub.submitted[0]
		if esc.Source != EscalationSource || esc.SenderMessageID != EscalationPrefix+req.ID {
			t.Errorf("escalation from %s as %s, want hub as escalation/%s",
				esc.Source, esc.SenderMessageID, req.ID)
		}
		r := esc.VerificationRequest
		if !r.Escalated || esc.CorrelationID != req.ID || esc.CaseKey != req.CaseKey {
			t.Errorf("escalation = %+v, want escalated and correlated with %s", esc, req.ID)
		}
		if r.DistrictOffice != "KOCHI-CITY" || len(r.Matches) != 1 || r.DueOn != "2025-11-26" {
			t.Errorf("escalation lost the request's data: %+v", r)
		}

		if n, err := tr.Pass(ctx); err != nil || n != 0 {
			t.Errorf("second pass: %d escalations, err %v; want none", n, err)
		}
		// Another replica whose index still saw the request open
		// submits the same escalation, which the journal deduplicates.
		reopen(t, e, req.ID)
		if n, err := tr.Pass(ctx); err != nil || n != 0 {
			t.Errorf("pass of a replica with a stale index: %d escalations, err %v; want none", n, err)
		}
		found, err := e.store.Find(ctx, journal.Query{Source: EscalationSource})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 {
			t.Errorf("journal holds %d escalations, want 1", len(found))
		}
	})
}

// reopen sets a request's tracked state back to open.
func reopen(t *testing.T, e *env, id string) {
	t.Helper()
	_, err := e.index.db.ExecContext(context.Background(),
		"UPDATE verification_requests SET state = $1 WHERE message_id = $2", RequestOpen, id)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTrackerLeavesReportedRequests(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		e.clock.Advance(10 * day)
		// The report reaches the journal but not the index, as after a
		// crash between commit and Observe.
		idx := e.index
		e.index = nil
		e.accept(t, e.stationReport(req.ID), e.reportEnricher())
		e.index = idx

		e.clock.Advance(20 * day)
		tr, sub := e.tracker()
		if n, err := tr.Pass(ctx); err != nil || n != 0 {
			t.Fatalf("pass: %d escalations, err %v; want none for a reported request", n, err)
		}
		if sub.count() != 0 {
			t.Errorf("tracker submitted %d messages, want none", sub.count())
		}
		due, err := e.index.overdue(ctx, "2099-01-01", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 0 {
			t.Errorf("request still open after its report was found: %+v", due)
		}
	})
}

func TestTrackerRunEscalates(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.accept(t, freshRequest(t), e.requestEnricher())
		tr, sub := e.tracker()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); tr.Run(ctx) }()
		defer func() { cancel(); <-done }()

		e.clock.Advance(30 * day)
		deadline := time.Now().Add(10 * time.Second)
		for sub.count() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("Run did not escalate the overdue request")
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

func TestRequestStatus(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const file = "CO1075120411325"
		if _, err := RequestStatus(ctx, e.store, nil, file); !errors.Is(err, journal.ErrNotFound) {
			t.Fatalf("status of an unknown file: err = %v, want ErrNotFound", err)
		}
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		want := func(state string) Status {
			t.Helper()
			s, err := RequestStatus(ctx, e.store, nil, file)
			if err != nil {
				t.Fatal(err)
			}
			if s.State != state {
				t.Errorf("status = %s, want %s", s.State, state)
			}
			return s
		}
		s := want(StatePending)
		if s.RequestID != req.ID || s.PoliceStation != "EKM0420" || s.DueOn != "2025-11-26" {
			t.Errorf("pending status = %+v", s)
		}
		if !s.ReceivedAt.Equal(req.ReceivedAt) {
			t.Errorf("received at %s, want %s", s.ReceivedAt, req.ReceivedAt.UTC())
		}
		if s.ReceivedAt.Location() != time.UTC {
			t.Errorf("received at %s, want it in UTC", s.ReceivedAt)
		}
		if !s.EscalatedAt.IsZero() {
			t.Errorf("escalated at %s before the escalation, want none", s.EscalatedAt)
		}

		e.clock.Advance(22 * day)
		tr, sub := e.tracker()
		if _, err := tr.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		s = want(StateEscalated)
		if s.EscalationID != sub.submitted[0].ID {
			t.Errorf("escalation id = %q, want %s", s.EscalationID, sub.submitted[0].ID)
		}
		if esc := sub.submitted[0].ReceivedAt; !s.EscalatedAt.Equal(esc) || esc.IsZero() {
			t.Errorf("escalated at %s, want %s", s.EscalatedAt, esc)
		}

		rep := e.accept(t, e.stationReport(req.ID), e.reportEnricher())
		s = want(StateReportedLate)
		if s.ReportID != rep.ID || s.Outcome != "clear" {
			t.Errorf("reported status = %+v, want report %s, clear", s, rep.ID)
		}
	})
}

func TestRequestStatusListsEarlierReports(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		e.clock.Advance(3 * day)
		first := e.accept(t, e.stationReport(req.ID), e.reportEnricher())
		e.clock.Advance(day)
		second := e.stationReport(req.ID)
		second.VerificationReport.Outcome = canonical.VerificationNotVerified
		second.VerificationReport.Reason = "not residing at the present address"
		second = e.accept(t, second, e.reportEnricher())

		s, err := RequestStatus(context.Background(), e.store, nil, "CO1075120411325")
		if err != nil {
			t.Fatal(err)
		}
		if s.ReportID != second.ID || s.Outcome != "not_verified" {
			t.Errorf("newest report = %s %s, want %s not_verified", s.ReportID, s.Outcome, second.ID)
		}
		if len(s.EarlierReports) != 1 || s.EarlierReports[0].ReportID != first.ID ||
			s.EarlierReports[0].Outcome != "clear" || s.EarlierReports[0].PoliceStation != "EKM0420" {
			t.Errorf("earlier reports = %+v, want the clear report %s from EKM0420", s.EarlierReports, first.ID)
		}
		if !s.OutcomesDiffer || s.ReportedBy != "EKM0420" {
			t.Errorf("outcomes_differ %v, reported_by %q; want true and EKM0420", s.OutcomesDiffer, s.ReportedBy)
		}
	})
}

// TestRequestStatusSameOutcomeTwice reports clear twice: the outcomes
// agree.
func TestRequestStatusSameOutcomeTwice(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		e.clock.Advance(3 * day)
		e.accept(t, e.stationReport(req.ID), e.reportEnricher())
		e.clock.Advance(day)
		e.accept(t, e.stationReport(req.ID), e.reportEnricher())

		s, err := RequestStatus(context.Background(), e.store, nil, "CO1075120411325")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.EarlierReports) != 1 || s.OutcomesDiffer {
			t.Errorf("earlier reports %+v, outcomes_differ %v; want one and false", s.EarlierReports, s.OutcomesDiffer)
		}
	})
}

func TestRequestStatusReportedInTime(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		e.clock.Advance(3 * day)
		e.accept(t, e.stationReport(req.ID), e.reportEnricher())
		s, err := RequestStatus(context.Background(), e.store, nil, "CO1075120411325")
		if err != nil {
			t.Fatal(err)
		}
		if s.State != StateReported {
			t.Errorf("status = %s, want %s", s.State, StateReported)
		}
	})
}

// TestReportInReplyToOtherRequestRejected posts reports whose correlation
// id names another file's request, or no message, and one that names
// the request's escalation.
func TestReportInReplyToOtherRequestRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		other := freshRequest(t)
		other.SenderMessageID += "-other"
		other.VerificationRequest.FileNumber = "CO1075120411326"
		other.CaseKey = other.VerificationRequest.CaseKey()
		other = e.accept(t, other, e.requestEnricher())
		e.clock.Advance(day)

		for name, id := range map[string]string{"other file's request": other.ID, "made-up id": "NOT-AN-ID",
			"request's own file number": req.VerificationRequest.FileNumber} {
			_, err := e.tryAccept(e.stationReport(id), e.reportEnricher())
			vs := schemas.Violations(err)
			if len(vs) != 1 || vs[0].Rule != RuleUnknownRequest || vs[0].Pointer != "/correlation_id" {
				t.Errorf("%s: err = %v, want %s at /correlation_id", name, err, RuleUnknownRequest)
				continue
			}
			if !strings.Contains(vs[0].Message, id) {
				t.Errorf("%s: message %q does not name %s", name, vs[0].Message, id)
			}
		}

		esc := e.accept(t, Escalation(req, e.clock.Now()), e.requestEnricher())
		rep, err := e.tryAccept(e.stationReport(esc.ID), e.reportEnricher())
		if err != nil {
			t.Fatalf("report in reply to the escalation: %v", err)
		}
		if rep.CorrelationID != req.ID {
			t.Errorf("report correlated with %s, want the request %s", rep.CorrelationID, req.ID)
		}
	})
}

// TestOtherStationWarnedAndLimited logs at Warn a report from a unit
// that does not hold the request. A second such report within the log
// interval is held back, and the next line after the interval counts it
// as suppressed.
func TestOtherStationWarnedAndLimited(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		var logged strings.Builder
		enricher := e.reportEnricher()
		enricher.Log = slog.New(slog.NewTextHandler(&logged, nil))
		post := func(suffix string) {
			t.Helper()
			rep := e.stationReport(req.ID)
			rep.SenderMessageID += suffix
			rep.VerificationReport.PoliceStation = "EKM0412"
			_, err := e.tryAccept(rep, enricher)
			if vs := schemas.Violations(err); len(vs) != 1 || vs[0].Rule != RuleOtherStation {
				t.Fatalf("err = %v, want %s", err, RuleOtherStation)
			}
		}
		lines := func() []string {
			return strings.Split(strings.TrimSpace(logged.String()), "\n")
		}

		post("-a")
		post("-b")
		if got := lines(); len(got) != 1 {
			t.Fatalf("log lines after two rejections = %q, want one", got)
		}
		first := lines()[0]
		if !strings.Contains(first, "level=WARN") {
			t.Errorf("log line %q, want level WARN", first)
		}
		if !strings.Contains(first, "reported_by=EKM0412") {
			t.Errorf("log line %q does not name the reporting unit EKM0412", first)
		}

		e.clock.Advance(throttle.DefaultLogInterval)
		post("-c")
		got := lines()
		if len(got) != 2 {
			t.Fatalf("log lines after the interval = %q, want two", got)
		}
		if !strings.Contains(got[1], "suppressed=1") {
			t.Errorf("log line %q, want suppressed=1", got[1])
		}
	})
}
