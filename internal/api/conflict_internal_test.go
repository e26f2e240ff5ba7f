package api

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/schemas"
)

// TestConflictDetailRetryable checks that a retryable conflict's detail
// requests sending the message again, and a lasting one's states that it
// contradicts the journal.
func TestConflictDetailRetryable(t *testing.T) {
	invalid := &schemas.ValidationError{Violations: []schemas.Violation{{Rule: "filing-undelivered"}}}

	retryable := conflictDetail(&ingest.ConflictError{Invalid: invalid, Retryable: true}, "nothing was stored")
	if strings.Contains(retryable, "contradicts") {
		t.Errorf("retryable detail %q contains \"contradicts\"", retryable)
	}
	if !strings.Contains(retryable, "send it again later") {
		t.Errorf("retryable detail %q lacks \"send it again later\"", retryable)
	}
	if !strings.Contains(retryable, "nothing was stored") {
		t.Errorf("retryable detail %q lacks the outcome", retryable)
	}

	lasting := conflictDetail(&ingest.ConflictError{Invalid: invalid}, "nothing was stored")
	if !strings.Contains(lasting, "contradicts messages the hub has journaled") {
		t.Errorf("detail %q lacks \"contradicts messages the hub has journaled\"", lasting)
	}
}
