package jsondoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Limits of a JSON document, which CheckLimits applies before the schema
// validator decodes it whole. Each lies at or above what the JSON
// schemas of the adapters allow (their tests hold the schemas to them),
// so a document they stop is one the schema would reject or one far
// larger than any real document.
const (
	// MaxItems is the most elements a JSON array may have.
	MaxItems = 1000
	// MaxMembers is the most members a JSON object may have.
	MaxMembers = 64
	// MaxString is the most characters a JSON string may have.
	MaxString = 100_000
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth = 16
)

// Rules of the violations that CheckLimits reports besides the schema
// keywords maxItems, maxProperties and maxLength.
const (
	RuleDuplicateKey = "duplicate-key" // an object names one member twice
	RuleNesting      = "nesting"       // objects and arrays nested too deep
)

// CheckLimits reads body, one JSON object that CheckWellFormed accepted,
// byte by byte and returns its duplicate member names and its breaches
// of the limits, each at the JSON pointer of the value. It allocates
// for keys and containers but not for other values, so an 8 MiB array
// of numbers costs one pass over it, where decoding it whole for the
// schema validator would take hundreds of megabytes.
func CheckLimits(body []byte) []schemas.Violation {
	limits, _ := scanLimits(body)
	return limits
}

// scanLimits returns what CheckLimits returns and, apart, the JSON
// numbers in body that contain an Aadhaar-like number, as NumberRun
// finds them, with rule canonical.RuleAadhaarLike. The number of a
// member "number" in an object whose member "type" is "aadhaar" is an
// Aadhaar identifier's, which the schema and the checker judge, and is
// left out.
func scanLimits(body []byte) (limits, numbers []schemas.Violation) {
	l := limitScan{}
	for i := 0; i < len(body); {
		if l.deeper > 0 {
			i = l.skipDeeper(body, i)
			continue
		}
		switch c := body[i]; c {
		case '{', '[':
			l.open(l.top(), c == '{')
			i++
		case '}', ']':
			l.close()
			i++
		case '"':
			end := stringEnd(body, i)
			l.text(body[i:end])
			i = end
		case ':', ',', ' ', '\t', '\r', '\n':
			i++
		default:
			// A number, true, false or null.
			start := i
			for i < len(body) && strings.IndexByte("{}[]:,\" \t\r\n", body[i]) < 0 {
				i++
			}
			if c != 't' && c != 'f' && c != 'n' {
				l.number(body, start, i)
			}
			l.valueDone()
		}
	}
	return l.violations.List(), l.numbers.List()
}

// stringEnd returns the offset after the string literal that starts at
// body[start], a quote.
func stringEnd(body []byte, start int) int {
	for i := start + 1; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(body)
}

// unquote returns the text of a string literal.
func unquote(literal []byte) string {
	inner := literal[1 : len(literal)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner)
	}
	var s string
	_ = json.Unmarshal(literal, &s) // CheckWellFormed has accepted it.
	return s
}

// container is one open object or array of a limitScan.
type container struct {
	pointer  string
	isObject bool
	wantKey  bool
	key      string   // the member being read, in an object
	keys     []string // the members seen, in an object, up to MaxMembers
	index    int      // the next element's index, in an array
	// run follows the numbers in a row, in an array.
	run NumberRun
	// aadhaar is set when a member "type" is "aadhaar", in an object.
	aadhaar bool
	// identifier is the violation of a member "number" holding an
	// Aadhaar-like JSON number, reported when the object closes unless
	// aadhaar is set by then.
	identifier *schemas.Violation
}

// childPointer returns the pointer of the value read next in c.
func (c *container) childPointer() string {
	if c.isObject {
		return c.pointer + "/" + EscapeToken(c.key)
	}
	return c.pointer + "/" + strconv.Itoa(c.index)
}

// CappedViolations collects violations. Past schemas.MaxViolations it
// only counts them, in a last violation of rule
// schemas.RuleTooManyErrors, so that a body of a million repeated keys
// costs no more memory than one of a hundred. The zero value is empty.
type CappedViolations struct {
	list []schemas.Violation
}

// Add records a violation of rule at pointer, with a message formatted
// as by fmt.Sprintf.
func (c *CappedViolations) Add(pointer, rule, format string, args ...any) {
	if len(c.list) < schemas.MaxViolations {
		c.list = append(c.list, schemas.Violation{
			Pointer: pointer, Rule: rule, Message: fmt.Sprintf(format, args...),
		})
		return
	}
	if len(c.list) == schemas.MaxViolations {
		c.list = append(c.list, schemas.Violation{Rule: schemas.RuleTooManyErrors})
	}
	c.list[schemas.MaxViolations].Omitted++
}

// List returns the violations recorded, with the count of those left
// out in the last one.
func (c *CappedViolations) List() []schemas.Violation {
	if len(c.list) > schemas.MaxViolations {
		last := &c.list[schemas.MaxViolations]
		last.Message = fmt.Sprintf("%d more violations were found and not listed; fix these first",
			last.Omitted)
	}
	return c.list
}

