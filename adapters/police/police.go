// Package police is the adapter for police stations on CCTNS. Stations
// send JSON documents after the NCRB integrated investigation forms: the
// FIR (form 1), the arrest or court surrender memo (form 3) and the final
// report (form 5). The hub sends stations notifications as JSON, such as
// a court's registration of a case, and rejects them from stations.
// schemas/police describes every document.
//
// An Aadhaar number is never kept in clear: Decode validates one in an
// Aadhaar identifier and replaces it, in the canonical message and in
// the journal body, with its masked form and a keyed token (see
// canonical.MaskAadhaar). One found anywhere else in the text is masked
// too (see canonical.MaskAadhaarInText).
package police

import (
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
)

// Agency is the agency name the adapter speaks for.
const Agency = "police"

// ContentType is the media type of every police document.
const ContentType = "application/json"

// Config configures the adapter.
type Config struct {
	// AadhaarKey is the HMAC key of the tokens that represent Aadhaar
	// numbers, at least 32 bytes. Every adapter of one hub must use the
	// same key, or tokens of one number will not match. Required.
	AadhaarKey []byte
	// Now returns the current time, for rejecting dates in the future.
	// Default time.Now.
	Now func() time.Time
	// ClockSkew is how far past Now a date-time may lie before it counts
	// as in the future, to allow for senders' clocks. Default 10 minutes.
	ClockSkew time.Duration
}

// Validate returns an error when c cannot build an adapter.
func (c Config) Validate() error {
	if err := jsondoc.Config(c).Validate(); err != nil {
		return fmt.Errorf("invalid police adapter config: %w", err)
	}
	return nil
}

// Adapter translates police documents to canonical messages and back. It
// is safe for concurrent use.
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

// Agency returns "police".
func (a *Adapter) Agency() string { return Agency }
