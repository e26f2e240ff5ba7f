package police

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// The token scan that runs before any other check applies the limits of
// jsondoc.CheckLimits (jsondoc.MaxItems and the others) in the same pass
// as it masks Aadhaar numbers, and reports their breaches by the same
// rules.
const (
	maxScanItems   = jsondoc.MaxItems
	maxScanMembers = jsondoc.MaxMembers
	maxScanString  = jsondoc.MaxString
	maxScanDepth   = jsondoc.MaxDepth

	ruleDuplicateKey = jsondoc.RuleDuplicateKey
	ruleNesting      = jsondoc.RuleNesting
)

// replacement is a JSON value literal in the input, body[start:end], and
// the literal that replaces it.
type replacement struct {
	start, end int
	with       []byte
}

// scanned is the result of scanning one document.
type scanned struct {
	// violations are duplicate keys and breaches of the scan limits.
	violations []schemas.Violation
	// text replaces string values that contain an Aadhaar number with
	// their masked text. It applies to the body that is decoded and to
	// the journal copy.
	text []replacement
	// identifiers replaces the values of Aadhaar identifiers, for the
	// journal copy only: decoding needs them in clear to check and
	// tokenise them.
	identifiers []replacement
	// members are the names of the document's own members, at most
	// maxScanMembers of them.
	members []string
	// numbers are the violations of JSON numbers that contain an
	// Aadhaar-like number (see jsondoc.NumberRun), except the numbers of
	// Aadhaar identifiers.
	numbers []schemas.Violation
	// stopped is set when the scan stopped at an object or array nested
	// deeper than maxScanDepth, so that text and identifiers cover the
	// body only up to it.
	stopped bool
}

// scanDocument reads body token by token. It returns an error, to be
// reported as malformed input, unless body is valid UTF-8 holding exactly
// one JSON object. Otherwise it reports duplicate keys and breaches of
// the scan limits, and collects the replacements that mask Aadhaar
// numbers. It stops at the first object or array nested deeper than
// maxScanDepth, which it reports, and leaves the rest of body unread:
// neither its syntax nor its Aadhaar numbers are checked.
func scanDocument(body []byte, key []byte) (*scanned, error) {
	if !utf8.Valid(body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	if err := jsondoc.CheckStart(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	s := &scanner{body: body, key: key, out: &scanned{}}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) && len(s.stack) == 0 {
			return nil, fmt.Errorf("invalid JSON at byte %d: the body is empty", len(body))
		}
		if errors.Is(err, io.EOF) {
			// Token returns io.EOF, not io.ErrUnexpectedEOF, when the
			// body ends between two tokens of an open object or array.
			return nil, s.syntaxError(io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, s.syntaxError(err)
		}
		if len(s.stack) == 0 && tok != json.Delim('{') {
			return nil, fmt.Errorf("invalid JSON at byte %d: the body is not a JSON object", before)
		}
		s.step(tok, before, int(dec.InputOffset()))
		if s.tooDeep {
			// The nesting violation rejects the document. Reading on
			// would cost memory for every level, in the decoder too.
			s.out.stopped = true
			s.out.violations = s.violations.List()
			s.out.numbers = s.numbers.List()
			return s.out, nil
		}
		if len(s.stack) == 0 {
			break
		}
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON at byte %d: unexpected data after the JSON object",
			jsondoc.TrailingOffset(body, end))
	}
	s.out.violations = s.violations.List()
	s.out.numbers = s.numbers.List()
	return s.out, nil
}

// frame is one open object or array.
type frame struct {
	// parent is the enclosing frame, nil for the document, and token is
	// the reference token of this value in it.
	parent   *frame
	token    string
	isObject bool
	wantKey  bool
	key      string   // the member being read, in an object
	keys     []string // the members seen, in an object
	index    int      // the next element's index, in an array
	// exempt is set under fields that identify a message or case, whose
	// values are never masked: see exemptField.
	exempt bool
	// aadhaar is set when a member "type" is "aadhaar".
	aadhaar bool
	// numbers are the values of members named "number", decided on when
	// the object closes.
	numbers []numberValue
	// run follows the JSON numbers in a row, in an array.
	run jsondoc.NumberRun
}

type numberValue struct {
	start, end int
	key        string // the member's name, "number" in any case
	value      string
	isString   bool
}

// scanner keeps the state of scanDocument.
type scanner struct {
	body  []byte
	key   []byte
	stack []*frame
	out   *scanned
	// tooDeep is set once the nesting violation has been reported.
	tooDeep bool
	// violations collects the violations, which out gets at the end.
	violations jsondoc.CappedViolations
	// numbers collects the violations of out.numbers.
	numbers jsondoc.CappedViolations
}

