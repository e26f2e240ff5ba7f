package canonical

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
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
// digit. A digit is any Unicode decimal digit (see digitValue), so a
// number written in Devanagari or mixing scripts is read by its values.
func ValidAadhaar(s string) bool {
	digits := aadhaarDigits(s)
	if len(digits) != 12 || digits[0] == '0' || digits[0] == '1' {
		return false
	}
	return verhoeffValid(digits)
}

// RuleAadhaarLike is the violation rule of a FIR's CCTNS national id, or
// of a person's identification of a type other than Aadhaar, that
// CheckNationalID or CheckIdentification rejects. The hub never masks a national id, nor a number
// in an identification that text masking misses, so an Aadhaar number
// there would reach every destination in clear.
const RuleAadhaarLike = "aadhaar-like"

// CheckNationalID returns an error when id, a FIR's CCTNS national id,
// contains a number that CheckRecordNumber reports. CCTNS national FIR
// ids are longer than 12 digits. The error writes the number masked, as
// XXXXXXXX and its last four digits, because it may be an Aadhaar number.
func CheckNationalID(id string) error {
	return aadhaarError("national FIR id", id, "a CCTNS national FIR id is longer, "+
		"so send the FIR's CCTNS national id, or leave it out")
}

// CheckIdentification returns an error when id, the number of a person's
// identification of a type other than Aadhaar, such as a ration card,
// contains a number that CheckRecordNumber reports. The error writes the
// number masked, as CheckNationalID does.
func CheckIdentification(id string) error {
	return aadhaarError("identification", id, "send an Aadhaar number as an identification "+
		"of category Aadhaar, which the hub masks, or leave it out")
}

// CheckRecordNumber returns an error when id, the value of field,
// contains a number that AadhaarLike reports or that MaskAadhaarInText
// would mask. It is for an identifier that the receiving agency matches
// as written, such as a prisoner number or a court order number. Masking such
// an identifier would keep the receiver from matching it. Keeping an
// Aadhaar number in clear would store and forward it, so the hub rejects
// it instead. The error names field and writes the number masked.
func CheckRecordNumber(field, id string) error {
	return aadhaarError(field, id, "the hub neither stores Aadhaar numbers nor alters the "+
		field+", which the receiver matches as written, so send the record's own "+field)
}

// CheckCode returns an error when code, the value of field, is a code
// that routes, token scopes or case keys compare as written, such as a
// prison code or a police station code, and contains a number that
// CheckRecordNumber reports. Masking the code would send the message to
// no destination, or out of its sender's scope, and keeping an Aadhaar
// number in clear would store and forward it, so the hub rejects it.
// The error names field and writes the number masked.
func CheckCode(field, code string) error {
	return aadhaarError(field, code, "the hub neither stores Aadhaar numbers nor alters codes, "+
		"which routes and tokens compare as written, so send the office's own code")
}

// CheckOperatorText returns an error when text contains a number that
// MaskAadhaarInText would mask. Text is the value of field that an
// operator or an administrator writes, such as a token's name, the
// comment of a routes change or a value of the routes document. The hub
// keeps such text as written and shows it in audit lines, the routes
// history, logs and metrics labels, so an Aadhaar number there would
// stay in clear. The error names field and writes the number masked.
//
// It reads text as free text, not as a code. Twelve digits split
// otherwise than in groups of four, as in the file path
// /srv/852035539/002, are not an Aadhaar number here, and neither are
// digits joined to letters, as in a CNR, or the digits of a UUID.
func CheckOperatorText(field, text string) error {
	masked, ok := MaskAadhaarInText(text)
	if !ok {
		return nil
	}
	return aadhaarLikeError{fmt.Sprintf("%s contains %s, which looks like an Aadhaar number "+
		"(12 digits with a valid check digit): the hub keeps and shows this text as written, "+
		"so leave the number out", field, firstMasked(text, masked))}
}

// AadhaarInCode returns the first number in code that CheckCode
// reports, masked as "XXXXXXXX" and its last four digits, and whether
// there is one, for a caller that words its own error.
func AadhaarInCode(code string) (masked string, found bool) {
	return maskedInIdentifier(code)
}

// ErrAadhaarLike matches, with errors.Is, every error of the Check
// functions of this file that reports a number which looks like an
// Aadhaar number, so that a caller can give it the rule RuleAadhaarLike.
var ErrAadhaarLike = errors.New("looks like an Aadhaar number")

