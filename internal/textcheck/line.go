package textcheck

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
)

// Line returns an error unless s is one line of plain text: valid UTF-8
// without control characters, line or paragraph separators (U+2028,
// U+2029), characters that canonical.Reorders names or others that
// Hidden names. A non-empty s
// also needs a character that shows. Other text, printed in a terminal
// or a table, could pass for lines of its own, such as a forged history
// entry, or for nothing at all.
func Line(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	shows := s == ""
	prev := rune(0)
	for _, r := range s {
		switch {
		case breaksLine(r):
			return fmt.Errorf("contains %s (%U): write one line of text", controlName(r), r)
		case canonical.Reorders(r):
			return fmt.Errorf("contains %U, which reorders the text shown around it", r)
		case Hidden(prev, r):
			return fmt.Errorf("contains %U, which shows as nothing, so two texts that print "+
				"alike would differ", r)
		case unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r):
			shows = true
		}
		prev = r
	}
	if !shows {
		return errors.New("has no character that shows")
	}
	return nil
}

// Name returns an error unless s is a name of who acted, such as a
// token's holder: one line of plain text, as Line checks it, without
// white space at either end, which does not show either.
func Name(s string) error {
	if strings.TrimSpace(s) != s {
		return errors.New("starts or ends with white space, which does not show")
	}
	return Line(s)
}

// Unsafe reports whether Line rejects r at any position: a control
// character, a line or paragraph separator, or one that
// canonical.Reorders names.
func Unsafe(r rune) bool { return breaksLine(r) || canonical.Reorders(r) }

// breaksLine reports whether r is a control character or the line or
// paragraph separator.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || r == 0x2028 || r == 0x2029
}

// controlNames names the characters that breaksLine reports which a
// person is likely to have typed or pasted.
var controlNames = map[rune]string{
	'\t':   "a tab",
	'\n':   "a line feed",
	'\r':   "a carriage return",
	0x00:   "a NUL character",
	0x1B:   "an escape character",
	0x85:   "a next-line character",
	0x2028: "a line separator",
	0x2029: "a paragraph separator",
}

// controlName returns the name of r, a character that breaksLine
// reports, for an error message.
func controlName(r rune) string {
	if name, ok := controlNames[r]; ok {
		return name
	}
	return "a control character"
}

// Hidden reports whether r, after prev, changes a text without showing:
// a character that Unsafe or canonical.ShowsAsNothing names. A
// zero-width joiner or non-joiner after a letter or mark of an Indic
// script passes, because it chooses how the letters around it join, as
// Malayalam spelling needs.
func Hidden(prev, r rune) bool {
	if (r == 0x200C || r == 0x200D) && prev >= 0x0900 && prev <= 0x0DFF {
		return false
	}
	return Unsafe(r) || canonical.ShowsAsNothing(r)
}
