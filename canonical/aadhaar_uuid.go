package canonical

import (
	"strings"
	"unicode"
)

// uuidLength is the length of a UUID in text: 32 hex digits in groups of
// 8, 4, 4, 4 and 12, joined by hyphens.
const uuidLength = 36

// span is the part s[start:end] of a text.
type span struct{ start, end int }

// contains reports whether s[start:end] lies inside the span.
func (sp span) contains(start, end int) bool {
	return sp.start <= start && end <= sp.end
}

// isUUIDAt reports whether s[pos:] starts with a UUID in its text form:
// hex digits of either case in groups 8-4-4-4-12 joined by hyphens. The
// first digit of the third group, the version, must be 1 to 8, the
// versions that RFC 9562 defines. The first digit of the fourth group
// must be 8, 9, a or b, the variant of RFC 4122 that RFC 9562 keeps
// (the top bits 10, as the Variant method of github.com/google/uuid
// v1.6.0 tests them).
//
// The hub's message and delivery ids are of version 7 and watermill's
// message ids of version 4, all of that variant. Requiring the version
// and the variant keeps masking the digits of text that only has a
// UUID's layout, such as 00000000-4918-7362-5403-000000000000, whose
// fourth group starts with 5.
func isUUIDAt(s string, pos int) bool {
	if len(s)-pos < uuidLength || s[pos+8] != '-' {
		return false
	}
	u := s[pos : pos+uuidLength]
	for i := 0; i < uuidLength; i++ {
		switch i {
		case 8, 13, 18, 23:
			if u[i] != '-' {
				return false
			}
		default:
			if _, ok := hexValue(u[i]); !ok {
				return false
			}
		}
	}
	version, variant := u[14], u[19]
	return version >= '1' && version <= '8' && strings.ContainsRune("89abAB", rune(variant))
}

// uuidAt returns the span of the UUID that starts at s[pos], read with
// the escapes e, when there is one and it is a token of its own. It is
// one when previous, the character before it, and the character after
// it are delimiters (see isUUIDDelimiter). A number whose digits lie
// inside the span is a part of the UUID, not an Aadhaar number.
//
// NOTE: the UUID itself is read as plain ASCII, so a UUID written with
// escapes, such as \u0030 for its first digit, is not one here and its
// digits are masked.
func (e escapes) uuidAt(s string, pos int, previous rune) (span, bool) {
	if !isUUIDAt(s, pos) || !isUUIDDelimiter(previous) {
		return span{}, false
	}
	end := pos + uuidLength
	if end < len(s) {
		if next, _ := e.charAt(s, end); !isUUIDDelimiter(next) {
			return span{}, false
		}
	}
	return span{pos, end}, true
}

// isUUIDDelimiter reports whether r, the character beside a UUID, ends
// the UUID's token: it is neither a letter nor a digit nor a character
// that ShowsAsNothing names, which a reader would not see between the
// UUID and what touches it. The zero rune, the end of a text, is one.
func isUUIDDelimiter(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !ShowsAsNothing(r)
}
