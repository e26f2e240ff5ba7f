package canonical

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// EachString calls fn with the JSON pointer and the value of every string
// in m: in struct fields, slices, arrays, maps and the values pointers
// lead to. When fn returns true, the string is replaced by the value fn
// returned.
func EachString(m *Message, fn func(pointer, s string) (string, bool)) {
	w := stringWalk{fn: fn, pointer: make([]byte, 0, 128)}
	w.walk(reflect.ValueOf(m).Elem())
}

// stringWalk is one EachString call. The pointer of the value being
// walked grows and shrinks in one buffer, and becomes a string only
// when fn receives it.
type stringWalk struct {
	fn      func(pointer, s string) (string, bool)
	pointer []byte
}

func (w *stringWalk) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if out, ok := w.fn(string(w.pointer), v.String()); ok && v.CanSet() {
			v.SetString(out)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			w.walk(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		n := len(w.pointer)
		for i := range v.Len() {
			w.pointer = strconv.AppendInt(append(w.pointer[:n], '/'), int64(i), 10)
			w.walk(v.Index(i))
		}
		w.pointer = w.pointer[:n]
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return
		}
		n := len(w.pointer)
		for _, k := range v.MapKeys() {
			w.pointer = append(append(w.pointer[:n], '/'), escapePointer(k.String())...)
			s := v.MapIndex(k).String()
			if out, ok := w.fn(string(w.pointer), s); ok {
				v.SetMapIndex(k, reflect.ValueOf(out).Convert(v.Type().Elem()))
			}
		}
		w.pointer = w.pointer[:n]
	case reflect.Struct:
		n := len(w.pointer)
		for _, f := range walkedFields(v.Type()) {
			w.pointer = append(append(w.pointer[:n], '/'), f.token...)
			w.walk(v.Field(f.index))
		}
		w.pointer = w.pointer[:n]
	}
}

// walkedField is a struct field that EachString descends into, with its
// JSON pointer token.
type walkedField struct {
	index int
	token string
}

// fieldsByType caches walkedFields by struct type.
var fieldsByType sync.Map // reflect.Type → []walkedField

// walkedFields returns the exported fields of struct type t that JSON
// encodes, each with its escaped JSON name.
func walkedFields(t reflect.Type) []walkedField {
	if fs, ok := fieldsByType.Load(t); ok {
		return fs.([]walkedField)
	}
	var fs []walkedField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, walkedField{index: i, token: escapePointer(name)})
	}
	fieldsByType.Store(t, fs)
	return fs
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// envelopeIDs are the envelope's identifiers, which MaskAadhaarInMessage
// leaves as the sender and the hub wrote them.
//
// NOTE: an Aadhaar number that a sender puts in its message id or reply
// id reaches the destinations in clear. Masking would merge two ids that
// differ in the first eight digits, and rejecting would also reject a
// tenth of ids that end in a 12-digit time.
var envelopeIDs = map[string]bool{
	"/id": true, "/type": true, "/source": true, "/sender_message_id": true,
	"/correlation_id": true, "/case_key": true, "/schema_version": true,
}

// BuildMessageID joins parts with "/" into the sender message id that an
// adapter builds from a document's fields when the document carries no id
// of its own. MaskAadhaarInMessage leaves envelope ids unmasked, so
// BuildMessageID masks each Aadhaar number in a part as MaskAadhaarInText
// masks the fields themselves, then any that the joined id contains
// across parts. The id depends on parts alone, so a resent document
// builds the same id.
func BuildMessageID(parts ...string) string {
	masked := make([]string, len(parts))
	for i, part := range parts {
		masked[i], _ = MaskAadhaarInText(part)
	}
	id, _ := MaskAadhaarInText(strings.Join(masked, "/"))
	return id
}

// recordIDs are the fields beside the envelope's that identify a record
// and that MaskAadhaarAt leaves as the sender wrote them. A passport file
// number is the segment of its case key, the key of the open-request
// claim and the number that the station's report and the status endpoint
// quote. The schema allows 8 to 20 capital letters and digits, so a
// 12-digit file number passes the Aadhaar check digit one time in ten.
var recordIDs = map[string]bool{
	"/verification_request/file_number": true,
	"/verification_report/file_number":  true,
}

