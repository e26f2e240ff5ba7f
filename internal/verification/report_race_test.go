package verification

import (
	"context"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// isReport selects the entries of verification reports.
func isReport(en journal.Entry) bool {
	return en.Message.Type == canonical.TypeVerificationReport
}

// escalationClaimHolder returns the hub id of the message that holds the
// ClaimEscalation of request id.
func (e *env) escalationClaimHolder(t *testing.T, id string) string {
	t.Helper()
	holder, err := e.store.ClaimHolder(context.Background(), journal.Claim{Kind: ClaimEscalation, Key: id})
	if err != nil {
		t.Fatalf("reading the escalation claim of %s: %v", id, err)
	}
	return holder
}

// countFound returns how many journaled messages q finds.
func (e *env) countFound(t *testing.T, q journal.Query) int {
	t.Helper()
	found, err := e.store.Find(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return len(found)
}

// TestEscalationAfterReportRejected journals a station's report on an
// overdue request after the tracker found no report on it, and before the
// journal takes the tracker's escalation. The journal rejects the
// escalation, and the tracker marks the request reported.
func TestEscalationAfterReportRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)
		e.clock.Advance(22 * day)

		var report canonical.Message
		e.store = &hookStore{
			Store: e.store,
			match: func(en journal.Entry) bool { return en.Message.Source == EscalationSource },
			before: func() {
				report = e.accept(t, e.stationReport(first.ID), e.reportEnricher())
			},
		}
		tr, sub := e.tracker()
		n, err := tr.Pass(ctx)
		if err != nil {
			t.Fatalf("pass: %v", err)
		}
		if report.CorrelationID != first.ID {
			t.Fatalf("report correlated with %q, want the request %s", report.CorrelationID, first.ID)
		}
		if n != 0 {
			t.Errorf("pass escalated %d requests, want none", n)
		}
		if got := sub.count(); got != 0 {
			t.Errorf("pass submitted %d escalations, want none", got)
		}
		if got := e.countFound(t, journal.Query{Source: EscalationSource}); got != 0 {
			t.Errorf("journal holds %d escalations, want none of the reported request", got)
		}
		if holder := e.escalationClaimHolder(t, first.ID); holder != report.ID {
			t.Errorf("escalation claim held by %s, want the report %s", holder, report.ID)
		}
		var state string
		err = e.index.db.QueryRowContext(ctx,
			`SELECT state FROM verification_requests WHERE message_id = $1`, first.ID).Scan(&state)
		if err != nil {
			t.Fatalf("reading the request's state: %v", err)
		}
		if state != RequestReported {
			t.Errorf("request's state = %q, want %s", state, RequestReported)
		}
	})
}

// TestReportAfterEscalationAccepted journals the tracker's escalation of
// an overdue request after the guard of a station's report on it took the
// request's escalation claim, and before the journal takes the report.
// The guard runs again, finds the escalation, and the report is accepted.
func TestReportAfterEscalationAccepted(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)
		e.clock.Advance(22 * day)

		tr, sub := e.tracker()
		hook := &hookStore{
			Store: e.store,
			match: isReport,
			before: func() {
				if n, err := tr.Pass(ctx); err != nil || n != 1 {
					t.Errorf("pass: %d escalations, err %v; want 1", n, err)
				}
			},
		}
		e.store = hook
		report, err := e.tryAccept(e.stationReport(first.ID), e.reportEnricher())
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		if sub.count() != 1 {
			t.Fatalf("tracker submitted %d escalations, want 1", sub.count())
		}
		if hook.matched != 2 {
			t.Errorf("journal took the report at attempt %d, want 2: the escalation's claim "+
				"rejects the first", hook.matched)
		}
		if report.CorrelationID != first.ID {
			t.Errorf("report correlated with %q, want the request %s", report.CorrelationID, first.ID)
		}
		q := journal.Query{CorrelationID: first.ID, Type: canonical.TypeVerificationReport}
		if got := e.countFound(t, q); got != 1 {
			t.Errorf("journal holds %d reports on the request, want 1", got)
		}
		if holder := e.escalationClaimHolder(t, first.ID); holder != sub.submitted[0].ID {
			t.Errorf("escalation claim held by %s, want the escalation %s", holder, sub.submitted[0].ID)
		}
	})
}

// TestReportAfterReplacementRejected journals a request that replaces a
// stranded one after the guard of a station's report on the stranded one
// took its escalation claim, and before the journal takes the report. The
// report gets the rejection of a report on a replaced request.
func TestReportAfterReplacementRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)

		var second canonical.Message
		e.store = &hookStore{
			Store: e.store,
			match: isReport,
			before: func() {
				second = e.accept(t, againRequest(t), e.requestEnricher(), check)
			},
		}
		_, err := e.tryAccept(e.stationReport(first.ID), e.reportEnricher())
		if second.VerificationRequest == nil || second.VerificationRequest.Replaces != first.ID {
			t.Fatalf("the new request was not journaled as replacing %s: %+v", first.ID, second)
		}
		vs := schemas.Violations(err)
		if len(vs) != 1 {
			t.Fatalf("report: error %v, want one violation", err)
		}
		if vs[0].Rule != RuleUnknownRequest {
			t.Errorf("rule %s, want %s", vs[0].Rule, RuleUnknownRequest)
		}
		if vs[0].Pointer != "/correlation_id" {
			t.Errorf("pointer %s, want /correlation_id", vs[0].Pointer)
		}
		if !strings.Contains(vs[0].Message, second.ID) {
			t.Errorf("message %q does not name the replacement %s", vs[0].Message, second.ID)
		}
		if got := e.countFound(t, journal.Query{Type: canonical.TypeVerificationReport}); got != 0 {
			t.Errorf("journal holds %d reports, want none", got)
		}
	})
}

// TestReplacementAfterReportAccepted journals a station's report on a
// stranded request after a new request for the file found the stranded
// one open, and before the journal takes the new one. The report holds
// the stranded request's escalation claim, and the new request is
// journaled without it rather than failing as busy.
func TestReplacementAfterReportAccepted(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)

		var report canonical.Message
		e.store = &hookStore{
			Store: e.store,
			match: func(en journal.Entry) bool {
				r := en.Message.VerificationRequest
				return r != nil && r.Replaces != ""
			},
			before: func() { report = e.accept(t, e.stationReport(first.ID), e.reportEnricher()) },
		}
		second, err := e.tryAccept(againRequest(t), e.requestEnricher(), check)
		if err != nil {
			t.Fatalf("new request: %v", err)
		}
		if holder := e.escalationClaimHolder(t, first.ID); holder != report.ID {
			t.Errorf("escalation claim held by %s, want the report %s", holder, report.ID)
		}
		claim := journal.Claim{Kind: ClaimOpenRequest, Key: first.VerificationRequest.FileNumber}
		holder, err := e.store.ClaimHolder(context.Background(), claim)
		if err != nil {
			t.Fatalf("reading the holder of the file's claim: %v", err)
		}
		if holder != second.ID {
			t.Errorf("file's claim held by %q, want the new request %s", holder, second.ID)
		}
	})
}
