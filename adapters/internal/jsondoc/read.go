package jsondoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// IsJSON reports whether mediaType, without parameters, names JSON:
// application/json or a type with the +json suffix.
func IsJSON(mediaType string) bool {
	return mediaType == ContentType || strings.HasSuffix(mediaType, "+json")
}

// CheckContentType returns an *adapters.MediaTypeError unless
// contentType is empty or names JSON.
func CheckContentType(contentType string) error {
	_, err := adapters.CheckMediaType(contentType, ContentType, "+json")
	return err
}

// CheckWellFormed returns an error unless body is valid UTF-8 holding
// exactly one JSON object. The error names the byte offset where decoding
// stopped and distinguishes an empty body from one that ends too soon.
func CheckWellFormed(body []byte) error {
	_, err := checkWellFormed(body)
	return err
}

// checkWellFormed is CheckWellFormed, and also returns the offset of
// the byte where reading body stopped at an error, or -1 when body is
// not UTF-8 or does not start an object.
func checkWellFormed(body []byte) (stop int, err error) {
	if !utf8.Valid(body) {
		return -1, errors.New("body is not valid UTF-8")
	}
	if err := CheckStart(body); err != nil {
		return -1, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		return syntaxOffset(err, len(body)), syntaxError(err, len(body))
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		trailing := TrailingOffset(body, end)
		return trailing, fmt.Errorf("invalid JSON at byte %d: unexpected data after the JSON object",
			trailing)
	}
	return 0, nil
}

// tooDeepAt returns the offset of the first '{' or '[' in body that
// opens a level deeper than MaxDepth, or -1 when there is none. It
// counts the brackets outside string literals, and so is exact for a
// body that is JSON up to that offset.
func tooDeepAt(body []byte) int {
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return i
			}
		case '}', ']':
			depth--
		case '"':
			i = stringEnd(body, i) - 1
		}
	}
	return -1
}

// TrailingOffset returns the offset of the first byte after end in body
// that is not JSON whitespace: where data after a JSON value starts.
func TrailingOffset(body []byte, end int) int {
	return end + len(body[end:]) - len(bytes.TrimLeft(body[end:], jsonSpace))
}

// ErrorOffset returns the offset of the byte that a *json.SyntaxError
// names. The error's Offset counts the bytes read, that byte included.
func ErrorOffset(err *json.SyntaxError) int {
	return max(int(err.Offset)-1, 0)
}

// CheckStart returns an error when body contains only whitespace, or when its
// first other byte starts a JSON value that is not an object, naming the
// offset of that byte.
func CheckStart(body []byte) error {
	start := len(body) - len(bytes.TrimLeft(body, jsonSpace))
	if start == len(body) {
		return fmt.Errorf("invalid JSON at byte %d: the body is empty", len(body))
	}
	// A body that starts with another JSON value is not an object,
	// whatever follows.
	if strings.IndexByte(`["-0123456789tfn`, body[start]) >= 0 {
		return fmt.Errorf("invalid JSON at byte %d: the body is not a JSON object", start)
	}
	return nil
}

// jsonSpace is the whitespace JSON allows between tokens.
const jsonSpace = " \t\r\n"

// syntaxOffset returns the offset of the byte where a decoder error
// stopped reading, which is end when the body ends inside the object.
func syntaxOffset(err error, end int) int {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return ErrorOffset(syntax)
	}
	return end
}