func (s *scanner) top() *frame {
	if len(s.stack) == 0 {
		return nil
	}
	return s.stack[len(s.stack)-1]
}

func (s *scanner) fail(pointer, rule, format string, args ...any) {
	s.violations.Add(pointer, rule, format, args...)
}

// syntaxError words a decoder error with the byte offset and, when the
// scan has it, the pointer of the value being read.
func (s *scanner) syntaxError(err error) error {
	offset := len(s.body)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		// The streaming decoder reports some errors at the start of the
		// token it was reading. Decoding the body whole gives the byte
		// the message names, as the other JSON adapters report it.
		var whole json.RawMessage
		if errors.As(json.Unmarshal(s.body, &whole), &syntax) {
			err = syntax
		}
		offset = jsondoc.ErrorOffset(syntax)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the body ends before the JSON object does"
	}
	if at := s.valuePointer(); at != "" {
		return fmt.Errorf("invalid JSON at byte %d, in %s: %s", offset, at, msg)
	}
	return fmt.Errorf("invalid JSON at byte %d: %s", offset, msg)
}

// pointer returns the JSON pointer of the container f.
func (f *frame) pointer() string {
	if f.parent == nil {
		return ""
	}
	return f.parent.pointer() + "/" + jsondoc.EscapeToken(f.token)
}

// childToken returns the reference token of the value the scan reads
// next in f, and false when f expects a key.
func (f *frame) childToken() (string, bool) {
	switch {
	case f.isObject && !f.wantKey:
		return f.key, true
	case !f.isObject:
		return strconv.Itoa(f.index), true
	}
	return "", false
}

// valuePointer returns the pointer of the value the scan reads next, or
// of the innermost open container when that is not known.
func (s *scanner) valuePointer() string {
	f := s.top()
	if f == nil {
		return ""
	}
	if token, ok := f.childToken(); ok {
		return f.pointer() + "/" + jsondoc.EscapeToken(token)
	}
	return f.pointer()
}

// step takes one token, which ends at byte offset end and starts after
// offset before.
func (s *scanner) step(tok json.Token, before, end int) {
	f := s.top()
	if str, ok := tok.(string); ok && f != nil && f.isObject && f.wantKey {
		s.member(f, str)
		return
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' || t == '[' {
			s.open(t == '{')
			return
		}
		s.close()
	case string:
		s.stringValue(f, t, valueStart(s.body, before, end), end)
	case json.Number:
		start := valueStart(s.body, before, end)
		if problem := jsondoc.CheckNumberSize(s.body[start:end]); problem != "" {
			s.fail(s.valuePointer(), jsondoc.RuleNumberSize, "%s", problem)
		} else if f != nil && f.isObject && strings.EqualFold(f.key, "number") {
			f.numbers = append(f.numbers,
				numberValue{start: start, end: end, key: f.key, value: t.String()})
		} else {
			s.number(f, start, end)
		}
	}
	s.valueDone()
}

// member reads the key of the next member of the object f.
func (s *scanner) member(f *frame, key string) {
	f.key, f.wantKey = key, false
	if slices.Contains(f.keys, key) {
		s.fail(f.pointer()+"/"+jsondoc.EscapeToken(key), ruleDuplicateKey,
			"the object has two members named %s: send each member once", canonical.QuoteMasked(key))
		return
	}
	if len(f.keys) == maxScanMembers {
		s.fail(f.pointer(), "maxProperties", "the object has more than %d members", maxScanMembers)
	}
	if len(f.keys) <= maxScanMembers {
		f.keys = append(f.keys, key)
	}
}

// open starts an object or array as the value being read. One nested
// deeper than maxScanDepth gets no frame: open reports it and sets
// tooDeep, which ends the scan.
func (s *scanner) open(isObject bool) {
	parent := s.top()
	if len(s.stack) == maxScanDepth {
		s.tooDeep = true
		s.fail(s.valuePointer(), ruleNesting, "objects and arrays are nested more than %d deep",
			maxScanDepth)
		return
	}
	f := &frame{parent: parent, isObject: isObject, wantKey: isObject}
	if parent != nil {
		f.token, _ = parent.childToken()
		f.exempt = parent.exempt || exemptField(len(s.stack), parent.key)
	}
	s.stack = append(s.stack, f)
}