// recordNumbers maps the pointer of each identifier that a receiving
// agency matches as written to the field name that CheckRecordNumber
// uses for it. The prison matches its prisoner and booking numbers. The
// prison and the hub's order claims match the court's order number. The
// court matches the final report's number and the station's tracking id.
// The station matches the court's filing number and tracking id.
// MaskAadhaarAt leaves these identifiers alone, because a masked one
// would match no record. The hub rejects one that CheckRecordNumber
// reports, because it may be an Aadhaar number.
var recordNumbers = map[string]string{
	"/prisoner_movement/prisoner/number":         "prisoner number",
	"/prisoner_movement/prisoner/booking_number": "booking number",
	"/court_order/prisoner/number":               "prisoner number",
	"/court_order/prisoner/booking_number":       "booking number",
	"/court_order/number":                        "order number",
	"/chargesheet/report_number":                 "report number",
	"/chargesheet/tracking_id":                   "tracking id",
	"/court_registration/filing_number":          "filing number",
	"/court_registration/tracking_id":            "tracking id",
}

// codeSuffixes are the codes that routes, token scopes and case keys
// compare as written, by the end of their pointer, with the name
// CheckCode gives each. A FIR reference (FIRRef) is at a member named
// fir, or ref in a FIR, wherever a message holds one. A court (Court)
// is at a member named court. A movement's from and to name a prison or
// a court by code. MaskAadhaarAt leaves these codes alone, and the hub
// rejects one that CheckCode reports. The codes that the hub fills in
// itself, such as a verification request's police_station, are not
// among them, because the sender could not correct them.
var codeSuffixes = []struct{ suffix, field string }{
	{"/prisoner/prison_code", "prison code"},
	{"/fir/district", "district code"},
	{"/fir/police_station", "police station code"},
	{"/ref/district", "district code"},
	{"/ref/police_station", "police station code"},
	{"/court/code", "court code"},
}

// codeFields are the codes beside codeSuffixes, by pointer.
var codeFields = map[string]string{
	"/prisoner_movement/from/code":        "from.code",
	"/prisoner_movement/to/code":          "to.code",
	"/verification_report/police_station": "police station code",
}

// codeField returns the name of the code at pointer, and whether
// pointer is one of codeSuffixes or codeFields.
func codeField(pointer string) (string, bool) {
	if field, ok := codeFields[pointer]; ok {
		return field, true
	}
	for _, c := range codeSuffixes {
		if strings.HasSuffix(pointer, c.suffix) {
			return c.field, true
		}
	}
	return "", false
}

// CheckRecordNumbers calls fn with the pointer and the error of each
// value in m that the checks reject. It checks the identifiers that a
// receiver matches as written (see recordNumbers) with CheckRecordNumber.
// It checks the codes that routes and token scopes compare as written
// (see codeSuffixes) with CheckCode.
func CheckRecordNumbers(m *Message, fn func(pointer string, err error)) {
	EachString(m, func(pointer, s string) (string, bool) {
		if field, ok := recordNumbers[pointer]; ok {
			if err := CheckRecordNumber(field, s); err != nil {
				fn(pointer, err)
			}
		}
		if field, ok := codeField(pointer); ok {
			if err := CheckCode(field, s); err != nil {
				fn(pointer, err)
			}
		}
		return "", false
	})
}

// nationalIDToken ends the pointer of an FIR's CCTNS national id
// (FIRRef.NationalID) wherever a message holds a FIRRef, the only
// canonical type with a member of that name. The id names the FIR to
// courts and stations, and its schema allows 12 digits, which pass the
// Aadhaar check digit one time in ten, so MaskAadhaarAt leaves it as a
// record id.
const nationalIDToken = "/national_id"

// MaskAadhaarAt masks s, the string at pointer in a message, as
// MaskAadhaarInText does, unless pointer is one of the envelope's
// identifiers, a passport file number, an FIR's national id, a code
// that codeField names or an identifier token. It reports whether it
// replaced anything, and suits EachString.
func MaskAadhaarAt(pointer, s string) (string, bool) {
	_, code := codeField(pointer)
	if isRecordID(pointer) || code || strings.HasSuffix(pointer, "/token") {
		return "", false
	}
	return MaskAadhaarInText(s)
}

// isRecordID reports whether pointer is one of the envelope's
// identifiers, a passport file number, an identifier in recordNumbers or
// an FIR's national id.
func isRecordID(pointer string) bool {
	_, number := recordNumbers[pointer]
	return envelopeIDs[pointer] || recordIDs[pointer] || number ||
		strings.HasSuffix(pointer, nationalIDToken)
}