// aadhaarLikeError is the error of aadhaarError.
type aadhaarLikeError struct{ message string }

func (e aadhaarLikeError) Error() string { return e.message }

func (e aadhaarLikeError) Is(target error) bool { return target == ErrAadhaarLike }

// aadhaarError returns nil when id, the value of field, contains no
// number that maskedInIdentifier finds. Otherwise it returns an error
// that names field, writes the first such number masked and ends with
// advice. The error matches ErrAadhaarLike.
func aadhaarError(field, id, advice string) error {
	masked, found := maskedInIdentifier(id)
	if !found {
		return nil
	}
	return aadhaarLikeError{fmt.Sprintf("%s contains %s, which looks like an Aadhaar number "+
		"(12 digits with a valid check digit): %s", field, masked, advice)}
}

// maskedInIdentifier returns the first number in id that AadhaarLike
// reports or that MaskAadhaarInText would mask, masked as "XXXXXXXX" and
// its last four digits, and whether there is one.
func maskedInIdentifier(id string) (string, bool) {
	if digits, _, _, found := aadhaarLikeRun(id); found {
		return "XXXXXXXX" + digits[len(digits)-4:], true
	}
	if text, ok := MaskAadhaarInText(id); ok {
		return firstMasked(id, text), true
	}
	return "", false
}

// firstMasked returns the first number that MaskAadhaarInText masked in
// id, as masked writes it. A masked number starts with a digit where
// masked has an X, so it starts where the two texts first differ.
func firstMasked(id, masked string) string {
	i := 0
	for i < len(id) && i < len(masked) && id[i] == masked[i] {
		i++
	}
	return masked[i : i+12]
}

// AadhaarLike reports whether id contains 12 decimal digits, of any
// script, that ValidAadhaar accepts. The digits are a run bounded by the
// ends of id or by characters other than digits, and hyphens, slashes,
// dots, underscores and spaces may separate them. So 4918-7362-5403,
// KL/4918/7362/5403, 32/491873625403 and 491873625403/2025 are, and
// 32/4918/2025/00123 is not, because no run of its digit groups contains
// exactly 12 digits. Neither is a run that lies inside a UUID (see
// uuidAt), as MaskAadhaarInText leaves it too.
func AadhaarLike(id string) bool {
	_, _, _, found := aadhaarLikeRun(id)
	return found
}

// aadhaarLikeRun returns, as ASCII digits, the first 12 digits in id that
// AadhaarLike reports, the byte offsets id[start:end] of the text that
// writes them, separators included, and whether there are any. It splits id into
// groups of digits, and tries each sequence of groups that only
// separators part, that contains 12 digits in all and that does not lie
// inside a UUID (see uuidAt).
func aadhaarLikeRun(id string) (digits string, start, end int, found bool) {
	// digitGroup is a group of digits, id[start:end], as ASCII digits.
	type digitGroup struct {
		start, end int
		digits     string
	}
	var groups []digitGroup // the digit groups of the current run
	var group []byte
	groupStart := 0
	var uuid span
	check := func() (string, int, int, bool) {
		for first := range groups {
			run := ""
			for _, g := range groups[first:] {
				run += g.digits
				if len(run) < 12 {
					continue
				}
				if len(run) == 12 && ValidAadhaar(run) && !uuid.contains(groups[first].start, g.end) {
					return run, groups[first].start, g.end, true
				}
				break
			}
		}
		return "", 0, 0, false
	}
	previous := rune(0)
	for i, r := range id + "x" {
		if i >= uuid.end && i < len(id) {
			if u, ok := textEscapes.uuidAt(id, i, previous); ok {
				uuid = u
			}
		}
		previous = r
		if v := digitValue(r); v >= 0 {
			if len(group) == 0 {
				groupStart = i
			}
			group = append(group, byte('0'+v))
			continue
		}
		if len(group) > 0 {
			groups = append(groups, digitGroup{groupStart, i, string(group)})
			group = group[:0]
		}
		if r == '-' || r == '/' || r == '.' || r == '_' || r == ' ' {
			continue
		}
		if run, start, end, found := check(); found {
			return run, start, end, true
		}
		groups = groups[:0]
	}
	return "", 0, 0, false
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

// aadhaarDigits returns s without the spaces and hyphens that group an
// Aadhaar number's digits, with every decimal digit written as its ASCII
// digit. Other characters are kept, so that the result fails the checks.
func aadhaarDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		if v := digitValue(r); v >= 0 {
			return '0' + rune(v)
		}
		return r
	}, s)
}

