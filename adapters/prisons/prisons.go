// Package prisons is the adapter for prison management systems such as
// e-Prisons. Prisons report movements: admissions, court productions,
// transfers, hospital visits, parole and furlough, releases, escapes and
// deaths. The hub sends prisons court orders: production warrants,
// release orders and committal orders.
//
// Decode reads two formats:
//
//   - JSON documents that schemas/prisons describes: the movement event
//     (movement.json) and, so that a prison or the mock prison can read
//     what the hub sent, the court order (court_order.json);
//   - NIEM 3.0 (Justice domain 5.1) booking reports and custody release
//     reports of the Open Justice Broker Consortium, as US jail systems
//     send them, which become admission and release movements.
//
// Encode writes movements and court orders as the JSON documents. An
// Aadhaar number is never kept in clear: Decode validates it and replaces
// it, in the canonical message and in the journal body, with its masked
// form and a keyed token (see canonical.MaskAadhaar).
package prisons

import (
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Agency is the agency name the adapter speaks for.
const Agency = "prisons"

// Media types the adapter reads and writes.
const (
	// ContentType is the media type of the JSON documents.
	ContentType = "application/json"
	// XMLContentType is the media type of NIEM reports.
	XMLContentType = "application/xml"
)

// Config configures the adapter.
type Config struct {
	// AadhaarKey is the HMAC key of the tokens that represent Aadhaar
	// numbers, at least 32 bytes. Every adapter of one hub must use the
	// same key, or tokens of one number will not match. Required.
	AadhaarKey []byte
	// Now returns the current time, for rejecting movements in the
	// future. Default time.Now.
	Now func() time.Time
	// ClockSkew is how far past Now a time may lie before it counts as
	// in the future, to allow for senders' clocks. Default 10 minutes.
	ClockSkew time.Duration
}

// Validate returns an error when c cannot build an adapter.
func (c Config) Validate() error {
	if err := jsondoc.Config(c).Validate(); err != nil {
		return fmt.Errorf("invalid prisons adapter config: %w", err)
	}
	return nil
}

// Adapter translates prison documents to canonical messages and back. It
// keeps no state between calls and is safe for concurrent use.
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

// Agency returns "prisons".
func (a *Adapter) Agency() string { return Agency }

// Authors reports whether a prison writes messages of type t: movements,
// but not the court orders that the hub sends it. It implements
// adapters.Authorship.
func (a *Adapter) Authors(t canonical.Type) bool { return t == canonical.TypeMovement }

// DocumentType returns the type of a JSON document's document_type, a
// movement or a court order. It implements adapters.DocumentTyper.
func (a *Adapter) DocumentType(body []byte, contentType string) (canonical.Type, string, bool) {
	if xml, err := isXML(body, contentType); err != nil || xml {
		return "", "", false
	}
	switch jsondoc.ReadEnvelope(body).DocumentType {
	case docMovement:
		return canonical.TypeMovement, "/document_type", true
	case docCourtOrder:
		return canonical.TypeCourtOrder, "/document_type", true
	}
	return "", "", false
}