// limitScan keeps the state of CheckLimits.
type limitScan struct {
	stack      []*container
	violations CappedViolations
	// numbers are the JSON numbers that contain an Aadhaar-like number.
	numbers CappedViolations
	// deeper counts the open objects and arrays below MaxDepth, which
	// get no container, so that a body nested millions deep costs no
	// more memory than one nested MaxDepth deep.
	deeper  int
	tooDeep bool // the nesting violation has been reported
}

// skipDeeper reads the byte at body[i], inside an object or array nested
// deeper than MaxDepth, and returns the offset of the next one. It
// tracks only the nesting: the nesting violation rejects the document,
// so the values at those levels need no other check.
func (l *limitScan) skipDeeper(body []byte, i int) int {
	switch body[i] {
	case '{', '[':
		l.deeper++
	case '}', ']':
		l.deeper--
		if l.deeper == 0 {
			l.valueDone()
		}
	case '"':
		return stringEnd(body, i)
	}
	return i + 1
}

func (l *limitScan) add(pointer, rule, format string, args ...any) {
	l.violations.Add(pointer, rule, format, args...)
}

func (l *limitScan) top() *container {
	if len(l.stack) == 0 {
		return nil
	}
	return l.stack[len(l.stack)-1]
}

// text reads a string literal: a member's key or a string value.
func (l *limitScan) text(literal []byte) {
	top := l.top()
	if top != nil && top.isObject && top.wantKey {
		l.member(top, unquote(literal))
		return
	}
	if top != nil && top.isObject && strings.EqualFold(top.key, "type") &&
		strings.EqualFold(unquote(literal), canonical.IDAadhaar) {
		top.aadhaar = true
	}
	inner := literal[1 : len(literal)-1]
	// Escapes only shorten a string, so one whose literal is short enough
	// needs no decoding.
	if top != nil && utf8.RuneCount(inner) > MaxString {
		if n := utf8.RuneCountInString(unquote(literal)); n > MaxString {
			l.add(top.childPointer(), "maxLength", "the string has %d characters, more than %d",
				n, MaxString)
		}
	}
	l.valueDone()
}

// member reads the key of the next member of the object c.
func (l *limitScan) member(c *container, key string) {
	c.key, c.wantKey = key, false
	if slices.Contains(c.keys, key) {
		l.add(c.childPointer(), RuleDuplicateKey,
			"the object has two members named %s: send each member once", canonical.QuoteMasked(key))
		return
	}
	if len(c.keys) == MaxMembers {
		l.add(c.pointer, "maxProperties", "the object has more than %d members", MaxMembers)
	}
	if len(c.keys) <= MaxMembers {
		c.keys = append(c.keys, key)
	}
}

// open starts an object or array as the value read next in parent. Past
// MaxDepth it only counts the level in l.deeper, and reports the nesting
// violation once, at the pointer of the first value nested too deep, as
// the police adapter's scan does.
func (l *limitScan) open(parent *container, isObject bool) {
	if len(l.stack) >= MaxDepth {
		l.deeper++
		if !l.tooDeep {
			l.tooDeep = true
			l.add(parent.childPointer(), RuleNesting, "objects and arrays are nested more than %d deep",
				MaxDepth)
		}
		return
	}
	c := &container{isObject: isObject, wantKey: isObject}
	if parent != nil {
		c.pointer = parent.childPointer()
	}
	l.stack = append(l.stack, c)
}

// number reads the number literal body[start:end].
func (l *limitScan) number(body []byte, start, end int) {
	c := l.top()
	if c == nil {
		return
	}
	if problem := CheckNumberSize(body[start:end]); problem != "" {
		l.add(c.childPointer(), RuleNumberSize, "%s", problem)
		return
	}
	run := &c.run
	if c.isObject {
		run = &NumberRun{}
	}
	masked, joined, found := run.Check(body, start, end)
	if !found {
		return
	}
	v := AadhaarNumberViolation(c.childPointer(), masked, joined)
	if c.isObject && strings.EqualFold(c.key, "number") {
		if c.identifier == nil {
			c.identifier = &v
		}
		return
	}
	l.numbers.Add(v.Pointer, v.Rule, "%s", v.Message)
}

// close ends the innermost object or array.
func (l *limitScan) close() {
	c := l.top()
	l.stack = l.stack[:len(l.stack)-1]
	if v := c.identifier; v != nil && !c.aadhaar {
		l.numbers.Add(v.Pointer, v.Rule, "%s", v.Message)
	}
	l.valueDone()
}

// valueDone moves past a complete value in the enclosing container.
func (l *limitScan) valueDone() {
	if len(l.stack) == 0 {
		return
	}
	c := l.stack[len(l.stack)-1]
	if c.isObject {
		c.wantKey = true
		return
	}
	c.index++
	if c.index == MaxItems+1 {
		l.add(c.pointer, "maxItems", "the list has more than %d items", MaxItems)
	}
}

// EscapeToken escapes one JSON pointer reference token (RFC 6901).
func EscapeToken(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return tokenEscaper.Replace(token)
}

// tokenEscaper writes ~ as ~0 and / as ~1, in one pass.
var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")
