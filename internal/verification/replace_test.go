package verification

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// openCheck returns an OpenRequestCheck over e that claims and guards
// every message accept journals.
func (e *env) openCheck() *OpenRequestCheck {
	check := &OpenRequestCheck{Journal: e.store}
	e.claimers = []ingest.Claimer{check}
	e.guards = []ingest.Guard{check}
	return check
}

// againRequest is the fresh request under a new message id.
func againRequest(t *testing.T) canonical.Message {
	m := freshRequest(t)
	m.SenderMessageID += "-again"
	return m
}

// TestEscalationAfterReplacementRejected journals a request that replaces
// a stranded one after the tracker found the stranded one open, and
// before the tracker journals its escalation. The journal rejects the
// escalation, and the tracker marks the stranded request replaced.
func TestEscalationAfterReplacementRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)

		var second canonical.Message
		e.store = &hookStore{
			Store: e.store,
			match: func(en journal.Entry) bool { return en.Message.Source == EscalationSource },
			before: func() {
				second = e.accept(t, againRequest(t), e.requestEnricher(), check)
			},
		}
		e.clock.Advance(22 * day)
		tr, sub := e.tracker()
		n, err := tr.Pass(ctx)
		if err != nil {
			t.Fatalf("pass: %v", err)
		}
		if second.VerificationRequest == nil || second.VerificationRequest.Replaces != first.ID {
			t.Fatalf("the new request was not journaled as replacing %s: %+v", first.ID, second)
		}
		if n != 0 || sub.count() != 0 {
			t.Errorf("pass escalated %d requests, submitted %d; want none", n, sub.count())
		}
		found, err := e.store.Find(ctx, journal.Query{Source: EscalationSource})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 0 {
			t.Errorf("journal holds %d escalations, want none of the replaced request", len(found))
		}
		var state string
		err = e.index.db.QueryRowContext(ctx,
			`SELECT state FROM verification_requests WHERE message_id = $1`, first.ID).Scan(&state)
		if err != nil || state != RequestReplaced {
			t.Errorf("first request's state = %q (err %v), want %s", state, err, RequestReplaced)
		}
	})
}

// TestReplacementAfterEscalationRejected journals the escalation of a
// stranded request, which the routes send to a district police office,
// after a new request for the file found the stranded one unescalated,
// and before the journal takes the new one. The new request gets the
// open-request conflict, and a report on the escalation is accepted.
func TestReplacementAfterEscalationRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first, esc, err := e.replaceWhileEscalating(t, "kochi-city-dpo")
		var conflict *ingest.ConflictError
		if errors.As(err, &conflict) {
			vs := schemas.Violations(err)
			if len(vs) != 1 || vs[0].Rule != RuleOpenRequest {
				t.Fatalf("violations %v, want one of rule %s", vs, RuleOpenRequest)
			}
			if !strings.Contains(vs[0].Message, "the hub escalated it") {
				t.Errorf("message %q does not say that the hub escalated the open request", vs[0].Message)
			}
			if conflict.Retryable {
				t.Error("conflict is retryable, want not: a post again meets the same escalation")
			}
		} else {
			t.Errorf("new request: error = %v, want an *ingest.ConflictError", err)
		}
		claim := journal.Claim{Kind: ClaimOpenRequest, Key: first.VerificationRequest.FileNumber}
		if holder, err := e.store.ClaimHolder(ctx, claim); err != nil || holder != first.ID {
			t.Errorf("claim held by %q (err %v), want the first request %s", holder, err, first.ID)
		}

		rep, err := e.tryAccept(e.stationReport(esc.ID), e.reportEnricher())
		if err != nil {
			t.Fatalf("report on the escalation: %v", err)
		}
		if rep.CorrelationID != first.ID {
			t.Errorf("report correlated with %s, want the first request %s", rep.CorrelationID, first.ID)
		}
	})
}

