package api

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/schemas"
)

// TestConflictDetailRetryable gives a retryable conflict a detail that
// says to send the message again, and a lasting one the detail that it
// contradicts the journal.
func TestConflictDetailRetryable(t *testing.T) {
	invalid := &schemas.ValidationError{Violations: []schemas.Violation{{Rule: "filing-undelivered"}}}

	retryable := conflictDetail(&ingest.ConflictError{Invalid: invalid, Retryable: true}, "nothing was stored")
	if strings.Contains(retryable, "contradicts") {
		t.Errorf("retryable detail %q says the message contradicts the journal", retryable)
	}
	if !strings.Contains(retryable, "send it again later") {
		t.Errorf("retryable detail %q does not say to send the message again", retryable)
	}
	if !strings.Contains(retryable, "nothing was stored") {
		t.Errorf("retryable detail %q does not end with the outcome", retryable)
	}

	lasting := conflictDetail(&ingest.ConflictError{Invalid: invalid}, "nothing was stored")
	if !strings.Contains(lasting, "contradicts messages the hub has journaled") {
		t.Errorf("detail %q does not say the message contradicts the journal", lasting)
	}
}