// digitValue returns the value of r when it is a decimal digit of any
// script (Unicode category Nd), such as Devanagari '०' through '९' or a
// full-width digit, and -1 otherwise. Unicode encodes the digits of each
// script as a contiguous run from zero to nine, so a digit's value is its
// offset from the zero before it. The package's tests check that the
// ranges of unicode.Nd in the Go release in use are whole runs of ten.
func digitValue(r rune) int {
	// The ASCII case is small enough for the compiler to inline.
	if r < utf8.RuneSelf {
		if r >= '0' && r <= '9' {
			return int(r - '0')
		}
		return -1
	}
	return nonASCIIDigitValue(r)
}

// nonASCIIDigitValue returns digitValue(r) for r of U+0080 or above.
func nonASCIIDigitValue(r rune) int {
	// Masking reads every character of every string, so a letter of the
	// Basic Multilingual Plane is ruled out by one bit.
	if u := uint32(r); u < 0x10000 && bmpDigits[u>>6]&(1<<(u&63)) == 0 {
		return -1
	}
	i, found := slices.BinarySearch(digitZeros, r)
	if !found {
		i--
	}
	if offset := r - digitZeros[i]; offset < 10 {
		return int(offset)
	}
	return -1
}

var (
	// digitZeros are the zeros of unicode.Nd in ascending order.
	digitZeros []rune
	// bmpDigits has bit r set for every decimal digit r below U+10000.
	bmpDigits [0x10000 / 64]uint64
)

