package routes

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/internal/textcheck"
)

// hiddenChar is a character of a routes document that the text rule
// rejects: one that textcheck.Hidden names, other than the tab and the
// line breaks of YAML. Such a character reorders text, moves the cursor
// or displays as nothing. A reviewer of a diff or an export would then
// see a condition other than the one the hub evaluates, such as
// "pol\u200bice" for "police".
type hiddenChar struct {
	r rune
	// line and column are where the character, or its escape, is
	// written. The column counts characters from 1, as yaml.Node.Column
	// does.
	line, column int
	// comment is true for a character in a comment.
	comment bool
	// escape is true for a character written as an escape, such as
	// \u200b, in a double-quoted scalar.
	escape bool
}

// unreadableInYAML reports whether the YAML parser rejects r as written,
// such as a control character or a byte that is not UTF-8, or reads it
// as a line break. gopkg.in/yaml.v3 (v3.0.1) reads U+0085, U+2028,
// U+2029 and a CR without an LF as line breaks. scanText never passes
// the tab, the LF or a CR before an LF, so this function need not allow
// them.
func unreadableInYAML(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0x2028 || r == 0x2029 || r == utf8.RuneError
}

// checkDocument returns the problems of doc that decode does not find:
// those of the text rule, in line order, those of RuleAadhaarLike, then
// those of checkKeys. A
// document that is not YAML is left to decode. stop is true when decode
// and the checks after it must not run on doc, and the problems returned
// are then all there are to report:
//   - A hidden character that YAML rejects or reads as a line break. A
//     parser would fail at it, and report it again as a syntax error, or
//     read other lines than those shown to a reviewer, so the pointers of
//     later problems would not match the document shown. Other hidden
//     characters, such as U+200B, parse as text, so the other checks
//     still run.
//   - A problem of checkKeys. A document cut short routes nothing, and
//     YAML drops an empty list item, so every later item would be
//     reported at the index of the one before it.
//
// Versions stored before the text rule still load (LoadStored).
func checkDocument(doc []byte) (ps []Problem, stop bool) {
	// A byte order mark may start a file, and YAML skips it.
	text := strings.TrimPrefix(string(doc), "\uFEFF")
	chars, comments := scanText(text)
	unreadable := slices.ContainsFunc(chars, func(c hiddenChar) bool {
		return !c.escape && unreadableInYAML(c.r)
	})

	// With each unreadable character replaced by a letter, YAML reads
	// the lines as shown, so the text problems get the pointers of their
	// fields even when the document stops at such a character.
	readable := text
	if unreadable {
		readable = readableCopy(text)
	}

	var root yaml.Node
	if err := yaml.Unmarshal([]byte(readable), &root); err != nil {
		return append(textProblems(chars, nil), aadhaarLineProblems(text)...), unreadable
	}
	nodes := scalarPositions(&root)
	ps = append(textProblems(chars, nodes), aadhaarProblems(nodes, comments)...)
	if unreadable {
		return ps, true
	}
	if keys := checkKeys(&root); len(keys) > 0 {
		return append(ps, keys...), true
	}
	return ps, false
}

