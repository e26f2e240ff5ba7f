package prisons

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
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// documentSchema is the schema every JSON input is validated against
// first.
const documentSchema = "prisons/document.json"

// Decode turns one prison document into one canonical message: a JSON
// movement event or court order, or a NIEM booking or custody release
// report. contentType selects the format; when it is empty, a body that
// starts with '<' is read as XML and any other as JSON.
//
// Input that breaks a rule returns an error wrapping a
// *schemas.ValidationError with every violation, each with a JSON pointer
// (or, for XML, an element path). Input that is not well-formed, carries
// a DTD, or is no document the adapter reads returns an error wrapping
// adapters.ErrMalformed. Decoded.Journal is set when an Aadhaar number
// was masked, and is then the body with that number masked.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	xml, err := isXML(body, contentType)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison document: %w: %w",
			adapters.ErrMalformed, err)
	}
	if xml {
		return a.decodeNIEM(body)
	}
	return a.decodeJSON(body)
}

// isXML reports whether contentType, or the body when contentType is
// empty, names XML rather than JSON.
func isXML(body []byte, contentType string) (bool, error) {
	if contentType == "" {
		return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("<")), nil
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false, fmt.Errorf("invalid content type %q: %w", contentType, err)
	}
	switch {
	case mediaType == ContentType || strings.HasSuffix(mediaType, "+json"):
		return false, nil
	case mediaType == XMLContentType || mediaType == "text/xml",
		strings.HasSuffix(mediaType, "+xml"):
		return true, nil
	}
	return false, fmt.Errorf("content type %q is neither JSON nor XML", contentType)
}

func (a *Adapter) decodeJSON(body []byte) (adapters.Decoded, error) {
	if err := checkWellFormed(body); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison document: %w: %v",
			adapters.ErrMalformed, err)
	}
	schemaViolations, err := validateSchema(body)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison document: %w", err)
	}
	var env envelope
	_ = json.Unmarshal(body, &env) // A wrong type is among schemaViolations.

	c := newChecker(a.cfg)
	var m canonical.Message
	var doc any
	switch env.DocumentType {
	case docMovement:
		m, doc = decodeAs(c, body, schemaViolations, (*checker).movement)
	case docCourtOrder:
		m, doc = decodeAs(c, body, schemaViolations, (*checker).courtOrder)
	default:
		// The schema has rejected the document type.
		return adapters.Decoded{}, fmt.Errorf("decoding prison document: %w",
			schemas.Invalid(schemaViolations...))
	}
	if err := schemas.Invalid(merge(schemaViolations, c.Violations)...); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison %s: %w", env.DocumentType, err)
	}

	d := adapters.Decoded{Messages: []canonical.Message{m}}
	if c.Masked {
		if d.Journal, err = json.Marshal(doc); err != nil {
			return adapters.Decoded{}, fmt.Errorf("decoding prison %s: writing masked journal copy: %w",
				env.DocumentType, err)
		}
	}
	return d, nil
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
// the schema has reported it, and the checks still run on the rest. It
// returns the document too, which the mapping may have masked.
func decodeAs[T any](
	c *checker,
	body []byte,
	schemaViolations []schemas.Violation,
	toMessage func(*checker, *T) canonical.Message,
) (canonical.Message, *T) {
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
		return canonical.Message{}, doc
	}
	return toMessage(c, doc), doc
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

// message fills the envelope fields every prison document carries.
func message(env envelope, typ canonical.Type, caseKey string) canonical.Message {
	return canonical.Message{
		Type:            typ,
		SenderMessageID: env.MessageID,
		CorrelationID:   env.InReplyTo,
		CaseKey:         caseKey,
		SchemaVersion:   canonical.SchemaVersion,
	}
}