func init() {
	add := func(lo, hi rune) {
		for zero := lo; zero <= hi; zero += 10 {
			digitZeros = append(digitZeros, zero)
		}
		for r := lo; r <= hi && r <= 0xFFFF; r++ {
			bmpDigits[r>>6] |= 1 << (r & 63)
		}
	}
	for _, rg := range unicode.Nd.R16 {
		add(rune(rg.Lo), rune(rg.Hi))
	}
	for _, rg := range unicode.Nd.R32 {
		add(rune(rg.Lo), rune(rg.Hi))
	}
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
// Its value keeps only the last four digits ("XXXXXXXX1234"), in ASCII
// whatever script s has them in. Its token is the hex HMAC-SHA256 of the
// 12 digits in ASCII under key, so two records of one number match
// without either containing it, in whichever scripts they write it.
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
// its masked form, "XXXXXXXX" and the last four digits in ASCII, and
// whether it replaced any. A number is twelve decimal digits of any
// script, mixed or not (see digitValue), in three groups of four, the
// groups joined directly or by a separator (see skipSeparator), that
// pass ValidAadhaar. A run that a digit touches is longer than twelve,
// and one that an ASCII letter touches is left as part of a longer
// identifier unless white space or a mark parts each two groups (see
// numberAt). Runs that fail the
// check digit are left as they are: they are not Aadhaar numbers. So
// are runs that lie inside a UUID, such as the hub's delivery id
// 01a24aae-aef9-7ac6-b407-357529373769 (see uuidAt). The
// JSON escapes \/ and \t, \n and \r count as the characters they stand
// for. MaskAadhaarInBody also reads the other escapes.
func MaskAadhaarInText(s string) (string, bool) {
	return maskAadhaar(s, textEscapes, nil)
}

// MaskAadhaarInBody returns body with every Aadhaar number masked as
// MaskAadhaarInText masks it, and whether it masked any, reading body
// both as JSON text and as XML text. In the first reading every JSON
// string escape, such as \u0035, is read as its character. In the second
// every XML character reference, such as &#53; or &#x35;, is. A body
// in either format thus keeps no number that decodes to one in clear.
// A number is replaced, escapes included, by plain "XXXXXXXX" and its
// last four digits. A number whose twelve digits are those of a number
// in one of keep, such as a passport file number or an FIR's national id
// that RecordIDs returns, is left as it is, whatever separates its
// groups in keep.
//
// NOTE: keep spares those digits anywhere in body, in free text too,
// where MaskAadhaarAt masks them in the canonical form.
func MaskAadhaarInBody(body []byte, keep ...string) ([]byte, bool) {
	keep = numbersIn(keep)
	s, jsonMasked := maskAadhaar(string(body), jsonEscapes, keep)
	xmlMasked := false
	// Each reading runs on its own, because an escape of one format is
	// plain text in the other: the JSON string "&#53;586301729436" contains
	// a number in clear that the XML reading joins into thirteen digits.
	if strings.Contains(s, "&#") {
		s, xmlMasked = maskAadhaar(s, xmlEscapes, keep)
	}
	if !jsonMasked && !xmlMasked {
		return body, false
	}
	return []byte(s), true
}

// TrimUnfinishedNumber returns s, text that a length limit cut short,
// without the run at its end that may start an Aadhaar number the cut
// left unfinished, so that no masking can miss its digits. The run
// consists of the characters that runAt reads inside a number: digits,
// white space, marks and characters that ShowsAsNothing names. An
// escape cut short at the very end belongs to it too. s is read once
// with JSON escapes and once with XML character references, as
// MaskAadhaarInBody reads a body, and is returned whole when neither
// reading ends in a run that holds a digit.
func TrimUnfinishedNumber(s string) string {
	cut := len(s)
	for _, e := range []escapes{jsonEscapes, xmlEscapes} {
		cut = min(cut, e.unfinishedRunStart(s))
	}
	return s[:cut]
}

// unfinishedRunStart returns where the run that TrimUnfinishedNumber
// drops starts in s, or len(s) when s ends in no such run.
func (e escapes) unfinishedRunStart(s string) int {
	start, inRun, digit := len(s), false, false
	for pos := 0; pos < len(s); {
		if e.cutShort(s[pos:]) {
			if !inRun {
				start, inRun, digit = pos, true, false
			}
			break
		}
		r, size := e.charAt(s, pos)
		switch {
		case digitValue(r) >= 0, unicode.IsSpace(r), ShowsAsNothing(r), isSeparatorMark(r),
			utf16.IsSurrogate(r):
			// A lone surrogate is the first half of a pair of escapes
			// that the cut may have split.
			if !inRun {
				start, inRun, digit = pos, true, false
			}
			digit = digit || digitValue(r) >= 0
		default:
			inRun = false
		}
		pos += size
	}
	if inRun && digit {
		return start
	}
	return len(s)
}

// cutShort reports whether rest, the end of a text, is the start of an
// escape that e decodes, cut short: a backslash, \u and fewer than four
// hex digits, or &# and a reference without its semicolon.
func (e escapes) cutShort(rest string) bool {
	if e == xmlEscapes {
		if rest == "&" {
			return true
		}
		digits, ok := strings.CutPrefix(rest, "&#")
		return ok && strings.Trim(digits, "0123456789abcdefABCDEFx") == ""
	}
	if rest == `\` {
		return true
	}
	hex, ok := strings.CutPrefix(rest, `\u`)
	return ok && len(hex) < 4 && strings.Trim(hex, "0123456789abcdefABCDEF") == ""
}

// numbersIn returns the twelve digits of each number in values that
// MaskAadhaarInText would mask.
func numbersIn(values []string) []string {
	var out []string
	for _, v := range values {
		textEscapes.eachNumber(v, func(_, _ int, digits string) bool {
			out = append(out, digits)
			return true
		})
	}
	return out
}

// escapes selects the escapes that a masking pass decodes.
type escapes int

const (
	// textEscapes are \t, \n, \r and \/, so that text masking reads a
	// JSON body's separators as its decoded text has them.
	textEscapes escapes = iota
	// jsonEscapes are all JSON string escapes (RFC 8259, section 7).
	jsonEscapes
	// xmlEscapes are XML character references, decimal and hex.
	xmlEscapes
	// diagnosticEscapes are the escapes of Go's strconv.Quote and of
	// JSON encoders, and URL percent-escapes (see
	// MaskAadhaarInDiagnostic).
	diagnosticEscapes
)

// maskAadhaar masks the Aadhaar numbers in s, reading the escapes e,
// except those whose digits are one of keep.
func maskAadhaar(s string, e escapes, keep []string) (string, bool) {
	var b strings.Builder
	last := 0
	e.eachNumber(s, func(start, end int, digits string) bool {
		if slices.Contains(keep, digits) {
			return false
		}
		b.WriteString(s[last:start])
		b.WriteString("XXXXXXXX" + digits[8:])
		last = end
		return true
	})
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// eachNumber calls found with the start, end and twelve ASCII digits of
// each Aadhaar number in s, read with the escapes e: a run that numberAt
// reads, that passes ValidAadhaar and that does not lie inside a UUID
// (see uuidAt). When found returns true, the scan goes on after the
// number, and otherwise after the number's first digit.
func (e escapes) eachNumber(s string, found func(start, end int, digits string) bool) {
	// previous is the character before pos, as decoded.
	previous := rune(0)
	// uuid is the span of the last UUID that starts at or before pos.
	var uuid span
	for pos := 0; pos < len(s); {
		c := s[pos]
		// The hyphen after the first group rules out most positions
		// before the call.
		if pos >= uuid.end && pos+uuidLength <= len(s) && s[pos+8] == '-' {
			if u, ok := e.uuidAt(s, pos, previous); ok {
				uuid = u
			}
		}
		if c < utf8.RuneSelf && !isDigit(c) && c != '\\' && c != '&' && c != '%' {
			previous = rune(c)
			pos++
			continue
		}
		r, size := e.charAt(s, pos)
		if digitValue(r) >= 0 {
			end, digits, ok := e.numberAt(s, pos, previous)
			if ok && ValidAadhaar(digits) && !uuid.contains(pos, end) && found(pos, end, digits) {
				pos, previous = end, rune(digits[11])
				continue
			}
		}
		previous = r
		pos += size
	}
}

// charAt decodes the character at s[pos], which must be in s, and
// returns it with the number of bytes it takes. An escape that e does not
// decode, or an invalid one, is read as its first byte.
func (e escapes) charAt(s string, pos int) (rune, int) {
	switch {
	case s[pos] == '\\' && e != xmlEscapes:
		if r, size, ok := e.backslashEscape(s[pos:]); ok {
			return r, size
		}
		return '\\', 1
	case s[pos] == '&' && e == xmlEscapes:
		if r, size, ok := CharacterReference(s[pos:]); ok {
			return r, size
		}
		return '&', 1
	case s[pos] == '%' && e == diagnosticEscapes:
		if r, size, ok := percentEscape(s[pos:]); ok {
			return r, size
		}
		return '%', 1
	}
	return utf8.DecodeRuneInString(s[pos:])
}

// backslashEscape decodes the JSON escape at the start of s.
func (e escapes) backslashEscape(s string) (rune, int, bool) {
	if e == diagnosticEscapes {
		return quotedEscape(s)
	}
	if len(s) < 2 {
		return 0, 0, false
	}
	switch s[1] {
	case 't':
		return '\t', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case '/':
		return '/', 2, true
	}
	if e != jsonEscapes {
		return 0, 0, false
	}
	switch s[1] {
	case '"', '\\':
		return rune(s[1]), 2, true
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'u':
		r, ok := unicodeEscape(s)
		if !ok {
			return 0, 0, false
		}
		// A character outside the Basic Multilingual Plane, such as a
		// tag character, is written as a surrogate pair of two escapes.
		if utf16.IsSurrogate(r) && len(s) >= 12 && s[6] == '\\' {
			if low, ok := unicodeEscape(s[6:]); ok {
				if pair := utf16.DecodeRune(r, low); pair != unicode.ReplacementChar {
					return pair, 12, true
				}
			}
		}
		return r, 6, true
	}
	return 0, 0, false
}

// unicodeEscape decodes the JSON escape \uXXXX at the start of s, which
// starts with a backslash.
func unicodeEscape(s string) (rune, bool) {
	if len(s) < 6 || s[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		v, ok := hexValue(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | v
	}
	return r, true
}

// CharacterReference decodes the XML character reference, "&#53;" or
// "&#x35;", at the start of s, and returns its code point and length.
// Leading zeros are allowed, as XML allows them, so the reference may be
// of any length. It returns false for a reference above unicode.MaxRune.
func CharacterReference[T string | []byte](s T) (rune, int, bool) {
	if len(s) < 2 || s[0] != '&' || s[1] != '#' {
		return 0, 0, false
	}
	base, pos := rune(10), 2
	if pos < len(s) && s[pos] == 'x' {
		base, pos = 16, 3
	}
	var r rune
	digits := 0
	for ; pos < len(s) && s[pos] != ';'; pos++ {
		v, ok := hexValue(s[pos])
		if !ok || v >= base {
			return 0, 0, false
		}
		if r = r*base + v; r > unicode.MaxRune {
			return 0, 0, false
		}
		digits++
	}
	if pos == len(s) || digits == 0 {
		return 0, 0, false
	}
	return r, pos + 1, true
}

// hexValue returns the value of the hex digit c.
func hexValue(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

// numberAt reads the candidate Aadhaar number that starts at s[pos],
// after the character previous, as runAt reads it. It returns false
// when a digit touches either end of the run, or when an ASCII letter
// does and the groups are joined directly: such digits belong to a
// longer identifier, such as a CNR (KLER250010052025). Groups that
// white space or a mark parts are a number even beside a letter, as in
// UID4918 7362 5403.
func (e escapes) numberAt(s string, pos int, previous rune) (end int, digits string, ok bool) {
	if digitValue(previous) >= 0 {
		return 0, "", false
	}
	end, digits, spaced, ok := e.runAt(s, pos)
	if !ok {
		return 0, "", false
	}
	next := rune(0)
	if end < len(s) {
		next, _ = e.charAt(s, end)
	}
	if digitValue(next) >= 0 {
		return 0, "", false
	}
	if !spaced && (isAlnum(previous) || isAlnum(next)) {
		return 0, "", false
	}
	return end, digits, true
}

// runAt reads three groups of four digits starting at s[pos], with the
// separators MaskAadhaarInText allows between the groups and any
// characters that ShowsAsNothing names between the digits of a group.
// It returns the end of the run, its twelve digits in ASCII, whether
// white space or a mark parts each two groups, and false when s[pos:]
// does not start with one.
func (e escapes) runAt(s string, pos int) (end int, digits string, spaced, ok bool) {
	var b [12]byte
	spaced = true
	for group := 0; group < 3; group++ {
		if group > 0 {
			var visible bool
			pos, visible = e.skipSeparator(s, pos)
			spaced = spaced && visible
		}
		for k := 0; k < 4; k++ {
			if k > 0 {
				pos = e.skipHidden(s, pos)
			}
			if pos >= len(s) {
				return 0, "", false, false
			}
			r, size := e.charAt(s, pos)
			v := digitValue(r)
			if v < 0 {
				return 0, "", false, false
			}
			b[group*4+k] = '0' + byte(v)
			pos += size
		}
	}
	return pos, string(b[:]), spaced, true
}

// maxSeparatorMarks is the most characters other than white space that
// a separator between two groups of an Aadhaar number may have.
const maxSeparatorMarks = 3

// skipSeparator returns the position after the separator at s[pos], or
// pos when there is none, and whether the separator has white space or
// a mark, which shows. A separator is a run of white space and of the
// characters that ShowsAsNothing names, such as a zero-width space or a
// variation selector, which would otherwise hide a number that shows in
// clear, with at most maxSeparatorMarks marks. The marks are dashes of
// any kind (such as an en dash or "--"), the minus sign, dots, slashes,
// commas and underscores.
func (e escapes) skipSeparator(s string, pos int) (int, bool) {
	marks, visible := 0, false
	for pos < len(s) {
		r, size := e.charAt(s, pos)
		switch {
		case ShowsAsNothing(r):
			// It does not show as a mark, however many there are.
		case unicode.IsSpace(r):
			visible = true
		case isSeparatorMark(r) && marks < maxSeparatorMarks:
			marks++
			visible = true
		default:
			return pos, visible
		}
		pos += size
	}
	return pos, visible
}

// skipHidden returns the position after the characters at s[pos] that
// ShowsAsNothing names, or pos when there is none. Such characters
// between the digits of one group leave the number showing in clear.
func (e escapes) skipHidden(s string, pos int) int {
	for pos < len(s) {
		r, size := e.charAt(s, pos)
		if !ShowsAsNothing(r) {
			return pos
		}
		pos += size
	}
	return pos
}

// isSeparatorMark reports whether r is a mark that may join the groups
// of an Aadhaar number beside white space.
func isSeparatorMark(r rune) bool {
	switch r {
	case '.', '/', ',', '_', '\u2212':
		return true
	}
	return unicode.Is(unicode.Pd, r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAlnum reports whether r is an ASCII letter or a decimal digit of any
// script. An unbroken run of digits that touches one is part of a longer
// identifier, such as a CNR (KLER250010052025) or a passport file number,
// not an Aadhaar number.
func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
	}
	return nonASCIIDigitValue(r) >= 0
}
