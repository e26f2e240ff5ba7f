// Package jsondoc holds what the adapters of agencies that exchange JSON
// documents share: the police, prisons and passport adapters. It checks
// a body's media type and well-formedness, validates it against an
// agency's schema, maps its document_type to the Kind that reads it, and
// merges the schema's violations with those of the rules a schema cannot
// express. Checker collects those violations, each with a JSON pointer
// into the input. It parses the dates and times the documents carry,
// maps people and their names, and validates and masks Aadhaar numbers.
// The types the agencies' schemas share (Envelope, Person, FIRRef,
// Court, Officer, CaseRef) are here with their mapping to and from
// canonical form, and Marshal writes a document that its schema accepts.
//
// Rules that belong to one agency stay in its adapter.
package jsondoc

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// ContentType is the media type of every JSON document.
const ContentType = "application/json"

// MinKeyLength is the shortest Aadhaar key Config.Validate accepts, in
// bytes: the output size of HMAC-SHA256.
const MinKeyLength = 32

// DefaultClockSkew is Config.ClockSkew's default.
const DefaultClockSkew = 10 * time.Minute

// IST is India Standard Time, the zone of dates without a time.
var IST = time.FixedZone("IST", 5*3600+1800)

// Config is the configuration every JSON adapter takes. Each adapter's
// own Config has the same fields, documented for its agency, and
// converts to this one.
type Config struct {
	// AadhaarKey is the HMAC key of the tokens that represent Aadhaar
	// numbers, at least MinKeyLength bytes.
	AadhaarKey []byte
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// ClockSkew is how far past Now a time may lie before it counts as
	// in the future. Default DefaultClockSkew.
	ClockSkew time.Duration
}

// Validate returns an error naming the first field of c that cannot
// build an adapter.
func (c Config) Validate() error {
	if len(c.AadhaarKey) < MinKeyLength {
		return fmt.Errorf("AadhaarKey has %d bytes, want at least %d",
			len(c.AadhaarKey), MinKeyLength)
	}
	if c.ClockSkew < 0 {
		return errors.New("ClockSkew is negative")
	}
	return nil
}

// WithDefaults returns c with the defaults of unset fields filled in and
// its own copy of AadhaarKey.
func (c Config) WithDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	}
	c.AadhaarKey = bytes.Clone(c.AadhaarKey)
	return c
}
