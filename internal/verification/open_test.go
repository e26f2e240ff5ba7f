package verification

import (
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/schemas"
)

func TestSecondOpenRequestConflicts(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		check := &OpenRequestCheck{Journal: e.store}
		first := e.accept(t, freshRequest(t), check, e.requestEnricher())

		second := freshRequest(t)
		second.SenderMessageID += "-again"
		_, err := e.tryAccept(second, check, e.requestEnricher())
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
		resent, err := e.tryAccept(freshRequest(t), check, e.requestEnricher())
		if err != nil {
			t.Fatalf("resending the open request: %v", err)
		}
		if resent.ID != first.ID {
			t.Errorf("resend journaled as %s, want the duplicate of %s", resent.ID, first.ID)
		}

		// The hub's escalation of the open request passes.
		if _, err := e.tryAccept(Escalation(first, e.clock.Now()), check, e.requestEnricher()); err != nil {
			t.Errorf("escalating the open request: %v", err)
		}

		// Once a station reports, the file takes a new request.
		e.clock.Advance(day)
		e.accept(t, e.stationReport(first.ID), e.reportEnricher())
		if _, err := e.tryAccept(second, check, e.requestEnricher()); err != nil {
			t.Errorf("request after the report: %v", err)
		}
	})
}
