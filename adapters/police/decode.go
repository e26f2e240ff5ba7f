package police

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// documentSchema is the schema of every document a station sends.
const documentSchema = "police/document.json"

// Decode turns one police document into one canonical message. It reads
// the documents a police station sends, as document_type names them:
// FIRs, arrest memos and final reports. A court registration
// notification is rejected: only the hub sends those, to stations.
//
// A UTF-8 byte order mark before the document is skipped. Input that is
// not one JSON object returns an error wrapping adapters.ErrMalformed
// that gives the byte offset. Otherwise the document is checked in three
// passes. A token scan rejects repeated keys and oversized lists and
// strings. The police schema follows. Last come the rules a schema
// cannot express: acts and their IPC and BNS sections, the code in force
// when the offence occurred, state codes, dates in the future or out of
// order, and Aadhaar numbers. Every violation found is returned at once,
// each with a JSON pointer into body, up to schemas.MaxViolations.
//
// An Aadhaar number never leaves Decode in clear. In an identifier of
// type aadhaar it must be valid, and is replaced by its masked form and
// token. Anywhere else in a string value, a number that passes the
// Aadhaar check is replaced by its masked form, except in the fields
// that identify the message and its FIR. Decoded.Journal is the body
// with the same replacements and without a byte order mark. It is set
// even on a validation error, and nil when the body needed no change.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	if err := checkContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w", err)
	}
	body, hadBOM := bytes.CutPrefix(body, utf8BOM)
	scan, err := scanDocument(body, a.cfg.AadhaarKey)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w: %v",
			adapters.ErrMalformed, err)
	}

	d := adapters.Decoded{Journal: apply(body, scan.text, scan.identifiers)}
	if d.Journal == nil && hadBOM {
		d.Journal = body
	}
	if len(scan.violations) > 0 {
		return d, fmt.Errorf("decoding police document: %w", schemas.Invalid(scan.violations...))
	}
	if masked := apply(body, scan.text); masked != nil {
		body = masked
	}
	m, violations := a.decodeDocument(body)
	if len(violations) > 0 {
		return d, fmt.Errorf("decoding police document: %w", schemas.Invalid(violations...))
	}
	d.Messages = []canonical.Message{m}
	return d, nil
}

func checkContentType(contentType string) error {
	if contentType == "" {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mediaType == ContentType || strings.HasSuffix(mediaType, "+json")) {
		return nil
	}
	return fmt.Errorf("%w: content type %q is not JSON", adapters.ErrMalformed, contentType)
}

// decodeDocument validates body against the police schema, then maps it
// to canonical form with the semantic checks. The message is only
// meaningful when there are no violations.
func (a *Adapter) decodeDocument(body []byte) (canonical.Message, []schemas.Violation) {
	var env envelope
	_ = json.Unmarshal(body, &env) // A wrong type is among the schema's violations.
	if env.DocumentType == docCourtRegistration {
		return canonical.Message{}, []schemas.Violation{{
			Pointer: "/document_type", Rule: "enum",
			Message: "a court_registration is sent by the hub to police stations, never " +
				"accepted from them: send fir, arrest or final_report",
		}}
	}
	if env.DocumentType == docVerificationReport {
		return a.verificationReport(body)
	}
	schemaViolations, err := validateSchema(body)
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "schema", Message: err.Error()}}
	}

	c := newChecker(a.cfg)
	var m canonical.Message
	switch env.DocumentType {
	case docFIR:
		m = decodeAs(c, body, schemaViolations, (*checker).fir)
	case docArrest:
		m = decodeAs(c, body, schemaViolations, (*checker).arrest)
	case docFinalReport:
		m = decodeAs(c, body, schemaViolations, (*checker).finalReport)
	default:
		return m, schemaViolations // The schema rejects the document type.
	}
	return m, merge(schemaViolations, c.Violations)
}

func validateSchema(body []byte) ([]schemas.Violation, error) {
	err := schemas.Validate(documentSchema, body)
	if err == nil {
		return nil, nil
	}
	if vs := schemas.Violations(err); vs != nil {
		return vs, nil
	}
	return nil, err
}

// decodeAs unmarshals body into a document of type T and maps it with
// toMessage. A field of the wrong JSON type is left at its zero value:
// the schema has reported it, and the checks still run on the rest.
func decodeAs[T any](
	c *checker,
	body []byte,
	schemaViolations []schemas.Violation,
	toMessage func(*checker, *T) canonical.Message,
) canonical.Message {
	doc := new(T)
	err := json.Unmarshal(body, doc)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &typeErr) && len(schemaViolations) > 0:
	case errors.As(err, &typeErr):
		c.Add(jsondoc.Pointer(strings.ReplaceAll(typeErr.Field, ".", "/")), "type", "%v", err)
	default:
		c.Add("", "json", "%v", err)
		return canonical.Message{}
	}
	return toMessage(c, doc)
}

// merge appends the semantic violations to the schema's, leaving out any
// that repeats a schema violation's pointer and rule.
func merge(schemaViolations, semantic []schemas.Violation) []schemas.Violation {
	type key struct{ pointer, rule string }
	seen := map[key]bool{}
	for _, v := range schemaViolations {
		seen[key{v.Pointer, v.Rule}] = true
	}
	out := schemaViolations
	for _, v := range semantic {
		if !seen[key{v.Pointer, v.Rule}] {
			out = append(out, v)
		}
	}
	return out
}

// message fills the envelope fields every police document carries.
func message(env envelope, typ canonical.Type, caseKey string) canonical.Message {
	return canonical.Message{
		Type:            typ,
		SenderMessageID: env.MessageID,
		CorrelationID:   env.InReplyTo,
		CaseKey:         caseKey,
		SchemaVersion:   canonical.SchemaVersion,
	}
}
