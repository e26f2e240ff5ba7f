package policy

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// Policy states what one destination may receive. The zero value is
// invalid: a policy needs a name and at least one message type.
type Policy struct {
	// Name identifies the policy in errors and decisions.
	Name string `yaml:"name" json:"name"`
	// Types are the message types the destination receives at all, such
	// as "fir" or "court_registration". Messages of other types are not
	// delivered.
	Types []string `yaml:"types" json:"types"`
	// Allow lists the field paths the destination receives. Allowing a
	// path allows everything below it. A path under a message type that
	// Types does not list is invalid. Envelope fields are always kept.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	// Mask lists fields delivered masked instead of removed or in clear.
	Mask []MaskRule `yaml:"mask,omitempty" json:"mask,omitempty"`
}

// MaskRule masks the field at Path, and everything below it, with Kind.
type MaskRule struct {
	Path string   `yaml:"path" json:"path"`
	Kind MaskKind `yaml:"kind" json:"kind"`
}

// MaskKind names how a masked value is written.
type MaskKind string

// Mask kinds.
const (
	// MaskLast4 keeps the last four characters of a text and replaces
	// each earlier one with X. A text of four characters or fewer is
	// kept as it is.
	MaskLast4 MaskKind = "last4"
	// MaskRedact replaces a text with "REDACTED".
	MaskRedact MaskKind = "redact"
	// MaskYearOnly cuts a date written YYYY-MM-DD to its year, YYYY. A
	// person's date_of_birth masked so is delivered as birth_year, the
	// field that holds a year alone, and date_of_birth is left out.
	MaskYearOnly MaskKind = "year-only"
	// MaskInitials replaces each word of a name with its first letter and
	// a dot: "Rajan Kumar" becomes "R. K.".
	MaskInitials MaskKind = "initials"
)

var maskKinds = []MaskKind{MaskLast4, MaskRedact, MaskYearOnly, MaskInitials}

// AllowAll is the policy of a destination that has none: every message
// type and every field. Aadhaar identifiers still leave masked and
// without their tokens.
var AllowAll = allowAll()

func allowAll() Policy {
	p := Policy{Name: "allow-all"}
	for _, t := range canonical.Types {
		if body, ok := bodyName(t); ok {
			p.Types = append(p.Types, string(t))
			p.Allow = append(p.Allow, body)
		}
	}
	return p
}

// resolvedRule is an allow or mask path checked against the model.
type resolvedRule struct {
	chain   []*field
	pattern string
	kind    MaskKind // empty for an allow path
}

// checked is a policy after Validate's checks.
type checked struct {
	types map[canonical.Type]bool
	allow []resolvedRule
	mask  []resolvedRule
}

// FieldError is one problem of a policy.
type FieldError struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value
	// within the policy, such as "/allow/2".
	Pointer string
	// Err names the policy, the entry with its path, and the rule the
	// entry breaks.
	Err error
}

