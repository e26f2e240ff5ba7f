package schemas

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/sangam-hub/sangam/canonical"
)

// MaxViolations is the most violations a ValidationError lists. Past it,
// one last violation with rule RuleTooManyErrors counts the rest, so
// that a document with thousands of faults gets a short answer.
const MaxViolations = 100

// RuleTooManyErrors is the rule of the violation that stands for the
// violations left out past MaxViolations.
const RuleTooManyErrors = "too-many-errors"

// Violation is one broken rule in a document.
type Violation struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value, ""
	// for the whole document. A missing field is reported at the pointer
	// it would have. For XML input it is the element path.
	Pointer string `json:"pointer"`
	// Rule names the rule: a JSON Schema keyword such as "required" or
	// "format", or a hub rule such as "section".
	Rule string `json:"rule"`
	// Message says what is wrong, in words.
	Message string `json:"message"`
	// Omitted is, on a violation with rule RuleTooManyErrors, the number
	// of violations it stands for. It is 0 on every other violation.
	Omitted int `json:"omitted,omitempty"`
}

// String formats v as "pointer: message (rule)", or without the pointer
// when v is about the whole document: its pointer is "", and "/" would
// be the pointer of a member named "".
func (v Violation) String() string {
	if v.Pointer == "" {
		return fmt.Sprintf("%s (%s)", v.Message, v.Rule)
	}
	return fmt.Sprintf("%s: %s (%s)", v.Pointer, v.Message, v.Rule)
}

// MaskAadhaar returns v with every Aadhaar number in its pointer and
// message masked as canonical.MaskAadhaarInDiagnostic masks it, so that
// a number a message quotes with escapes is masked too. A pointer may
// contain one because it quotes the sender's member names.
func (v Violation) MaskAadhaar() Violation {
	if masked, ok := canonical.MaskAadhaarInDiagnostic(v.Pointer); ok {
		v.Pointer = masked
	}
	if masked, ok := canonical.MaskAadhaarInDiagnostic(v.Message); ok {
		v.Message = masked
	}
	return v
}

// MaskAadhaar returns a copy of vs with each violation masked as
// Violation.MaskAadhaar masks it, or vs itself when none contains an
// Aadhaar number.
func MaskAadhaar(vs []Violation) []Violation {
	var out []Violation
	for i, v := range vs {
		masked := v.MaskAadhaar()
		if out == nil && masked != v {
			out = slices.Clone(vs)
		}
		if out != nil {
			out[i] = masked
		}
	}
	if out == nil {
		return vs
	}
	return out
}

// ValidationError lists the violations found in one document, at most
// MaxViolations of them and then one with rule RuleTooManyErrors.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	found := 0
	for i, v := range e.Violations {
		parts[i] = v.String()
		found++
		if v.Rule == RuleTooManyErrors {
			found += v.Omitted - 1
		}
	}
	noun := "validation errors"
	if found == 1 {
		noun = "validation error"
	}
	return fmt.Sprintf("%d %s: %s", found, noun, strings.Join(parts, "; "))
}

// Invalid returns a *ValidationError of the given violations, or nil when
// there are none. It keeps the first MaxViolations and counts the rest
// in a final violation with rule RuleTooManyErrors; such a violation
// among vs adds its own count to that total.
func Invalid(vs ...Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: capViolations(vs)}
}

// Violations returns the violations err carries when it wraps a
// *ValidationError, and nil otherwise.
func Violations(err error) []Violation {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Violations
	}
	return nil
}

// capViolations keeps the first MaxViolations of vs and appends one
// violation that counts the others.
func capViolations(vs []Violation) []Violation {
	kept := make([]Violation, 0, min(len(vs), MaxViolations+1))
	omitted := 0
	for _, v := range vs {
		switch {
		case v.Rule == RuleTooManyErrors:
			omitted += v.Omitted
		case len(kept) < MaxViolations:
			kept = append(kept, v)
		default:
			omitted++
		}
	}
	if omitted > 0 {
		kept = append(kept, Violation{
			Rule:    RuleTooManyErrors,
			Message: fmt.Sprintf("%d more violations were found and not listed; fix these first", omitted),
			Omitted: omitted,
		})
	}
	return kept
}

func asValidationError(err error, target **jsonschema.ValidationError) bool {
	return errors.As(err, target)
}

