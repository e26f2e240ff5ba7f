package textcheck

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonFrame is one open object or array of a JSON document.
type jsonFrame struct {
	array bool
	// index is an array's current element.
	index int
	// name is an object's current member name as it is in the body,
	// without quotes and with its escapes.
	name []byte
	// wantName is set while the next string of an object is a member
	// name.
	wantName bool
}

// maxJSONDepth is the deepest nesting of objects and arrays whose
// strings get a pointer. The agencies' documents nest a few levels.
const maxJSONDepth = 64

// checkJSON checks every string of the JSON text body, member names
// included, in one pass. It tracks the structure only as far as the
// pointers need: a body that is not well-formed is read on, and its
// adapter reports the syntax error. A string nested deeper than
// maxJSONDepth is reported for the whole document, by its byte offset,
// so that the memory this takes stays bounded.
func checkJSON(body []byte, c *collector) {
	var stack []jsonFrame
	deeper := 0 // open objects and arrays below maxJSONDepth
	for i := 0; i < len(body); {
		switch body[i] {
		case '{', '[':
			if len(stack) == maxJSONDepth {
				deeper++
				break
			}
			stack = append(stack, jsonFrame{array: body[i] == '[', wantName: body[i] == '{'})
		case '}', ']':
			switch {
			case deeper > 0:
				deeper--
			case len(stack) > 0:
				stack = stack[:len(stack)-1]
			}
		case ',':
			if deeper > 0 {
				break
			}
			if n := len(stack); n > 0 && stack[n-1].array {
				stack[n-1].index++
			} else if n > 0 {
				stack[n-1].wantName = true
			}
		case '"':
			if deeper > 0 {
				i = checkJSONString(body, i+1, nil, false, c)
				continue
			}
			top := len(stack) - 1
			inName := top >= 0 && !stack[top].array && stack[top].wantName
			end := checkJSONString(body, i+1, stack, inName, c)
			if inName {
				stack[top].name = body[i+1 : max(end-1, i+1)]
				stack[top].wantName = false
			}
			i = end
			continue
		}
		i++
	}
}

// checkJSONString checks the string whose content starts at body[start]
// and returns the offset after its closing quote, or len(body) when it
// has none. It reports the first rejected character at the pointer of
// stack: the string's own, or its object's when inName is set. A nil
// stack reports it for the whole document.
func checkJSONString(body []byte, start int, stack []jsonFrame, inName bool, c *collector) int {
	reported := false
	report := func(rule, what string, offset int) {
		if reported {
			return
		}
		reported = true
		pointer := ""
		if !c.full() && stack != nil {
			pointer = jsonPointer(stack, inName)
		}
		c.add(pointer, rule, what, offset, inName)
	}
	for i := start; i < len(body); {
		b := body[i]
		if reported {
			// Only the string's end matters now, so no character is
			// classified and no phrase is built.
			switch b {
			case '"':
				return i + 1
			case '\\':
				i += 2
			default:
				i++
			}
			continue
		}
		switch {
		case b == '"':
			return i + 1
		case b == '\\':
			size, rule, what := checkEscape(body[i:])
			if rule != "" {
				report(rule, what, i)
			}
			i += size
		case b < utf8.RuneSelf:
			// Raw tabs and line breaks make the JSON malformed, which
			// the adapter reports, but they are not rejected characters.
			if rule, what := classify(rune(b)); rule != "" {
				report(rule, what, i)
			}
			i++
		default:
			size, rule, what := checkUTF8(body[i:])
			if rule != "" {
				report(rule, what, i)
			}
			i += size
		}
	}
	return len(body)
}

// checkEscape classifies the escape that starts p with a backslash. It
// returns the escape's length in bytes and, when the escape names a
// rejected character, the rule and a phrase naming it. A \u escape of a
// high surrogate followed by one of a low surrogate is one character.
func checkEscape(p []byte) (size int, rule, what string) {
	if len(p) < 2 {
		return len(p), "", ""
	}
	if p[1] != 'u' {
		return 2, "", ""
	}
	r, ok := hex4(p[2:])
	if !ok {
		return 2, "", ""
	}
	if r >= 0xD800 && r <= 0xDBFF {
		if len(p) >= 12 && p[6] == '\\' && p[7] == 'u' {
			if low, ok := hex4(p[8:]); ok && low >= 0xDC00 && low <= 0xDFFF {
				pair := 0x10000 + (r-0xD800)<<10 + (low - 0xDC00)
				rule, what := classify(pair)
				return 12, rule, what
			}
		}
		return 6, RuleSurrogate, "the escape " + string(p[:6]) + " of a surrogate without its pair"
	}
	if r >= 0xDC00 && r <= 0xDFFF {
		return 6, RuleSurrogate, "the escape " + string(p[:6]) + " of a surrogate without its pair"
	}
	rule, what = classify(r)
	if rule != "" {
		what += " (escaped as " + string(p[:6]) + ")"
	}
	return 6, rule, what
}

// hex4 returns the value of the four hexadecimal digits that start p.
func hex4(p []byte) (rune, bool) {
	if len(p) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p[:4]), 16, 16)
	return rune(v), err == nil
}

// jsonPointer returns the JSON pointer of the value that stack is at, or
// of the object whose member name is being read when inName is set. It
// returns "", the whole document, for a pointer longer than maxPointer.
func jsonPointer(stack []jsonFrame, inName bool) string {
	var b strings.Builder
	for i, f := range stack {
		if inName && i == len(stack)-1 {
			break
		}
		if b.Len()+len(f.name) >= maxPointer {
			return ""
		}
		b.WriteByte('/')
		if f.array {
			b.WriteString(strconv.Itoa(f.index))
			continue
		}
		b.WriteString(escapeToken(memberName(f.name)))
	}
	return b.String()
}

// memberName decodes the escapes of a member name as the body has it.
func memberName(raw []byte) string {
	var name string
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	if err := json.Unmarshal(quoted, &name); err != nil {
		return string(raw)
	}
	return name
}

// escapeToken escapes a reference token of a JSON pointer (RFC 6901).
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
