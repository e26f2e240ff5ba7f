// Package textcheck finds, in an inbound body, the characters that no
// field of an agency's document may contain, before anything decodes the
// body. Decoders change such characters without a word: encoding/json
// turns the escape \ud800 into U+FFFD, and an XML encoder writes U+FFFD
// for U+0001, so a receiver would get text other than what was sent.
//
// The rejected characters are:
//   - NUL and the other C0 controls except tab, line feed and carriage
//     return, DEL and the C1 controls U+0080 to U+009F, which no name,
//     address or narrative contains (C1 controls appear when Windows-1252
//     text was read as Latin-1);
//   - the 66 Unicode noncharacters: U+FDD0 to U+FDEF and the last two
//     code points of each plane, such as U+FFFE and U+10FFFF;
//   - surrogates, which JSON escapes and XML character references can
//     name although no UTF-8 text contains them, unless two JSON escapes
//     form a pair;
//   - bytes that are not UTF-8.
//
// Check reads a body without such characters once. Only an XML body with
// some is read a second time, to name their elements. Each violation
// names the string by a JSON pointer into the sender's JSON document, by
// the element path that the XML adapters use, or by record and field of
// a CSV body.
package textcheck

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/schemas"
)

// Rules of the violations Check returns.
const (
	// RuleNUL is the rule of a string that contains U+0000.
	RuleNUL = "no-nul"
	// RuleControl is the rule of a string that contains another C0
	// control than tab, line feed and carriage return, DEL or a C1
	// control.
	RuleControl = "control-character"
	// RuleNoncharacter is the rule of a string that contains a Unicode
	// noncharacter.
	RuleNoncharacter = "noncharacter"
	// RuleSurrogate is the rule of a string with an escape or character
	// reference that names a surrogate code point outside a valid pair.
	RuleSurrogate = "surrogate"
	// RuleUTF8 is the rule of a string with bytes that are not UTF-8.
	RuleUTF8 = "utf-8"
)

// Check returns a violation for each string of body that contains a
// rejected character, reporting only the first such character of each
// string. contentType chooses the format: JSON, XML or CSV (text/csv).
// An empty or other content type is read by its first byte, '{' or '['
// for JSON and '<' for XML. A body of another format is checked byte by
// byte, with violations for the whole document that give the byte
// offset. Check reports at most schemas.MaxViolations and then one
// violation with rule schemas.RuleTooManyErrors that counts the rest.
//
// Check does not check the body's syntax, which its adapter does: it
// reads a body that is not well-formed as far as it can.
func Check(body []byte, contentType string) []schemas.Violation {
	var c collector
	switch formatOf(body, contentType) {
	case formatJSON:
		checkJSON(body, &c)
	case formatXML:
		checkXML(body, &c)
	case formatCSV:
		checkCSV(body, &c)
	default:
		checkBytes(body, &c)
	}
	return c.result()
}

type format int

const (
	formatOther format = iota
	formatJSON
	formatXML
	formatCSV
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func formatOf(body []byte, contentType string) format {
	if mediaType, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
			return formatJSON
		case mediaType == "application/xml" || mediaType == "text/xml" ||
			strings.HasSuffix(mediaType, "+xml"):
			return formatXML
		case mediaType == "text/csv":
			return formatCSV
		}
	}
	start := bytes.TrimLeft(bytes.TrimPrefix(body, utf8BOM), " \t\r\n")
	if len(start) == 0 {
		return formatOther
	}
	switch start[0] {
	case '{', '[':
		return formatJSON
	case '<':
		return formatXML
	}
	return formatOther
}

// ruleOf returns the rule that rejects r, or "" when r may appear in a
// field. It builds no phrase, so counting costs nothing.
func ruleOf(r rune) string {
	switch {
	case r == 0:
		return RuleNUL
	case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7F, r >= 0x80 && r <= 0x9F:
		return RuleControl
	case r >= 0xD800 && r <= 0xDFFF:
		return RuleSurrogate
	case isNoncharacter(r):
		return RuleNoncharacter
	}
	return ""
}

// classify returns the rule that rejects r and a phrase that names r,
// or "" when r may appear in a field.
func classify(r rune) (rule, what string) {
	rule = ruleOf(r)
	switch {
	case rule == "":
		return "", ""
	case r == 0:
		what = "the NUL character U+0000"
	case r == 0x7F:
		what = "the control character U+007F (DEL)"
	case r >= 0x80 && r <= 0x9F:
		what = fmt.Sprintf("the C1 control character U+%04X", r)
	case rule == RuleControl:
		what = fmt.Sprintf("the control character U+%04X", r)
	case rule == RuleSurrogate:
		what = fmt.Sprintf("the surrogate U+%04X outside a pair", r)
	default:
		what = fmt.Sprintf("the noncharacter U+%04X", r)
	}
	return rule, what
}

func isNoncharacter(r rune) bool {
	return (r >= 0xFDD0 && r <= 0xFDEF) || (r&0xFFFE == 0xFFFE && r <= utf8.MaxRune)
}

// checkUTF8 classifies the character that starts p, whose first byte is
// at least 0x80. It returns its length in bytes and, when it is rejected,
// the rule and a phrase that names it.
func checkUTF8(p []byte) (size int, rule, what string) {
	r, size := utf8.DecodeRune(p)
	if r == utf8.RuneError && size <= 1 {
		return 1, RuleUTF8, fmt.Sprintf("the byte 0x%02X, which is not UTF-8 there", p[0])
	}
	rule, what = classify(r)
	return size, rule, what
}

// collector gathers violations up to schemas.MaxViolations and counts
// the rest.
type collector struct {
	violations []schemas.Violation
	omitted    int
}

// full reports whether a further violation would only be counted, so
// that callers can skip building its pointer.
func (c *collector) full() bool { return len(c.violations) >= schemas.MaxViolations }

// maxPointer is the longest pointer a violation gets. A longer one, as
// of a member name of a megabyte, is replaced by the pointer of the
// whole document, and the message gives the byte offset.
const maxPointer = 1024

func (c *collector) add(pointer, rule, what string, offset int, inName bool) {
	if c.full() {
		c.omitted++
		return
	}
	if len(pointer) > maxPointer {
		pointer = ""
	}
	subject := "contains"
	if inName {
		subject = "has a member name that contains"
	}
	c.violations = append(c.violations, schemas.Violation{
		Pointer: pointer, Rule: rule,
		Message: fmt.Sprintf("%s %s at byte %d of the body, which no field may contain",
			subject, what, offset),
	})
}

func (c *collector) result() []schemas.Violation {
	if c.omitted == 0 {
		return c.violations
	}
	return append(c.violations, schemas.Violation{
		Rule: schemas.RuleTooManyErrors, Omitted: c.omitted,
		Message: fmt.Sprintf("%d more strings contain characters that no field may contain",
			c.omitted),
	})
}

// checkBytes checks body as text of no known format, reporting each
// rejected character for the whole document.
func checkBytes(body []byte, c *collector) {
	for i := 0; i < len(body); {
		size, rule, what := 1, "", ""
		if b := body[i]; b < utf8.RuneSelf {
			rule, what = classify(rune(b))
		} else {
			size, rule, what = checkUTF8(body[i:])
		}
		if rule != "" {
			c.add("", rule, what, i, false)
		}
		i += size
	}
}
