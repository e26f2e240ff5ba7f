package textcheck

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Line returns an error unless s is one line of plain text. That is
// UTF-8 without control characters, such as a line break or an escape,
// without the line and paragraph separators U+2028 and U+2029, without
// the characters that reorder the text around them (U+202A to U+202E,
// U+2066 to U+2069, and the marks U+200E, U+200F and U+061C), and, when
// s is not empty, with a character that shows. Other text, printed in a
// terminal or a table, could pass for lines of its own, such as a
// forged history entry, or for nothing at all.
func Line(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	shows := s == ""
	for _, r := range s {
		switch {
		case breaksLine(r):
			return fmt.Errorf("contains the control character %U (a line break, an escape "+
				"or another): write one line of text", r)
		case Reorders(r):
			return fmt.Errorf("contains %U, which reorders the text shown around it", r)
		case unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !blank(r):
			shows = true
		}
	}
	if !shows {
		return errors.New("has no character that shows")
	}
	return nil
}

// Unsafe reports whether Line rejects r wherever it stands: a control
// character, a line or paragraph separator, or one that Reorders.
func Unsafe(r rune) bool { return breaksLine(r) || Reorders(r) }

// breaksLine reports whether r is a control character or the line or
// paragraph separator.
func breaksLine(r rune) bool {
	return unicode.IsControl(r) || r == 0x2028 || r == 0x2029
}

// Reorders reports whether r changes the direction of the text shown
// around it: the embeddings, overrides and isolates U+202A to U+202E
// and U+2066 to U+2069, and the marks U+200E, U+200F and U+061C.
func Reorders(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

// blank reports whether r is a letter or symbol that shows as nothing:
// the Hangul fillers and the blank Braille pattern.
func blank(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800:
		return true
	}
	return false
}
