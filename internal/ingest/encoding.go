package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/sangam-hub/sangam/schemas"
)

// RuleDateTime is the violation rule of a decoded message with a time
// that JSON cannot encode, such as one with the offset +24:00, which an
// adapter should have rejected at its field.
const RuleDateTime = "date-time"

// EncodingError is a decoded message that the hub cannot encode as JSON
// for its content hash, its schema check or the journal, for a reason
// other than a time of the sender's document. It is a fault of the
// adapter that decoded the message, which no resend can fix, and not a
// journal outage.
type EncodingError struct {
	Agency string
	Index  int // of the message in its body, from 1
	Err    error
}

func (e *EncodingError) Error() string {
	return fmt.Sprintf("encoding %s message %d: %v", e.Agency, e.Index, e.Err)
}

func (e *EncodingError) Unwrap() error { return e.Err }

// encodingFailure returns the error for err, the failure to encode
// message index (from 1) of agency's body as JSON. A time that
// time.Time.MarshalJSON rejects came from the sender's document, so it
// returns a *schemas.ValidationError for the whole document. Any other
// failure returns an *EncodingError. It returns nil when err is no
// encoding failure.
func encodingFailure(agency string, index int, err error) error {
	var marshaler *json.MarshalerError
	if errors.As(err, &marshaler) && marshaler.Type == reflect.TypeFor[time.Time]() {
		return fmt.Errorf("%s message %d: %w", agency, index, schemas.Invalid(schemas.Violation{
			Rule: RuleDateTime,
			Message: fmt.Sprintf("a date-time of the document cannot be stored (%v): give offsets "+
				"from -23:59 to +23:59 and years from 1900 to 9999", marshaler.Err),
		}))
	}
	var (
		unsupportedValue *json.UnsupportedValueError
		unsupportedType  *json.UnsupportedTypeError
	)
	if marshaler != nil || errors.As(err, &unsupportedValue) || errors.As(err, &unsupportedType) {
		return &EncodingError{Agency: agency, Index: index, Err: err}
	}
	return nil
}
