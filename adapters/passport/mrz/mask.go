package mrz

import (
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// hasMaskedNumber reports whether s contains a masked number.
func hasMaskedNumber(s string) bool {
	for i := 0; i+12 <= len(s); i++ {
		if canonical.IsMaskedAadhaar(s[i : i+12]) {
			return true
		}
	}
	return false
}

// maskedCheckDigits returns the positions of the check digits over the
// optional data of layout l.
func (l layout) maskedCheckDigits() []pos {
	if l.optionChk.line >= 0 {
		return []pos{l.optionChk, l.composite}
	}
	return []pos{l.composite}
}

// MaskOptionalData returns lines, a zone of one of the formats, with
// each optional data field replaced by what mask returns for its text,
// padded with fillers to the field's width. mask returns the new text
// and whether it changed anything. When it changed a field, the check
// digits over the optional data become '<', as Lines writes them. The
// rest of a long document number that opens the optional data of TD1
// and TD2 is not passed to mask. Changed lines lose the spaces around
// them. MaskOptionalData returns an error when lines match no format or
// when mask returns text longer than its field.
func MaskOptionalData(lines []string, mask func(field string) (string, bool)) ([]string, bool, error) {
	l, err := detect(lines)
	if err != nil {
		return nil, false, err
	}
	out := make([][]byte, len(lines))
	for i, line := range lines {
		out[i] = []byte(strings.Trim(line, " \t\r\n"))
	}
	changed := false
	for _, s := range []span{l.optional, l.optional2} {
		if s.line < 0 {
			continue
		}
		if s == l.optional && l.longNumber && out[l.numberChk.line][l.numberChk.at] == '<' &&
			out[s.line][s.start] != '<' {
			// The optional data follows the rest of the number, its check
			// digit and a filler.
			rest := strings.IndexByte(string(out[s.line][s.start:s.end]), '<')
			if rest < 0 {
				continue
			}
			s.start += rest + 1
		}
		field := string(out[s.line][s.start:s.end])
		masked, ok := mask(field)
		if !ok {
			continue
		}
		if len(masked) > len(field) {
			return nil, false, fmt.Errorf("masking MRZ optional data %q: %q is longer than its %d characters",
				field, masked, len(field))
		}
		copy(out[s.line][s.start:s.end], masked+strings.Repeat("<", len(field)-len(masked)))
		changed = true
	}
	if !changed {
		return lines, false, nil
	}
	for _, at := range l.maskedCheckDigits() {
		out[at.line][at.at] = '<'
	}
	result := make([]string, len(out))
	for i, line := range out {
		result[i] = string(line)
	}
	return result, true, nil
}
