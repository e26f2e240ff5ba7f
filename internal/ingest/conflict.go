package ingest

import "github.com/sangam-hub/sangam/schemas"

// ConflictError rejects a valid message that contradicts a message the
// hub has journaled, such as a second original final report for one
// FIR. An Enricher returns it. It wraps the *schemas.ValidationError
// whose violations name the deciding fields, so that ingest points them
// into the sender's document as it does for an invalid message, and the
// API responds with 409 Conflict rather than 400.
type ConflictError struct {
	Invalid *schemas.ValidationError
	// Retryable is set when sending the same message again can succeed:
	// when the journaled message it contradicts reached the hub while the
	// hub checked this one, or when the message replies to one that the
	// hub has yet to deliver.
	Retryable bool
}

func (e *ConflictError) Error() string { return "conflict: " + e.Invalid.Error() }

// Unwrap returns the validation error with the violations.
func (e *ConflictError) Unwrap() error { return e.Invalid }