// readableCopy returns text with each character that YAML rejects or
// reads as a line break replaced by the letter x, other than the tab,
// the LF and a CR before an LF.
func readableCopy(text string) string {
	var b strings.Builder
	for i, r := range text {
		lineBreak := r == '\n' || (r == '\r' && strings.HasPrefix(text[i+1:], "\n"))
		if r != '\t' && !lineBreak && unreadableInYAML(r) {
			r = 'x'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scalarPositions returns the scalars, keys included, of the document
// whose root is root, in document order.
func scalarPositions(root *yaml.Node) []positioned {
	var out []positioned
	for _, p := range positions(root) {
		if p.node.Kind == yaml.ScalarNode {
			out = append(out, p)
		}
	}
	return out
}

// scalarAt returns the scalar among nodes that starts last at or before
// column of line, which is the one that contains a character there
// unless the character is in a comment or between entries.
func scalarAt(nodes []positioned, line, column int) (positioned, bool) {
	var best positioned
	found := false
	for _, p := range nodes {
		n := p.node
		if n.Line > line || (n.Line == line && n.Column > column) {
			continue
		}
		if !found || n.Line > best.node.Line || (n.Line == best.node.Line && n.Column > best.node.Column) {
			best, found = p, true
		}
	}
	return best, found
}

// textProblems returns a problem for each line that has characters of
// chars, in line order. nodes are the document's scalars, or nil when
// YAML cannot read the document. With nodes, a problem has the pointer
// of the field that its first character is in, or that a comment follows
// on the line, or "" when its characters are in comments on lines of
// their own. An escape that no double-quoted scalar contains is dropped,
// because YAML does not decode it.
func textProblems(chars []hiddenChar, nodes []positioned) []Problem {
	type lineChars struct {
		runes   []rune
		pointer string
		located bool
	}
	byLine := map[int]*lineChars{}
	var lines []int
	for _, c := range chars {
		pointer, located := "", false
		if nodes != nil {
			p, ok := scalarAt(nodes, c.line, c.column)
			if c.escape && (!ok || p.node.Style&yaml.DoubleQuotedStyle == 0) {
				continue
			}
			if c.comment {
				// A comment after a field, on its line, is the field's.
				ok = ok && p.node.Line == c.line
			}
			if ok {
				pointer, located = p.pointer, true
			}
		}
		l := byLine[c.line]
		if l == nil {
			l = &lineChars{}
			byLine[c.line] = l
			lines = append(lines, c.line)
		}
		if !slices.Contains(l.runes, c.r) {
			l.runes = append(l.runes, c.r)
		}
		if located && !l.located {
			l.pointer, l.located = pointer, true
		}
	}
	slices.Sort(lines)
	ps := make([]Problem, len(lines))
	for i, line := range lines {
		ps[i] = textProblem(byLine[line].pointer, line, byLine[line].runes)
	}
	return ps
}

// textProblem returns the problem of the characters chars on line, in
// the field at pointer.
func textProblem(pointer string, line int, chars []rune) Problem {
	names := make([]string, len(chars))
	for i, r := range chars {
		names[i] = fmt.Sprintf("%U", r)
	}
	if len(chars) == 1 {
		return Problem{Pointer: pointer, Rule: RuleText, Message: fmt.Sprintf(
			"line %d: contains %s, which shows the document otherwise than the hub reads it: "+
				"remove it", line, names[0])}
	}
	return Problem{Pointer: pointer, Rule: RuleText, Message: fmt.Sprintf(
		"line %d: contains %s, which show the document otherwise than the hub reads it: "+
			"remove them", line, strings.Join(names[:len(names)-1], ", ")+" and "+names[len(names)-1])}
}

// hidden reports whether r, after prev, is a character of the text rule.
func hidden(prev, r rune) bool {
	return r != '\n' && r != '\t' && (r == utf8.RuneError || textcheck.Hidden(prev, r))
}

// scanText returns the hidden characters of text, as written and as
// escapes in what looks like a double-quoted scalar, in document order,
// and the comments of text.
// It reads YAML's quotes, comments and block scalars from the text
// alone, so that it works on a document that YAML cannot read.
// NOTE: the scan takes a quote or '#' after a space, a tab, '[', '{' or
// ',' at the start of a scalar or comment, and a line more indented than
// a line ending in '|' or '>' for block scalar content. A document can
// fool it, so checkDocument keeps only the escapes that YAML places in a
// double-quoted scalar when it can read the document.
func scanText(text string) ([]hiddenChar, []yamlComment) {
	var s textScanner
	s.line, s.column = 1, 1
	s.blockIndent = -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if s.column == 1 && s.state == outside {
			s.startLine(text[i:])
		}
		switch {
		case r == '\n':
		case r == '\t':
		case r == '\r' && strings.HasPrefix(text[i+size:], "\n"):
			// A CR ends a line only before an LF: alone, it would let what
			// follows print over the line before it.
		case hidden(s.prev, r):
			s.found = append(s.found, hiddenChar{r: r, line: s.line, column: s.column,
				comment: s.state == comment})
		}
		prev := r
		if r == '\\' && s.state == doubleQuoted {
			n, decoded := s.escape(text[i+size:])
			if n > 0 {
				size, prev = size+n, decoded
			}
		} else {
			size += s.next(r, text[i+size:])
		}
		s.prev = prev
		if r == '\n' {
			s.line++
			s.column = 1
		} else {
			s.column++
		}
		i += size
	}
	return s.found, s.comments
}

// scanState is the part of YAML's syntax that a textScanner is in.
type scanState int

const (
	outside scanState = iota
	comment
	doubleQuoted
	singleQuoted
	blockContent
)

// textScanner is the state of scanText.
type textScanner struct {
	found        []hiddenChar
	comments     []yamlComment
	line, column int
	prev         rune
	state        scanState
	// blockIndent is the indentation of the line that starts a block
	// scalar whose content may follow, or -1.
	blockIndent int
	// indent is the indentation of the current line.
	indent int
}

// startLine updates s at the start of a line outside quotes, whose text
// is rest.
func (s *textScanner) startLine(rest string) {
	line, _, _ := strings.Cut(rest, "\n")
	s.indent = len(line) - len(strings.TrimLeft(line, " "))
	if s.blockIndent < 0 {
		return
	}
	if strings.TrimSpace(line) == "" || s.indent > s.blockIndent {
		s.state = blockContent
		return
	}
	s.blockIndent = -1
}

// next moves s past r, which rest follows, and returns the number of
// bytes of rest that r takes with it. That is 1 when r and the next
// character are two single quotes, which escape a quote in a
// single-quoted scalar, and else 0.
func (s *textScanner) next(r rune, rest string) int {
	atStart := s.column == 1 || strings.ContainsRune(" \t[{,", s.prev)
	switch s.state {
	case comment, blockContent:
		if r == '\n' {
			s.state = outside
		}
	case singleQuoted:
		if r == '\'' && strings.HasPrefix(rest, "'") {
			s.column++
			return 1
		}
		if r == '\'' {
			s.state = outside
		}
	case doubleQuoted:
		if r == '"' {
			s.state = outside
		}
	case outside:
		switch {
		case r == '#' && atStart:
			s.state = comment
			text, _, _ := strings.Cut(rest, "\n")
			s.comments = append(s.comments, yamlComment{text: strings.TrimSuffix(text, "\r"),
				line: s.line, column: s.column})
		case r == '"' && atStart:
			s.state = doubleQuoted
		case r == '\'' && atStart:
			s.state = singleQuoted
		case (r == '|' || r == '>') && atStart && blockHeader(rest):
			s.blockIndent = s.indent
		}
	}
	return 0
}

// blockHeader reports whether rest, the text after '|' or '>', is the
// rest of a block scalar's header: indicators, then a comment or nothing.
func blockHeader(rest string) bool {
	line, _, _ := strings.Cut(rest, "\n")
	line = strings.TrimRight(line, "\r")
	indicators := strings.TrimLeft(line, "+-0123456789")
	trimmed := strings.TrimLeft(indicators, " \t")
	return trimmed == "" || (strings.HasPrefix(trimmed, "#") && trimmed != indicators)
}

// yamlEscapes maps the letter of each one-letter escape of YAML 1.2's
// double-quoted scalars to its character.
var yamlEscapes = map[byte]rune{
	'0': 0, 'a': 7, 'b': 8, 't': '\t', '\t': '\t', 'n': '\n', 'v': 11, 'f': 12, 'r': '\r',
	'e': 0x1B, ' ': ' ', '"': '"', '/': '/', '\\': '\\', 'N': 0x85, '_': 0xA0,
	'L': 0x2028, 'P': 0x2029,
}

// escape records the character of the escape whose backslash rest
// follows, in a double-quoted scalar, when it is hidden. It returns the
// number of bytes of rest that the escape takes after the backslash and
// the character. A backslash before a line break, or before what is not
// an escape, takes none, so the scanner reads the line break itself.
func (s *textScanner) escape(rest string) (int, rune) {
	if rest == "" {
		return 0, 0
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[rest[0]]
	var r rune
	size := 1 + digits
	switch {
	case digits > 0:
		if len(rest) < size {
			return 0, 0
		}
		v, err := strconv.ParseUint(rest[1:size], 16, 32)
		if err != nil {
			return 0, 0
		}
		r = rune(v)
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
	default:
		known, ok := yamlEscapes[rest[0]]
		if !ok {
			return 0, 0
		}
		r = known
	}
	if hidden(s.prev, r) {
		s.found = append(s.found, hiddenChar{r: r, line: s.line, column: s.column, escape: true})
	}
	// The characters of the escape count as written, for the column.
	s.column += size
	return size, r
}