// close ends the innermost object or array, and decides on its Aadhaar
// identifier values.
func (s *scanner) close() {
	f := s.top()
	s.stack = s.stack[:len(s.stack)-1]
	if len(s.stack) == 0 && f.isObject {
		s.out.members = f.keys
	}
	for _, n := range f.numbers {
		switch {
		case f.aadhaar:
			s.out.identifiers = append(s.out.identifiers, s.identifierReplacement(n))
		case f.exempt:
		case n.isString:
			s.maskText(n.start, n.end, n.value)
		default:
			// A JSON number where a string belongs: the schema rejects it,
			// and the journal copy must not keep its digits.
			if masked, ok := canonical.MaskAadhaarInText(n.value); ok {
				s.out.identifiers = append(s.out.identifiers,
					replacement{start: n.start, end: n.end, with: quote(masked)})
			}
		}
		if !f.aadhaar && !n.isString {
			var run jsondoc.NumberRun
			if masked, _, found := run.Check(s.body, n.start, n.end); found {
				v := jsondoc.AadhaarNumberViolation(f.pointer()+"/"+jsondoc.EscapeToken(n.key),
					masked, false)
				s.numbers.Add(v.Pointer, v.Rule, "%s", v.Message)
			}
		}
	}
}

// number reads the JSON number body[start:end], a value of f that is
// not the number of an identifier, and reports it when it contains an
// Aadhaar-like number.
func (s *scanner) number(f *frame, start, end int) {
	run := &f.run
	if f.isObject {
		run = &jsondoc.NumberRun{}
	}
	if masked, joined, found := run.Check(s.body, start, end); found {
		v := jsondoc.AadhaarNumberViolation(s.valuePointer(), masked, joined)
		s.numbers.Add(v.Pointer, v.Rule, "%s", v.Message)
	}
}

// valueDone moves past a complete value in the enclosing container.
func (s *scanner) valueDone() {
	f := s.top()
	switch {
	case f == nil:
	case f.isObject:
		f.wantKey = true
	default:
		f.index++
		if f.index == maxScanItems+1 {
			s.fail(f.pointer(), "maxItems", "the list has more than %d items", maxScanItems)
		}
	}
}

// stringValue takes a string value literal, body[start:end].
func (s *scanner) stringValue(f *frame, value string, start, end int) {
	if n := utf8.RuneCountInString(value); n > maxScanString {
		s.fail(s.valuePointer(), "maxLength", "the string has %d characters, more than %d", n, maxScanString)
	}
	if f == nil || !f.isObject {
		s.maskText(start, end, value)
		return
	}
	switch {
	case strings.EqualFold(f.key, "type") && strings.EqualFold(value, canonical.IDAadhaar):
		f.aadhaar = true
	case strings.EqualFold(f.key, "number"):
		f.numbers = append(f.numbers, numberValue{start: start, end: end, value: value, isString: true})
		return
	}
	if !f.exempt && !exemptField(len(s.stack), f.key) {
		s.maskText(start, end, value)
	}
}

// maskText records the replacement of a string value that contains an
// Aadhaar number.
func (s *scanner) maskText(start, end int, value string) {
	if masked, ok := canonical.MaskAadhaarInText(value); ok {
		s.out.text = append(s.out.text, replacement{start: start, end: end, with: quote(masked)})
	}
}

// identifierReplacement masks the value of an Aadhaar identifier: a valid
// number to its masked form, anything else to redactedAadhaar.
func (s *scanner) identifierReplacement(n numberValue) replacement {
	return replacement{start: n.start, end: n.end, with: quote(maskedValue(n.value, s.key))}
}

// exemptField reports whether the member key of an object depth levels
// deep identifies a message or case: the envelope's ids, the document's
// FIR, a verification report's passport file number, a final report's
// number, which the checker rejects when it looks like an Aadhaar
// number, and an identifier's token. Masking them would change the keys by which the
// hub matches messages, so they are left as sent.
func exemptField(depth int, key string) bool {
	if key == "token" {
		return true
	}
	if depth != 1 {
		return false
	}
	switch key {
	case "message_id", "in_reply_to", "hub_message_id", "fir", "file_number", "report_number":
		return true
	}
	return false
}

// valueStart locates the start of the value literal that ends at end.
// Between before and the literal there is only white space, a comma or
// a colon.
func valueStart(body []byte, before, end int) int {
	start := before
	for start < end && strings.IndexByte(" \t\r\n,:", body[start]) >= 0 {
		start++
	}
	return start
}

// quote returns s as a JSON string literal, leaving <, > and & as they
// are.
func quote(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // A string always encodes.
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// apply returns body with every replacement made, or nil when there are
// none. Replacements must not overlap.
func apply(body []byte, rs ...[]replacement) []byte {
	var all []replacement
	for _, r := range rs {
		all = append(all, r...)
	}
	if len(all) == 0 {
		return nil
	}
	sortReplacements(all)
	var out bytes.Buffer
	last := 0
	for _, r := range all {
		out.Write(body[last:r.start])
		out.Write(r.with)
		last = r.end
	}
	out.Write(body[last:])
	return out.Bytes()
}