// leaves flattens the library's error tree into the innermost causes,
// which name the offending value; the outer nodes only repeat "doesn't
// validate with ...". The result is sorted by pointer and capped as
// Invalid caps it.
func leaves(ve *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, leafViolations(e)...)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	for i := range out {
		out[i].Message = maskQuotedValues(out[i].Message)
	}
	SortByPointer(out)
	return capViolations(dedupe(out))
}

// RuleNotAllowed is the rule of a field that a schema forbids where it
// is: an unknown member (additionalProperties or unevaluatedProperties
// false) or a member whose schema is false.
const RuleNotAllowed = "not-allowed"

// notAllowedMessage is the message of every RuleNotAllowed violation.
const notAllowedMessage = "field not allowed here"

// leafViolations turns one leaf of the library's tree into violations.
// A "required" leaf becomes one violation per missing property, at the
// pointer the property would have, and so does an "additionalProperties"
// leaf per unknown property.
func leafViolations(e *jsonschema.ValidationError) []Violation {
	pointer := unescapePointer(e.InstanceLocation)
	rule := path.Base(e.KeywordLocation)
	switch {
	case e.Message == "not allowed" && (rule == "unevaluatedProperties" ||
		path.Base(path.Dir(e.KeywordLocation)) == "properties"):
		// An unevaluated member, or a false schema, which names no
		// keyword: the location then ends with the property's name.
		return []Violation{{Pointer: pointer, Rule: RuleNotAllowed, Message: notAllowedMessage}}
	case rule == "additionalProperties":
		return propertyViolations(pointer, e.Message, RuleNotAllowed, notAllowedMessage)
	case rule == "not":
		return []Violation{{Pointer: pointer, Rule: rule, Message: "value not allowed here"}}
	case rule == "pattern":
		return []Violation{{Pointer: pointer, Rule: rule, Message: patternMessage(e.Message)}}
	case rule == "format":
		return []Violation{{Pointer: pointer, Rule: rule, Message: formatMessage(e.Message)}}
	case rule != "required":
		return []Violation{{Pointer: pointer, Rule: rule, Message: boundMessage(rule, e.Message)}}
	}
	message := "missing required field"
	if strings.Contains(e.KeywordLocation, "/anyOf/") || strings.Contains(e.KeywordLocation, "/oneOf/") {
		message = "missing field: this field or one of its alternatives is required"
	}
	return propertyViolations(pointer, e.Message, rule, message)
}

// propertyViolations returns one violation for each property that the
// library's message names, at the property's pointer under the object at
// pointer, or the message itself at pointer when it names none.
func propertyViolations(pointer, libraryMessage, rule, message string) []Violation {
	names := quotedProperties(libraryMessage)
	if len(names) == 0 {
		return []Violation{{Pointer: pointer, Rule: rule, Message: libraryMessage}}
	}
	out := make([]Violation, len(names))
	for i, name := range names {
		out[i] = Violation{Pointer: pointer + "/" + escapeToken(name), Rule: rule, Message: message}
	}
	return out
}

// patternWants describes, for the patterns that the schemas share, what
// a value must look like, in words a clerk can follow.
var patternWants = map[string]string{
	`^[A-Z]{2}$`:              "two capital letters, such as IN for a country or KL for a state",
	`^[A-Z]{4}[0-9]{12}$`:     "a 16-character CNR: four capital letters and twelve digits, such as KLER100001232024",
	`^[A-Z]{4}[0-9]{2}$`:      "an e-Courts establishment code: four capital letters and two digits, such as KLER10",
	`^[A-Z0-9_-]{1,32}$`:      "1 to 32 capital letters, digits, hyphens or underscores, such as EKM0412",
	`^[1-9][0-9]{5}$`:         "a six-digit PIN code that does not start with 0, such as 682017",
	`^[0-9a-f]{64}$`:          "64 lower-case hexadecimal digits",
	`^XXXXXXXX[0-9]{4}$`:      "a masked Aadhaar number: XXXXXXXX and the last four digits",
	`^[!-~]*$`:                "printable ASCII characters without spaces",
	`^[A-Z][a-z]{3}$`:         "an ISO 15924 script code: a capital and three small letters, such as Mlym or Latn",
	`^[A-Za-z0-9/._-]{1,64}$`: "1 to 64 letters, digits, slashes, dots, hyphens or underscores",
	`^[A-Z0-9]{8,20}$`:        "8 to 20 capital letters and digits, such as a passport file number CO1075118204525",
	canonical.PrisonCodePattern: "a code such as KLSJEKM or UT-2231-2025, without a slash, " +
		"surrounding space, a space other than U+0020, a control character or an invisible " +
		"format character such as the zero-width space U+200B",
	canonical.RecordNumberPattern: "a number or code such as B-2025-1822 or EKM0412, without " +
		"surrounding space, a space other than U+0020, a control character or an invisible " +
		"format character such as the zero-width space U+200B",
}

