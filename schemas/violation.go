package schemas

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Violation is one broken rule in a document.
type Violation struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value, ""
	// for the whole document. For XML input it is the element path.
	Pointer string `json:"pointer"`
	// Rule names the rule: a JSON Schema keyword such as "required" or
	// "format", or a hub rule such as "section".
	Rule string `json:"rule"`
	// Message says what is wrong, in words.
	Message string `json:"message"`
}

func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s: %s (%s)", p, v.Message, v.Rule)
}

// ValidationError lists every violation found in one document.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return fmt.Sprintf("%d validation errors: %s", len(parts), strings.Join(parts, "; "))
}

// Invalid returns a *ValidationError of the given violations, or nil when
// there are none.
func Invalid(vs ...Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
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

func asValidationError(err error, target **jsonschema.ValidationError) bool {
	return errors.As(err, target)
}

// leaves flattens the library's error tree into the innermost causes,
// which name the offending value; the outer nodes only repeat "doesn't
// validate with ...".
func leaves(ve *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Violation{
				Pointer: e.InstanceLocation,
				Rule:    path.Base(e.KeywordLocation),
				Message: e.Message,
			})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return dedupe(out)
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
