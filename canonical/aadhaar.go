package canonical

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Verhoeff tables for the Aadhaar check digit (UIDAI uses the Verhoeff
// dihedral-group scheme).
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
		{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
		{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
		{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
		{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// ErrInvalidAadhaar is returned for a value that is not a 12-digit Aadhaar
// number with a valid Verhoeff check digit.
var ErrInvalidAadhaar = errors.New(
	"invalid Aadhaar number: want 12 digits, first not 0 or 1, valid check digit")

// ValidAadhaar reports whether s, with spaces and hyphens removed, is 12
// digits that do not start with 0 or 1 and end in a valid Verhoeff check
// digit.
func ValidAadhaar(s string) bool {
	digits := aadhaarDigits(s)
	if len(digits) != 12 || digits[0] == '0' || digits[0] == '1' {
		return false
	}
	return verhoeffValid(digits)
}

// verhoeffValid reports whether digits, a string of decimal digits, ends
// in a valid Verhoeff check digit.
func verhoeffValid(digits string) bool {
	c := byte(0)
	for i := 0; i < len(digits); i++ {
		d := digits[len(digits)-1-i]
		if d < '0' || d > '9' {
			return false
		}
		c = verhoeffD[c][verhoeffP[i%8][d-'0']]
	}
	return c == 0
}

// aadhaarSeparators removes the spaces and hyphens that group an Aadhaar
// number's digits. A Replacer builds its tables on first use and is safe
// for concurrent use, so one serves every call.
var aadhaarSeparators = strings.NewReplacer(" ", "", "-", "")

func aadhaarDigits(s string) string {
	return aadhaarSeparators.Replace(s)
}

// IsMaskedAadhaar reports whether s has the form MaskAadhaar writes.
func IsMaskedAadhaar(s string) bool {
	if len(s) != 12 || !strings.HasPrefix(s, "XXXXXXXX") {
		return false
	}
	for _, r := range s[8:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MaskAadhaar returns the identifier that replaces the Aadhaar number s.
// Its value keeps only the last four digits ("XXXXXXXX1234"). Its token is
// the hex HMAC-SHA256 of the 12 digits under key, so two records of one
// number match without either containing it.
func MaskAadhaar(s string, key []byte) (Identifier, error) {
	if !ValidAadhaar(s) {
		return Identifier{}, ErrInvalidAadhaar
	}
	digits := aadhaarDigits(s)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(digits))
	return Identifier{
		Type:  IDAadhaar,
		Value: "XXXXXXXX" + digits[8:],
		Token: hex.EncodeToString(mac.Sum(nil)),
	}, nil
}

// MaskAadhaarInText returns s with every Aadhaar number in it replaced by
// its masked form, "XXXXXXXX" and the last four digits, and whether it
// replaced any. A number is twelve ASCII digits in three groups of four,
// the groups joined directly, by one hyphen, dot or slash, or by a run
// of white space, not adjoining an ASCII letter or digit, that pass
// ValidAadhaar. Runs that fail the
// check digit are left as they are: they are not Aadhaar numbers.
func MaskAadhaarInText(s string) (string, bool) {
	var b strings.Builder
	last, masked := 0, false
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || precededByAlnum(s, i) {
			continue
		}
		end, digits, ok := aadhaarRunAt(s, i)
		if !ok || !ValidAadhaar(digits) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString("XXXXXXXX" + digits[8:])
		last, masked = end, true
		i = end - 1
	}
	if !masked {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// aadhaarRunAt reads three groups of four digits starting at s[i], with
// the separators MaskAadhaarInText allows. It returns the end of the run,
// its twelve digits, and false when s[i:] does not start with one or the
// run is followed by another digit.
func aadhaarRunAt(s string, i int) (end int, digits string, ok bool) {
	var b [12]byte
	pos := i
	for group := 0; group < 3; group++ {
		if group > 0 {
			pos = skipSeparator(s, pos)
		}
		for k := 0; k < 4; k++ {
			if pos >= len(s) || !isDigit(s[pos]) {
				return 0, "", false
			}
			b[group*4+k] = s[pos]
			pos++
		}
	}
	if pos < len(s) && isAlnum(s[pos]) {
		return 0, "", false
	}
	return pos, string(b[:]), true
}

// precededByAlnum reports whether s[i] follows an ASCII letter or digit
// that is not the letter of a JSON escape such as \n.
func precededByAlnum(s string, i int) bool {
	if i == 0 || !isAlnum(s[i-1]) {
		return false
	}
	return !(i >= 2 && s[i-2] == '\\' && strings.IndexByte("tnr", s[i-1]) >= 0)
}

// skipSeparator returns the position after the separator at s[pos]: one
// hyphen, dot or slash, or a run of white space, or nothing. The JSON
// escapes \/ and \t, \n and \r count as the characters they stand for,
// so that a journaled JSON body is masked as its decoded text is.
func skipSeparator(s string, pos int) int {
	if pos < len(s) && (s[pos] == '-' || s[pos] == '.' || s[pos] == '/') {
		return pos + 1
	}
	if strings.HasPrefix(s[pos:], `\/`) {
		return pos + 2
	}
	for pos < len(s) {
		if strings.HasPrefix(s[pos:], `\t`) || strings.HasPrefix(s[pos:], `\n`) ||
			strings.HasPrefix(s[pos:], `\r`) {
			pos += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[pos:])
		if !unicode.IsSpace(r) {
			break
		}
		pos += size
	}
	return pos
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAlnum reports whether c is an ASCII letter or digit. A run of digits
// that touches one is part of a longer identifier, such as a CNR
// (KLER250010052025) or a passport file number, not an Aadhaar number.
func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