// patternMessage returns the library's message for a value that does
// not match a pattern, with the pattern described in words when
// patternWants has it.
func patternMessage(message string) string {
	pattern, ok := strings.CutPrefix(message, "does not match pattern ")
	if !ok {
		return message
	}
	// The library writes the pattern with its backslashes doubled.
	want, ok := patternWants[strings.ReplaceAll(strings.Trim(pattern, "'"), `\\`, `\`)]
	if !ok {
		return message
	}
	return "does not match: want " + want
}

// formatWants describes, for the formats that the schemas assert, what a
// value must look like. The adapters' own date-time checks offer the
// same hint.
var formatWants = map[string]string{
	"date-time": "want RFC 3339, such as 2025-10-03T09:30:00+05:30",
	"date":      "want YYYY-MM-DD, such as 2025-10-03",
}

// formatMessage returns the library's message for a value that is not
// valid in a format ("'x' is not valid 'date-time'"), followed by what
// the format wants when formatWants has it.
func formatMessage(message string) string {
	i := strings.LastIndex(message, " is not valid ")
	if i < 0 {
		return message
	}
	format := strings.Trim(message[i+len(" is not valid "):], "'")
	want, ok := formatWants[format]
	if !ok {
		return message
	}
	return message + ": " + want
}

// quotedName matches one property name as the library quotes it in its
// "missing properties: 'a', 'b'" message: Go string escapes inside
// single quotes, with a single quote escaped as \'.
var quotedName = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

// quotedProperties returns the property names of a "required" message
// ("missing properties: 'a', 'b'") or an "additionalProperties" one
// ("additionalProperties 'a', 'b' not allowed"), or nil when the message
// has another form.
func quotedProperties(message string) []string {
	rest, ok := strings.CutPrefix(message, "missing properties: ")
	if !ok {
		rest, ok = strings.CutPrefix(message, "additionalProperties ")
		rest, _ = strings.CutSuffix(rest, " not allowed")
	}
	if !ok {
		return nil
	}
	var names []string
	for _, m := range quotedName.FindAllStringSubmatch(rest, -1) {
		name, ok := unquoteLibrary(m[1])
		if !ok {
			return nil
		}
		names = append(names, name)
	}
	return names
}

// unquoteLibrary returns the string that the library quoted as inner,
// the text between its single quotes.
func unquoteLibrary(inner string) (string, bool) {
	inner = strings.ReplaceAll(inner, `\'`, `'`)
	inner = strings.ReplaceAll(inner, `"`, `\"`)
	s, err := strconv.Unquote(`"` + inner + `"`)
	return s, err == nil
}

// quoteLibrary quotes s as the library quotes values in its messages:
// Go's escapes inside single quotes.
func quoteLibrary(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	return "'" + strings.ReplaceAll(q, `'`, `\'`) + "'"
}

// maskQuotedValues returns message with the Aadhaar numbers masked in
// each value it quotes. The library escapes a value before it quotes it,
// and an escape such as \u2060 ends in hex digits that join the digits
// of a number after it, so masking the message's text would miss that
// number. Each quoted value is read back, masked and quoted again.
func maskQuotedValues(message string) string {
	return quotedName.ReplaceAllStringFunc(message, func(quoted string) string {
		value, ok := unquoteLibrary(quoted[1 : len(quoted)-1])
		if !ok {
			return quoted
		}
		masked, changed := canonical.MaskAadhaarInIdentifier(value)
		if !changed {
			return quoted
		}
		return quoteLibrary(masked)
	})
}

// escapeToken escapes one JSON pointer reference token (RFC 6901).
func escapeToken(token string) string {
	token = strings.ReplaceAll(token, "~", "~0")
	return strings.ReplaceAll(token, "/", "~1")
}

// unescapePointer undoes the URL path escaping that the schema library
// adds to each token of an instance location, leaving the RFC 6901
// pointer. A token that does not unescape is kept as it is.
func unescapePointer(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	tokens := strings.Split(p, "/")
	for i, t := range tokens {
		if u, err := url.PathUnescape(t); err == nil {
			tokens[i] = u
		}
	}
	return strings.Join(tokens, "/")
}

func dedupe(vs []Violation) []Violation {
	out := vs[:0]
	seen := map[Violation]bool{}
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