func (e *FieldError) Error() string { return e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks the policy against the canonical model. The error
// joins a *FieldError for every problem; each names the policy, the
// entry (such as "allow[2]") with its path, and the rule the entry
// breaks.
func (p Policy) Validate() error {
	_, err := p.check()
	return err
}

func (p Policy) check() (checked, error) {
	c := checked{types: map[canonical.Type]bool{}}
	var errs []error
	report := func(entry, pointer string, err error) {
		errs = append(errs, &FieldError{Pointer: pointer,
			Err: fmt.Errorf("policy %q: %s: %w", p.Name, entry, err)})
	}
	if strings.TrimSpace(p.Name) == "" {
		report("name", "/name", errors.New("missing name"))
	}
	misspelled := p.checkTypes(c.types, report)
	for i, path := range p.Allow {
		entry := fmt.Sprintf("allow[%d] %q", i, path)
		if r, err := p.checkPath(path, c.types, misspelled); err != nil {
			report(entry, fmt.Sprintf("/allow/%d", i), err)
		} else {
			c.allow = append(c.allow, r)
		}
	}
	for i, m := range p.Mask {
		entry := fmt.Sprintf("mask[%d] %q (%s)", i, m.Path, m.Kind)
		if r, err := p.checkMask(m, c.types, misspelled, c.mask); err != nil {
			pointer := fmt.Sprintf("/mask/%d/path", i)
			if errors.As(err, new(kindError)) {
				pointer = fmt.Sprintf("/mask/%d/kind", i)
			}
			report(entry, pointer, err)
		} else {
			c.mask = append(c.mask, r)
		}
	}
	return c, errors.Join(errs...)
}

// checkTypes adds each known type of p.Types to types and reports each
// unknown one. It returns the types that the unknown ones misspell, whose
// paths in allow and mask are then not reported as unlisted as well.
func (p Policy) checkTypes(
	types map[canonical.Type]bool,
	report func(entry, pointer string, err error),
) (misspelled map[canonical.Type]bool) {
	misspelled = map[canonical.Type]bool{}
	if len(p.Types) == 0 {
		report("types", "/types", errors.New("no message types: list the types the destination receives"))
	}
	for i, t := range p.Types {
		_, hasBody := bodyName(canonical.Type(t))
		if hasBody && slices.Contains(canonical.Types, canonical.Type(t)) {
			types[canonical.Type(t)] = true
			continue
		}
		err := fmt.Errorf("unknown message type: known types are %s", knownTypes())
		if meant, ok := misspelledType(t); ok {
			misspelled[meant] = true
			err = fmt.Errorf("unknown message type, perhaps a misspelling of %s: known types are %s",
				meant, knownTypes())
		}
		report(fmt.Sprintf("types[%d] %q", i, t), fmt.Sprintf("/types/%d", i), err)
	}
	return misspelled
}

func knownKinds() string {
	names := make([]string, len(maskKinds))
	for i, k := range maskKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func knownTypes() string {
	names := make([]string, len(canonical.Types))
	for i, t := range canonical.Types {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// checkPath resolves path and checks that a body it names belongs to
// one of the policy's types, or to one of misspelled, whose misspelling
// is reported already.
func (p Policy) checkPath(path string, types, misspelled map[canonical.Type]bool) (resolvedRule, error) {
	chain, err := parseAndResolve(path)
	if err != nil {
		return resolvedRule{}, err
	}
	top := chain[0].name
	if !envelopeFields[top] && !types[canonical.Type(top)] && !misspelled[canonical.Type(top)] {
		return resolvedRule{}, fmt.Errorf("path is inside the %s body, but types does not list %s",
			top, top)
	}
	return resolvedRule{chain: chain, pattern: patternOf(chain)}, nil
}

func (p Policy) checkMask(m MaskRule, types, misspelled map[canonical.Type]bool, earlier []resolvedRule) (
	resolvedRule, error,
) {
	if !slices.Contains(maskKinds, m.Kind) {
		return resolvedRule{}, kindError{fmt.Errorf("unknown mask kind: known kinds are %s", knownKinds())}
	}
	r, err := p.checkPath(m.Path, types, misspelled)
	if err != nil {
		return resolvedRule{}, err
	}
	r.kind = m.Kind
	if envelopeFields[r.chain[0].name] {
		return resolvedRule{}, errors.New(
			"envelope fields are always delivered in full and cannot be masked")
	}
	if err := checkMaskTarget(m.Kind, r.chain[len(r.chain)-1]); err != nil {
		return resolvedRule{}, err
	}
	for _, e := range earlier {
		if covers(e.pattern, r.pattern) || covers(r.pattern, e.pattern) {
			return resolvedRule{}, fmt.Errorf("overlaps the mask on %q: a field takes one mask", e.pattern)
		}
	}
	return r, nil
}

// kindError is a mask rule's error that its kind causes: the kind is
// unknown, or another kind could mask the field. Its pointer is then the
// rule's kind, not its path.
type kindError struct{ error }

func (e kindError) Unwrap() error { return e.error }

// checkMaskTarget reports an error unless a value of kind fits field f
// in its Go type, so the masked message still decodes. The error is a
// kindError when some other kind fits f.
func checkMaskTarget(kind MaskKind, f *field) error {
	if kind == MaskInitials && f.typ == nameType {
		return nil
	}
	if f.typ.Kind() == reflect.String && f.typ != reflect.TypeFor[string]() {
		return fmt.Errorf("%s is an enumeration (%s), which a masked value would not fit: "+
			"leave it out of the allow-list instead", f.name, f.typ)
	}
	if f.typ == nameType {
		return kindError{fmt.Errorf("%s is %s, but %s masks only text: use initials", f.name, describe(f), kind)}
	}
	if f.typ != reflect.TypeFor[string]() {
		return fmt.Errorf("%s is %s, but %s masks only text", f.name, describe(f), kind)
	}
	if kind == MaskYearOnly && !dateFields()[f.name] {
		return kindError{fmt.Errorf("%s is not a date: year-only applies to dates written YYYY-MM-DD (%s)",
			f.name, strings.Join(sortedKeys(dateFields()), ", "))}
	}
	if kind != MaskYearOnly && dateFields()[f.name] {
		// A date that another mask turned into text would no longer be a
		// date, which the canonical form and the agencies' formats require.
		return kindError{fmt.Errorf("mask kind %s cannot apply to %s, a date field: use year-only, "+
			"or leave the field out of the allow-list to withhold it", kind, f.name)}
	}
	return nil
}

func describe(f *field) string {
	switch {
	case f.typ == timeType:
		return "a date-time"
	case f.typ == nameType:
		return "a name object"
	case f.typ.Kind() == reflect.Struct:
		return "an object"
	case f.typ.Kind() == reflect.Bool:
		return "a boolean"
	}
	return "a number"
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// covers reports whether the field at path prefix contains the field at
// path, or is it.
func covers(prefix, path string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+".") ||
		strings.HasPrefix(path, prefix+"[].")
}
