package canonical

import (
	"fmt"
	"time"
)

// RuleEarliest is the violation rule of an inbound date-time, or of a
// date of birth in an XML document, before EarliestTime.
const RuleEarliest = "earliest"

// EarliestTime is midnight IST on 1 January 1900, the earliest date-time
// and date of birth that the adapters accept. No record about a living
// person has an earlier one. Go's zero time, 0001-01-01T00:00:00Z, which
// code takes for an absent value, is earlier too, so a document that
// gives it is rejected instead of read as giving none.
var EarliestTime = time.Date(1900, time.January, 1, 0, 0, 0, 0, indiaZone)

// EarliestError is the error of a value before EarliestTime.
type EarliestError struct {
	// Field names the value, such as "nc:DocumentPostDate".
	Field string
	// Value is the value as the document gives it.
	Value string
}

func (e *EarliestError) Error() string {
	return fmt.Sprintf("%s %s is before 1900-01-01, the earliest date the hub accepts: "+
		"correct the date", e.Field, QuoteMasked(e.Value))
}

// CheckEarliest returns an *EarliestError when t, the time that value of
// field was read as, is before EarliestTime. The zero time is before it,
// so a caller checks only a value that the document gives.
func CheckEarliest(field, value string, t time.Time) error {
	if !t.Before(EarliestTime) {
		return nil
	}
	return &EarliestError{Field: field, Value: value}
}

// FormatTime returns t in RFC 3339 with its own offset and its fraction
// of a second when it has one, or "" for the zero time. Messages that
// name a time use it, because two times a nanosecond apart would
// otherwise print alike.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}
