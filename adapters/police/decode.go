package police

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// documentSchema is the schema every input is validated against first.
const documentSchema = "police/document.json"

// Decode turns one police document into one canonical message. It reads
// FIRs, arrest memos, final reports and court registration
// notifications, as document_type names them.
//
// The document is checked against the police schema and then by rules a
// schema cannot express: IPC and BNS sections, the code in force when
// the offence occurred, dates in the future or out of order, and Aadhaar
// numbers. Every violation found is returned at once, each with a JSON
// pointer into body. On a validation error Decode still returns
// Decoded.Journal, so the hub can keep the rejected body without its
// Aadhaar numbers.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	if err := checkContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w", err)
	}
	if err := checkWellFormed(body); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w: %v",
			adapters.ErrMalformed, err)
	}
	journal, err := maskJournal(body, a.cfg.AadhaarKey)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w: %v",
			adapters.ErrMalformed, err)
	}

	d := adapters.Decoded{Journal: journal}
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

// checkWellFormed reports an error unless body is valid UTF-8 holding
// exactly one JSON object.
func checkWellFormed(body []byte) error {
	if !utf8.Valid(body) {
		return errors.New("body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON object")
	}
	if trimmed := bytes.TrimLeft(v, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("body is not a JSON object")
	}
	return nil
}

// decodeDocument validates body against the police schema, then maps it
// to canonical form with the semantic checks. The message is only
// meaningful when there are no violations.
func (a *Adapter) decodeDocument(body []byte) (canonical.Message, []schemas.Violation) {
	schemaViolations, err := validateSchema(body)
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "schema", Message: err.Error()}}
	}
	var env envelope
	_ = json.Unmarshal(body, &env) // A wrong type is among schemaViolations.

	c := &checker{cfg: a.cfg}
	var m canonical.Message
	switch env.DocumentType {
	case docFIR:
		m = decodeAs(c, body, schemaViolations, (*checker).fir)
	case docArrest:
		m = decodeAs(c, body, schemaViolations, (*checker).arrest)
	case docFinalReport:
		m = decodeAs(c, body, schemaViolations, (*checker).finalReport)
	case docCourtRegistration:
		m = decodeAs(c, body, schemaViolations, (*checker).notification)
	default:
		return m, schemaViolations // The schema rejects the document type.
	}
	return m, merge(schemaViolations, c.violations)
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
		c.add(ptr(strings.ReplaceAll(typeErr.Field, ".", "/")), "type", "%v", err)
	default:
		c.add("", "json", "%v", err)
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
