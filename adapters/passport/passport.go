// Package passport is the adapter for the passport office's police
// verification. The passport office asks the police to verify an
// applicant (a verification request); the police station that verified
// answers (a verification report). Both travel as the JSON documents that
// schemas/passport describes, and the adapter reads and writes both: the
// request from the passport office and on to the police station, the
// report from the station and on to the passport office.
//
// A reissue's request carries the old passport's machine readable zone
// as its lines. Decode parses it with package mrz and reports a bad check
// digit, date or layout as a violation at "/old_passport/mrz" with rule
// "mrz-check-digit", "mrz-date" or "mrz-format" and a message naming the
// field, line and position. A zone that contradicts the application, or
// that is not a passport's, is reported there too (rules "mrz-mismatch"
// and "mrz-not-passport"). An Aadhaar number is never kept in clear:
// Decode validates it and replaces it with its masked form and a keyed
// token (see canonical.MaskAadhaar). One in the zone's optional data is
// masked in the zone's lines and fields, with '<' for the check digits
// over it (see mrz.MaskOptionalData).
package passport

import (
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
)

// Agency is the agency name the adapter speaks for.
const Agency = "passport"

// ContentType is the media type of every verification document.
const ContentType = "application/json"

// Config configures the adapter.
type Config struct {
	// AadhaarKey is the HMAC key of the tokens that represent Aadhaar
	// numbers, at least 32 bytes. Every adapter of one hub must use the
	// same key, or tokens of one number will not match. Required.
	AadhaarKey []byte
	// Now returns the current time, for rejecting dates in the future and
	// for choosing the century of the two-digit years in a machine
	// readable zone. Default time.Now.
	Now func() time.Time
	// ClockSkew is how far past Now a time may lie before it counts as in
	// the future, to allow for senders' clocks. Default 10 minutes.
	ClockSkew time.Duration
}

// Validate returns an error when c cannot build an adapter.
func (c Config) Validate() error {
	if err := jsondoc.Config(c).Validate(); err != nil {
		return fmt.Errorf("invalid passport adapter config: %w", err)
	}
	return nil
}

// Adapter translates verification documents to canonical messages and
// back. It keeps no state between calls and is safe for concurrent use.
type Adapter struct {
	cfg jsondoc.Config
}

// New returns an adapter configured by cfg, or an error when cfg is
// invalid.
func New(cfg Config) (*Adapter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Adapter{cfg: jsondoc.Config(cfg).WithDefaults()}, nil
}

// Agency returns "passport".
func (a *Adapter) Agency() string { return Agency }