// syntaxError formats a decoder error with the byte offset where decoding
// stopped, which is end when the body ends inside the object.
func syntaxError(err error, end int) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("invalid JSON at byte %d: the body ends before the JSON object does", end)
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("invalid JSON at byte %d: %s", ErrorOffset(syntax), syntax.Error())
	}
	return fmt.Errorf("invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// ValidateSchema validates body against the named schema. It returns the
// violations found, and an error only when the validation itself
// failed.
func ValidateSchema(schema string, body []byte) ([]schemas.Violation, error) {
	err := schemas.Validate(schema, body)
	if err == nil {
		return nil, nil
	}
	if vs := schemas.Violations(err); vs != nil {
		return vs, nil
	}
	return nil, err
}

// Merge adds the semantic violations to the schema's and sorts them by
// pointer. It leaves out a semantic violation at a pointer that has a
// schema violation. A value that breaks the schema, such as a state code
// in small letters, fails the semantic check for the same reason.
func Merge(schemaViolations, semantic []schemas.Violation) []schemas.Violation {
	failed := map[string]bool{}
	for _, v := range schemaViolations {
		failed[v.Pointer] = true
	}
	out := slices.Clone(schemaViolations)
	for _, v := range semantic {
		if !failed[v.Pointer] {
			out = append(out, v)
		}
	}
	schemas.SortByPointer(out)
	return out
}

// Replace returns violations with preferred added, sorted by pointer.
// Each of preferred takes the place of the violations with its pointer
// and rule. Unlike Merge, it keeps the violations of other rules at that
// pointer, such as a maxLength beside a pattern, so that the sender
// learns of every fault of a value at once.
func Replace(violations, preferred []schemas.Violation) []schemas.Violation {
	if len(preferred) == 0 {
		return violations
	}
	type key struct{ pointer, rule string }
	replaced := map[key]bool{}
	for _, v := range preferred {
		replaced[key{v.Pointer, v.Rule}] = true
	}
	var out []schemas.Violation
	for _, v := range violations {
		if !replaced[key{v.Pointer, v.Rule}] {
			out = append(out, v)
		}
	}
	out = append(out, preferred...)
	schemas.SortByPointer(out)
	return out
}

// WithNumbers returns violations with numbers, the violations of JSON
// numbers that contain an Aadhaar-like number, sorted by pointer. Unlike
// Merge it keeps both at one pointer, so that the reason the number
// cannot be kept is listed beside any other fault of the value.
func WithNumbers(violations, numbers []schemas.Violation) []schemas.Violation {
	if len(numbers) == 0 {
		return violations
	}
	out := append(slices.Clone(violations), numbers...)
	schemas.SortByPointer(out)
	return out
}

// ReadEnvelope returns the envelope fields of body. A field of the wrong
// JSON type is left empty: schema validation reports it.
func ReadEnvelope(body []byte) Envelope {
	var env Envelope
	_ = json.Unmarshal(body, &env)
	return env
}

// Mapper is an adapter's checker: a type that embeds Checker, which is
// what gives it the unexported method.
type Mapper interface {
	checker() *Checker
}

func (c *Checker) checker() *Checker { return c }

// Kind reads one document type with the checker c. It returns the
// message, meaningful only when c found no violations, and the document
// it unmarshalled, which the mapping may have masked.
type Kind[C Mapper] func(
	c C,
	body []byte,
	schemaViolations []schemas.Violation,
) (canonical.Message, any)

// As returns the Kind that unmarshals a document into a T and maps it
// with toMessage. A field of the wrong JSON type is left at its zero
// value: the schema has reported it, and the checks still run on the
// rest. The checks take a date or date-time that failed the schema's
// format check as absent too (see Checker.DateTime). A type error the schema
// missed is reported at the field's pointer with rule "type". Any other
// unmarshalling error is reported with rule "json", and the document is
// not mapped.
func As[T any, C Mapper](toMessage func(C, *T) canonical.Message) Kind[C] {
	return func(c C, body []byte, schemaViolations []schemas.Violation) (canonical.Message, any) {
		c.checker().skipFormatFailures(schemaViolations)
		doc := new(T)
		err := json.Unmarshal(body, doc)
		var typeErr *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(err, &typeErr) && len(schemaViolations) > 0:
		case errors.As(err, &typeErr):
			pointer, ok := pointerAt(body, typeErr.Offset)
			if !ok {
				pointer = Pointer(strings.ReplaceAll(typeErr.Field, ".", "/"))
			}
			c.checker().Add(pointer, "type", "%s", typeMessage(typeErr))
		default:
			c.checker().Add("", "json", "%v", err)
			return canonical.Message{}, doc
		}
		return toMessage(c, doc), doc
	}
}

