package verification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

func TestSecondOpenRequestConflicts(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.claimers = []ingest.Claimer{&OpenRequestCheck{Journal: e.store}}
		first := e.accept(t, freshRequest(t), e.requestEnricher())

		second := freshRequest(t)
		second.SenderMessageID += "-again"
		_, err := e.tryAccept(second, e.requestEnricher())
		var conflict *ingest.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("second request: error = %v, want an *ingest.ConflictError", err)
		}
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleOpenRequest ||
			vs[0].Pointer != "/verification_request/file_number" {
			t.Fatalf("violations %v, want %s at /verification_request/file_number", vs, RuleOpenRequest)
		}
		if !strings.Contains(vs[0].Message, first.SenderMessageID) {
			t.Errorf("message %q does not name the open request %s", vs[0].Message, first.SenderMessageID)
		}

		// A resend of the open request passes, and the journal finds it
		// a duplicate.
		resent, err := e.tryAccept(freshRequest(t), e.requestEnricher())
		if err != nil {
			t.Fatalf("resending the open request: %v", err)
		}
		if resent.ID != first.ID {
			t.Errorf("resend journaled as %s, want the duplicate of %s", resent.ID, first.ID)
		}

		// The hub's escalation of the open request passes.
		if _, err := e.tryAccept(Escalation(first, e.clock.Now()), e.requestEnricher()); err != nil {
			t.Errorf("escalating the open request: %v", err)
		}

		// Once a station reports, the file takes a new request.
		e.clock.Advance(day)
		e.accept(t, e.stationReport(first.ID), e.reportEnricher())
		// The enricher filled the first try's request in place.
		second = freshRequest(t)
		second.SenderMessageID += "-again"
		if _, err := e.tryAccept(second, e.requestEnricher()); err != nil {
			t.Errorf("request after the report: %v", err)
		}
	})
}

// TestConcurrentRequestsForOneFile sends requests for one file at once,
// each with its own message id: one is journaled and the others conflict.
func TestConcurrentRequestsForOneFile(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.claimers = []ingest.Claimer{&OpenRequestCheck{Journal: e.store}}
		const requests = 8
		accepted := make([]canonical.Message, requests)
		errs := make([]error, requests)
		var wg sync.WaitGroup
		for i := range requests {
			wg.Go(func() {
				m := freshRequest(t)
				m.SenderMessageID += fmt.Sprintf("-%d", i)
				accepted[i], errs[i] = e.tryAccept(m, e.requestEnricher())
			})
		}
		wg.Wait()
		winners := 0
		for i, err := range errs {
			var conflict *ingest.ConflictError
			switch {
			case err == nil:
				winners++
			case !errors.As(err, &conflict):
				t.Errorf("request %d: error = %v, want an *ingest.ConflictError", i, err)
			}
		}
		if winners != 1 {
			t.Errorf("%d of %d requests for one file journaled, want 1", winners, requests)
		}
	})
}

// TestStrandedRequestReplaced journals requests without deliveries, as
// from routes that send them to no destination. A new request for the
// file replaces the open one, takes its claim, and the tracker escalates
// only the new one.
func TestStrandedRequestReplaced(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		check := &OpenRequestCheck{Journal: e.store}
		e.claimers = []ingest.Claimer{check}
		first := e.accept(t, freshRequest(t), e.requestEnricher(), check)
		if first.VerificationRequest.Replaces != "" {
			t.Errorf("first request replaces %q, want none", first.VerificationRequest.Replaces)
		}

		// A resend of the open request is a duplicate and replaces nothing.
		resent := e.accept(t, freshRequest(t), e.requestEnricher(), check)
		if resent.ID != first.ID || resent.VerificationRequest.Replaces != "" {
			t.Errorf("resend journaled as %s replacing %q, want the duplicate of %s replacing none",
				resent.ID, resent.VerificationRequest.Replaces, first.ID)
		}

		second := freshRequest(t)
		second.SenderMessageID += "-again"
		second = e.accept(t, second, e.requestEnricher(), check)
		if second.VerificationRequest.Replaces != first.ID {
			t.Errorf("second request replaces %q, want %s", second.VerificationRequest.Replaces, first.ID)
		}
		claim := journal.Claim{Kind: ClaimOpenRequest, Key: second.VerificationRequest.FileNumber}
		if holder, err := e.store.ClaimHolder(ctx, claim); err != nil || holder != second.ID {
			t.Errorf("claim held by %q (err %v), want the second request %s", holder, err, second.ID)
		}

		tr, sub := e.tracker()
		e.clock.Advance(22 * day)
		if n, err := tr.Pass(ctx); err != nil || n != 1 {
			t.Fatalf("pass after the due date: %d escalations, err %v; want 1", n, err)
		}
		if esc := sub.submitted[0]; esc.CorrelationID != second.ID {
			t.Errorf("escalation of %s, want of the second request %s", esc.CorrelationID, second.ID)
		}
		var state string
		err := e.index.db.QueryRowContext(ctx,
			`SELECT state FROM verification_requests WHERE message_id = $1`, first.ID).Scan(&state)
		if err != nil || state != RequestReplaced {
			t.Errorf("first request's state = %q (err %v), want %s", state, err, RequestReplaced)
		}
		if n, err := tr.Pass(ctx); err != nil || n != 0 {
			t.Errorf("second pass: %d escalations, err %v; want none", n, err)
		}
	})
}

func TestReplacesSetBySenderRejected(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		m := freshRequest(t)
		m.VerificationRequest.Replaces = "01K6F4ZP3A"
		_, err := e.tryAccept(m, e.requestEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleHubOnly || vs[0].Pointer != "/verification_request/replaces" {
			t.Errorf("violations %v, want %s at /verification_request/replaces", vs, RuleHubOnly)
		}
	})
}
