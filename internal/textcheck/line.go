package textcheck

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Line returns an error unless s is one line of plain text. That is
// UTF-8 without control characters, such as a line break or an escape,
// and without the characters that reorder the text around them (U+202A
// to U+202E and U+2066 to U+2069). Other text, printed in a terminal or
// a table, could pass for lines of its own, such as a forged history
// entry.
func Line(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return fmt.Errorf("contains the control character %U (a line break, an escape "+
				"or another): write one line of text", r)
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return fmt.Errorf("contains %U, which reorders the text shown around it", r)
		}
	}
	return nil
}