// RecordIDs returns the values of m's passport file numbers and FIR
// national ids, the fields that MaskAadhaarAt leaves alone beside the
// envelope's identifiers. Pass them to MaskAadhaarInBody, so that the
// journaled body keeps them too.
func RecordIDs(m *Message) []string {
	var ids []string
	EachString(m, func(pointer, s string) (string, bool) {
		if s != "" && !envelopeIDs[pointer] && isRecordID(pointer) {
			ids = append(ids, s)
		}
		return "", false
	})
	return ids
}

// MaskAadhaarInMessage replaces every Aadhaar number in the text of m by
// its masked form (see MaskAadhaarAt), whichever adapter decoded m, and
// reports whether it replaced any.
func MaskAadhaarInMessage(m *Message) bool {
	masked := false
	EachString(m, func(pointer, s string) (string, bool) {
		out, ok := MaskAadhaarAt(pointer, s)
		masked = masked || ok
		return out, ok
	})
	return masked
}

// CheckIdentifierCharacters returns an error when id, the value of
// field, contains a control character (category Cc) or a character that
// ShowsAsNothing or Reorders reports.
// It is for identifiers that the hub compares for duplicates or that the
// receiver matches as written, such as an order or prisoner number. Two
// such numbers that read alike would otherwise differ. Like the document id check in
// internal/xmlsafe, the error quotes id in ASCII, so the character shows,
// with its Aadhaar numbers masked (QuoteMasked).
func CheckIdentifierCharacters(field, id string) error {
	i := strings.IndexFunc(id, func(r rune) bool {
		return unicode.IsControl(r) || ShowsAsNothing(r) || Reorders(r)
	})
	if i < 0 {
		return nil
	}
	r, _ := utf8.DecodeRuneInString(id[i:])
	effect := "shows as nothing"
	switch {
	case unicode.IsControl(r):
		effect = "is a control character"
	case Reorders(r):
		effect = "reorders the text shown around it"
	}
	return fmt.Errorf("%s %s has U+%04X at byte %d, which %s: send the %s without it",
		field, QuoteMasked(id), r, i, effect, field)
}

// QuoteMasked returns id quoted in ASCII, as strconv.QuoteToASCII writes
// it, with each Aadhaar number in id masked first (MaskAadhaarInIdentifier).
// The masking of error responses and logs reads text, not \u escapes, so
// it would miss a number whose digits or separators the quoting escapes,
// such as 4918 7362 5403 with a word joiner before 5403. It would also
// miss digits joined to letters, as in UT491873625403, which the
// aadhaar-like rule of CheckRecordNumber reports. Every message that
// quotes a record number, a code or an id quotes it with QuoteMasked, so
// each message about one value writes its number alike.
func QuoteMasked(id string) string {
	if masked, ok := MaskAadhaarInIdentifier(id); ok {
		id = masked
	}
	return strconv.QuoteToASCII(id)
}

// MaskAadhaarInIdentifier returns id with each number masked that
// MaskAadhaarInText masks or that AadhaarLike reports, as "XXXXXXXX" and
// its last four digits, and whether it masked any. Unlike
// MaskAadhaarInText it masks digits joined to letters, as in
// UT491873625403, because CheckRecordNumber and CheckCode reject such
// an identifier as one that may contain an Aadhaar number.
func MaskAadhaarInIdentifier(id string) (string, bool) {
	rest, masked := MaskAadhaarInText(id)
	if !masked {
		rest = id
	}
	var out strings.Builder
	for {
		digits, start, end, found := aadhaarLikeRun(rest)
		if !found {
			break
		}
		masked = true
		out.WriteString(rest[:start])
		out.WriteString("XXXXXXXX" + digits[8:])
		rest = rest[end:]
	}
	out.WriteString(rest)
	return out.String(), masked
}

// RuleError is an error with the name of the rule it breaks, as a
// violation reports the rule.
type RuleError struct {
	Rule string
	Err  error
}

// CheckRecordNumberRules checks id, the value of field, an identifier
// that the receiver matches as written, and returns each rule that id
// breaks with its error. The rule is "pattern" when
// CheckIdentifierCharacters rejects id, and RuleAadhaarLike when
// CheckRecordNumber does. Both are returned, in that order, when id
// breaks both, so that the sender learns of both at once. It returns nil
// for an accepted id.
func CheckRecordNumberRules(field, id string) []RuleError {
	var out []RuleError
	if err := CheckIdentifierCharacters(field, id); err != nil {
		out = append(out, RuleError{Rule: "pattern", Err: err})
	}
	if err := CheckRecordNumber(field, id); err != nil {
		out = append(out, RuleError{Rule: RuleAadhaarLike, Err: err})
	}
	return out
}
