// Package problem writes errors to HTTP clients as RFC 9457 problem
// details, from a small catalogue of kinds that state whether a retry
// can help.
package problem

import (
	"encoding/json"
	"net/http"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Kind is an entry in the catalogue of errors the hub returns to agencies.
type Kind struct {
	// Code is the last part of the problem type URI.
	Code   string
	Title  string
	Status int
	// Retryable is true when sending the same request later can succeed.
	Retryable bool
}

// The catalogue.
var (
	Invalid       = Kind{"invalid-message", "Message is invalid", http.StatusBadRequest, false}
	InvalidRoutes = Kind{"invalid-routes", "Routes document is invalid", http.StatusBadRequest, false}
	Malformed     = Kind{"malformed-message", "Message cannot be parsed", http.StatusBadRequest, false}
	UnknownAgency = Kind{"unknown-agency", "Agency is not configured", http.StatusNotFound, false}
	NotFound      = Kind{"not-found", "Resource not found", http.StatusNotFound, false}
	TooLarge      = Kind{"too-large", "Message is too large", http.StatusRequestEntityTooLarge, false}
	Encoded       = Kind{"content-encoding", "Message is compressed",
		http.StatusUnsupportedMediaType, false}
	Charset = Kind{"charset", "Message charset is not UTF-8",
		http.StatusUnsupportedMediaType, false}
	MediaType = Kind{"media-type", "Message media type is not accepted",
		http.StatusUnsupportedMediaType, false}
	Unavailable = Kind{"unavailable", "Hub cannot use its journal now",
		http.StatusServiceUnavailable, true}
	Busy     = Kind{"busy", "Hub is busy", http.StatusServiceUnavailable, true}
	Internal = Kind{"internal", "Hub failed to process the message",
		http.StatusInternalServerError, false}
	BadRequest      = Kind{"bad-request", "Request is invalid", http.StatusBadRequest, false}
	Unauthenticated = Kind{"unauthenticated", "Authentication required",
		http.StatusUnauthorized, false}
	Forbidden        = Kind{"forbidden", "Not allowed", http.StatusForbidden, false}
	MethodNotAllowed = Kind{"method-not-allowed", "Method not allowed",
		http.StatusMethodNotAllowed, false}
	Conflict = Kind{"conflict", "Request conflicts with the resource's state",
		http.StatusConflict, false}
)

// typeBase prefixes Kind.Code to form the problem type URI.
const typeBase = "urn:sangam:problem:"

// Problem is an RFC 9457 problem details object with the hub's
// extension members.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Retryable is true when the same request may succeed
	// later.
	Retryable bool `json:"retryable"`
	// Errors lists every violation of an invalid message.
	Errors []schemas.Violation `json:"errors,omitempty"`
}

// New returns a problem of kind k with detail.
func New(k Kind, detail string) Problem {
	return Problem{
		Type: typeBase + k.Code, Title: k.Title, Status: k.Status,
		Detail: detail, Retryable: k.Retryable,
	}
}

// Write sends p as application/problem+json with p.Status. It keeps <, >
// and & unescaped, because details quote route conditions and agencies'
// values, and sets X-Content-Type-Options: nosniff so that no browser
// reads the body as HTML. It masks every Aadhaar number in the detail
// and in each error's pointer and message, as
// canonical.MaskAadhaarInDiagnostic masks it, escaped digits and
// separators included, because these quote what the sender wrote,
// member names included.
func Write(w http.ResponseWriter, p Problem) {
	if masked, ok := canonical.MaskAadhaarInDiagnostic(p.Detail); ok {
		p.Detail = masked
	}
	p.Errors = schemas.MaskAadhaar(p.Errors)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}
