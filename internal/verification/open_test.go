package verification

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
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
