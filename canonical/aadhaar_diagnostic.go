package canonical

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskAadhaarInDiagnostic returns s, an error message, a problem detail
// or a log value, with every Aadhaar number masked as MaskAadhaarInText
// masks it, and whether it masked any. It also masks a number that s
// writes with escapes. Such text quotes values with Go's %q or a JSON
// encoder, which write a zero-width space as \u200b, a tag character as
// \U000e0020 and a byte of invalid UTF-8 as \xad. Read as plain text, an
// escape's hex digits touch the digits beside it, so MaskAadhaarInText
// misses the number. The text also quotes paths and query parameters
// that a client encoded twice, which stay percent-escaped, such as %35
// for 5 or %E2%80%8B for a zero-width space, after the server decodes
// them once. So a second pass reads each such escape as the character it
// encodes, also behind extra backslashes or %25, which quoting or
// encoding again adds. It replaces a number, escapes included, by plain
// "XXXXXXXX" and its last four digits.
//
// Where MaskAadhaarInText applies to a message's fields as they are
// stored, this function is for text shown to people: logs, error
// responses and command output.
func MaskAadhaarInDiagnostic(s string) (string, bool) {
	masked, found := MaskAadhaarInText(s)
	if !strings.ContainsAny(masked, `\%`) {
		return masked, found
	}
	masked, escaped := maskAadhaar(masked, diagnosticEscapes, nil)
	return masked, found || escaped
}

// quotedEscape decodes the escape that starts s, a backslash, as Go's
// strconv.Quote or a JSON encoder writes it, behind any number of extra
// backslashes, because quoting text again doubles each backslash.
func quotedEscape(s string) (rune, int, bool) {
	extra := 0
	for extra+1 < len(s) && s[extra+1] == '\\' {
		extra++
	}
	r, size, ok := goEscape(s[extra:])
	if !ok {
		return 0, 0, false
	}
	return r, extra + size, true
}

// goEscape decodes the escape at the start of s, which starts with a
// backslash: a JSON escape, \a, \v, \xXX or \UXXXXXXXX. A byte of
// invalid UTF-8, \x80 to \xff, is read as utf8.RuneError.
func goEscape(s string) (rune, int, bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	switch s[1] {
	case 'a':
		return '\a', 2, true
	case 'v':
		return '\v', 2, true
	case 'x':
		r, ok := hexRune(s[2:], 2)
		if !ok {
			return 0, 0, false
		}
		if r >= utf8.RuneSelf {
			r = utf8.RuneError
		}
		return r, 4, true
	case 'U':
		r, ok := hexRune(s[2:], 8)
		if !ok || r > unicode.MaxRune {
			return 0, 0, false
		}
		return r, 10, true
	}
	return jsonEscapes.backslashEscape(s)
}

// hexRune returns the value of the n hex digits at the start of s.
func hexRune(s string, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	var r rune
	for i := range n {
		v, ok := hexValue(s[i])
		if !ok {
			return 0, false
		}
		r = r<<4 | v
	}
	return r, true
}

// percentEscape decodes the percent-escape that starts s, such as %35,
// and returns its character and length. The bytes of a character beyond
// ASCII are read from consecutive escapes, as %E2%80%8B writes U+200B.
// A byte that starts no valid UTF-8 sequence is read as
// utf8.RuneError.
func percentEscape(s string) (rune, int, bool) {
	first, size, ok := percentByte(s)
	if !ok {
		return 0, 0, false
	}
	if first < utf8.RuneSelf {
		return rune(first), size, true
	}
	buf := []byte{first}
	end := size
	for len(buf) < utf8.UTFMax && !utf8.FullRune(buf) {
		b, n, ok := percentByte(s[end:])
		if !ok {
			break
		}
		buf = append(buf, b)
		end += n
	}
	r, n := utf8.DecodeRune(buf)
	if r == utf8.RuneError || n != len(buf) {
		return utf8.RuneError, size, true
	}
	return r, end, true
}

// percentByte decodes the byte of the percent-escape that starts s. The
// escape may sit behind any number of "25", the hex digits of %, because
// encoding a URL again writes %35 as %2535.
func percentByte(s string) (byte, int, bool) {
	if len(s) < 3 || s[0] != '%' {
		return 0, 0, false
	}
	i := 1
	for strings.HasPrefix(s[i:], "25") && i+4 <= len(s) && isHexByte(s[i+2]) && isHexByte(s[i+3]) {
		i += 2
	}
	v, ok := hexRune(s[i:], 2)
	if !ok {
		return 0, 0, false
	}
	return byte(v), i + 2, true
}

func isHexByte(c byte) bool {
	_, ok := hexValue(c)
	return ok
}