// Reader decodes the JSON documents of one agency, each checked against
// one schema and then mapped by the Kind its document_type names.
type Reader[C Mapper] struct {
	// Noun names the agency's documents in errors, such as "prison" in
	// "decoding prison movement: ...".
	Noun string
	// Schema names the schema every document is validated against.
	Schema string
	// Kinds maps each document_type the reader accepts to its Kind.
	Kinds map[string]Kind[C]
	// CheckMembers, when set, returns the violations of members, the
	// names of the document's own members, that the document's message m
	// rules out, such as those only the hub sets (see CheckHubFields).
	// Each takes the place of the other violations at its pointer. m is
	// the mapped message, meaningful only as far as the document is
	// valid.
	CheckMembers func(m *canonical.Message, members []string) []schemas.Violation
}

// utf8BOM is the byte order mark that some systems write before JSON.
// RFC 8259 lets a parser ignore it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// CutBOM returns body without a leading UTF-8 byte order mark, and
// whether it had one.
func CutBOM(body []byte) ([]byte, bool) {
	return bytes.CutPrefix(body, utf8BOM)
}

// Decode turns body into one canonical message, mapped with the fresh
// checker c. Input that is not one JSON object returns an error wrapping
// adapters.ErrMalformed. Every violation of the schema, of c's checks,
// of CheckMessageIDs and of r.CheckMembers is returned at once, in a
// *schemas.ValidationError, with every JSON number that contains an
// Aadhaar-like number (see NumberRun), except the number of an Aadhaar
// identifier. Decoded.Journal is set when c masked an
// Aadhaar number, and is then the document with that number masked. A
// UTF-8 byte order mark before the document is ignored, and
// Decoded.Journal is then the document without it.
func (r *Reader[C]) Decode(c C, body []byte) (adapters.Decoded, error) {
	body, hadBOM := CutBOM(body)
	limits, numbers, err := checkSyntaxAndLimits(body)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s document: %w: %v",
			r.Noun, adapters.ErrMalformed, err)
	}
	if len(limits) > 0 {
		return adapters.Decoded{}, fmt.Errorf("decoding %s document: %w", r.Noun,
			schemas.Invalid(WithNumbers(limits, numbers)...))
	}
	schemaViolations, err := ValidateSchema(r.Schema, body)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s document: %w", r.Noun, err)
	}
	env := ReadEnvelope(body)
	kind, ok := r.Kinds[env.DocumentType]
	if !ok {
		// The schema has rejected the document type.
		return adapters.Decoded{}, fmt.Errorf("decoding %s document: %w",
			r.Noun, schemas.Invalid(WithNumbers(schemaViolations, numbers)...))
	}

	m, doc := kind(c, body, schemaViolations)
	checked := c.checker()
	violations := Merge(schemaViolations, checked.Violations)
	violations = Replace(violations, slices.Concat(CheckMessageIDs(env), checked.Preferred))
	if r.CheckMembers != nil {
		if ruledOut := r.CheckMembers(&m, Members(body)); len(ruledOut) > 0 {
			violations = Merge(ruledOut, violations)
		}
	}
	violations = WithNumbers(violations, numbers)
	if err := schemas.Invalid(violations...); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding %s %s: %w", r.Noun, env.DocumentType, err)
	}
	d := adapters.Decoded{Messages: []canonical.Message{m}}
	if hadBOM {
		d.Journal = body
	}
	if checked.Masked {
		if d.Journal, err = json.Marshal(doc); err != nil {
			return adapters.Decoded{}, fmt.Errorf("decoding %s %s: writing masked journal copy: %w",
				r.Noun, env.DocumentType, err)
		}
	}
	return d, nil
}

// checkSyntaxAndLimits returns an error unless body is a well-formed
// JSON object, and otherwise what scanLimits returns. A body may nest
// deeper than MaxDepth before it stops being JSON, as one deeper than
// the 10,000 levels that encoding/json decodes does. Such a body gets
// the nesting violation and those before it, in place of the error, as
// the police adapter's token scan, which stops at the same level, does.
func checkSyntaxAndLimits(body []byte) (limits, numbers []schemas.Violation, err error) {
	stop, err := checkWellFormed(body)
	if err == nil {
		limits, numbers = scanLimits(body)
		return limits, numbers, nil
	}
	deep := tooDeepAt(body)
	if stop < 0 || deep < 0 || stop <= deep {
		return nil, nil, err
	}
	// The scan ends at the bracket that opens the level past MaxDepth,
	// which it reports.
	limits, numbers = scanLimits(body[:deep+1])
	return limits, numbers, nil
}