// TestReplacementAfterStrandedEscalation journals the escalation of a
// stranded request, which the routes send to no destination, in the same
// moment as TestReplacementAfterEscalationRejected. The new request
// replaces the stranded one, because no police unit has either.
func TestReplacementAfterStrandedEscalation(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		first, _, err := e.replaceWhileEscalating(t, "")
		if err != nil {
			t.Fatalf("new request: %v", err)
		}
		found, err := e.store.Find(context.Background(), journal.Query{
			CaseKey: first.CaseKey, Type: canonical.TypeVerificationRequest, Source: "passport", Limit: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		j, err := e.store.Journey(context.Background(), found[0].MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if r := j.Message.VerificationRequest; r.Replaces != first.ID {
			t.Errorf("newest request replaces %q, want %s", r.Replaces, first.ID)
		}
	})
}

// replaceWhileEscalating journals a stranded request and, once it is
// overdue, posts a new request for its file. Just before the journal
// takes the new request, which replaces the stranded one, the tracker
// escalates the stranded one to destination, or to none when destination
// is empty. It returns the stranded request, its escalation and the new
// request's error.
func (e *env) replaceWhileEscalating(t *testing.T, destination string) (
	first, esc canonical.Message, err error) {
	t.Helper()
	ctx := context.Background()
	check := e.openCheck()
	first = e.accept(t, freshRequest(t), e.requestEnricher(), check)
	e.clock.Advance(22 * day)
	tr, sub := e.tracker()

	e.store = &hookStore{
		Store: e.store,
		match: func(en journal.Entry) bool {
			r := en.Message.VerificationRequest
			return r != nil && r.Replaces != ""
		},
		before: func() {
			e.destination = destination
			if n, err := tr.Pass(ctx); err != nil || n != 1 {
				t.Errorf("pass: %d escalations, err %v; want 1", n, err)
			}
		},
	}
	_, err = e.tryAccept(againRequest(t), e.requestEnricher(), check)
	if sub.count() != 1 {
		t.Fatalf("tracker submitted %d escalations, want 1", sub.count())
	}
	return first, sub.submitted[0], err
}

// TestConflictWithRequestJournaledMeanwhileRetryable journals a stranded
// request for a file after a new request for the file found no open
// request, and before the journal takes the new one. The new request's
// conflict is retryable, with a message to post again, and posting again
// replaces the stranded request.
func TestConflictWithRequestJournaledMeanwhileRetryable(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		check := e.openCheck()
		var first canonical.Message
		e.store = &hookStore{
			Store: e.store,
			match: func(en journal.Entry) bool {
				return en.Message.SenderMessageID == againRequest(t).SenderMessageID
			},
			before: func() { first = e.accept(t, freshRequest(t), e.requestEnricher(), check) },
		}
		_, err := e.tryAccept(againRequest(t), e.requestEnricher(), check)
		var conflict *ingest.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("new request: error = %v, want an *ingest.ConflictError", err)
		}
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleOpenRequest {
			t.Fatalf("violations %v, want one of rule %s", vs, RuleOpenRequest)
		}
		if !strings.Contains(vs[0].Message, "post yours again") {
			t.Errorf("message %q does not say to post again", vs[0].Message)
		}
		if !conflict.Retryable {
			t.Error("conflict is not retryable, but a post again replaces the stranded request")
		}

		again, err := e.tryAccept(againRequest(t), e.requestEnricher(), check)
		if err != nil {
			t.Fatalf("posting again: %v", err)
		}
		if again.VerificationRequest.Replaces != first.ID {
			t.Errorf("request posted again replaces %q, want %s", again.VerificationRequest.Replaces, first.ID)
		}
	})
}

// TestReportOnChainOfReplacementsNamesNewest journals three requests
// for one file that the routes send to no destination, each replacing
// the one before. A report on the first request is rejected naming the
// third, without claiming that the third replaced the first.
func TestReportOnChainOfReplacementsNamesNewest(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		check := e.openCheck()
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)
		second := e.accept(t, againRequest(t), e.requestEnricher(), check)
		third := freshRequest(t)
		third.SenderMessageID += "-third"
		third = e.accept(t, third, e.requestEnricher(), check)
		if second.VerificationRequest.Replaces != first.ID || third.VerificationRequest.Replaces != second.ID {
			t.Fatalf("replaces %q and %q, want %s and %s", second.VerificationRequest.Replaces,
				third.VerificationRequest.Replaces, first.ID, second.ID)
		}

		_, err := e.tryAccept(e.stationReport(first.ID), e.reportEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleUnknownRequest {
			t.Fatalf("err = %v, want one violation of rule %s", err, RuleUnknownRequest)
		}
		message := vs[0].Message
		if !strings.Contains(message, "in_reply_to \""+third.ID+"\"") {
			t.Errorf("message %q does not point the report at the newest request %s", message, third.ID)
		}
		if strings.Contains(message, "which request "+third.ID+" replaced") {
			t.Errorf("message %q says that %s replaced %s, which %s replaced", message, third.ID,
				first.ID, second.ID)
		}
		if !strings.Contains(message, "directly or through requests that were replaced in turn") {
			t.Errorf("message %q does not say that the replacement may be indirect", message)
		}
	})
}
