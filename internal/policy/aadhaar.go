package policy

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode"

	"github.com/sangam-hub/sangam/canonical"
)

var (
	// tokenPattern is the form of an identifier token: a hex HMAC-SHA256.
	tokenPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// indexPattern matches the element indexes of a concrete path.
	indexPattern = regexp.MustCompile(`\[[0-9]+\]`)
)

// clearRun is the length of a digit run that Apply treats as an Aadhaar
// number in clear: an Aadhaar number has 12 digits and its virtual ID 16.
const clearRun = 12

// aadhaar walks the whole message, before any filtering, and brings
// every Aadhaar identifier to the form a destination may receive. path
// is the concrete path of v, with element indexes, for errors.
func (w *walker) aadhaar(v any, f *field, path string) error {
	switch t := v.(type) {
	case []any:
		for i, e := range t {
			if err := w.aadhaar(e, f, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		if f.typ == identifierType {
			return w.identifier(t, path)
		}
		for key, kv := range t {
			kid, ok := f.kids[key]
			if !ok {
				continue
			}
			if err := w.aadhaar(kv, kid, joinPath(path, key)); err != nil {
				return err
			}
		}
	}
	return nil
}

// identifier checks one identifier and, when it is an Aadhaar number,
// masks its value and drops its token unless the policy names the
// token's path in its allow-list.
func (w *walker) identifier(id map[string]any, path string) error {
	typ, _ := id["type"].(string)
	if !strings.EqualFold(strings.TrimSpace(typ), canonical.IDAadhaar) {
		return nil
	}
	for key, v := range id {
		s, _ := v.(string)
		if key == "token" && tokenPattern.MatchString(s) {
			continue
		}
		if hasDigitRun(s, clearRun) {
			return fmt.Errorf("%s.%s: %w", path, key, ErrClearAadhaar)
		}
	}

	pattern := indexPattern.ReplaceAllString(path, "[]")
	value, _ := id["value"].(string)
	if !canonical.IsMaskedAadhaar(value) {
		masked, ok := maskedAadhaar(value)
		if !ok {
			return fmt.Errorf("%s.value: Aadhaar value has fewer than four digits, "+
				"so it has no masked form", path)
		}
		id["value"] = masked
		w.masked[pattern+".value"] = MaskAadhaar
	}
	if token, ok := id["token"]; ok {
		s, _ := token.(string)
		if !w.c.tokens[pattern+".token"] || !tokenPattern.MatchString(s) {
			delete(id, "token")
			w.removed[pattern+".token"] = true
		}
	}
	return nil
}

// hasDigitRun reports whether s contains n or more digits in a row, where
// spaces, hyphens, dots, slashes and underscores between digits do not
// break the run. Digits of any script count.
func hasDigitRun(s string, n int) bool {
	run := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			run++
			if run >= n {
				return true
			}
		case unicode.IsSpace(r) || strings.ContainsRune("-./_", r):
		default:
			run = 0
		}
	}
	return false
}

// maskedAadhaar returns "XXXXXXXX" and the last four ASCII digits of s,
// and false when s has fewer than four.
func maskedAadhaar(s string) (string, bool) {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	if len(digits) < 4 {
		return "", false
	}
	return "XXXXXXXX" + string(digits[len(digits)-4:]), true
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// aadhaarInCopy does what aadhaar does, on v, a value in a copy of the
// message that the copier made: f is v's field and pattern holds v's path
// in normal form. It returns false, having perhaps changed some
// identifiers, where aadhaar would return an error. pattern is a buffer
// that each call extends and restores, so that only an identifier's path
// becomes a string.
func (w *walker) aadhaarInCopy(v reflect.Value, f *field, pattern *[]byte) bool {
	if !f.identifiers {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer:
		return v.IsNil() || w.aadhaarInCopy(v.Elem(), f, pattern)
	case reflect.Slice, reflect.Array:
		n := len(*pattern)
		*pattern = append(*pattern, "[]"...)
		defer func() { *pattern = (*pattern)[:n] }()
		for i := range v.Len() {
			if !w.aadhaarInCopy(v.Index(i), f, pattern) {
				return false
			}
		}
	case reflect.Struct:
		if f.typ == identifierType {
			return w.identifierInCopy(v, f, string(*pattern))
		}
		n := len(*pattern)
		defer func() { *pattern = (*pattern)[:n] }()
		for _, kid := range f.members {
			*pattern = (*pattern)[:n]
			if n > 0 {
				*pattern = append(*pattern, '.')
			}
			*pattern = append(*pattern, kid.name...)
			if !w.aadhaarInCopy(v.Field(kid.index), kid, pattern) {
				return false
			}
		}
	}
	return true
}

// identifierInCopy does what identifier does, on v, an addressable
// canonical.Identifier whose path in normal form is pattern. A member of
// the identifier that the copy holds empty is one that the JSON form
// leaves out or holds as "", and neither contains a digit.
func (w *walker) identifierInCopy(v reflect.Value, f *field, pattern string) bool {
	id := v.Addr().Interface().(*canonical.Identifier)
	if !strings.EqualFold(strings.TrimSpace(id.Type), canonical.IDAadhaar) {
		return true
	}
	for _, member := range f.members {
		mv := v.Field(member.index)
		if mv.Kind() != reflect.String {
			continue
		}
		s := mv.String()
		if member.name == "token" && isToken(s) {
			continue
		}
		if hasDigitRun(s, clearRun) {
			return false
		}
	}
	if !canonical.IsMaskedAadhaar(id.Value) {
		masked, ok := maskedAadhaar(id.Value)
		if !ok {
			return false
		}
		id.Value = masked
		w.masked[pattern+".value"] = MaskAadhaar
	}
	// Token has omitempty, so the JSON form holds it when it is not empty.
	if id.Token != "" && (!w.c.tokens[pattern+".token"] || !isToken(id.Token)) {
		id.Token = ""
		w.removed[pattern+".token"] = true
	}
	return true
}

// isToken reports whether s matches tokenPattern, without the regular
// expression.
func isToken(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'a' || s[i] > 'f') {
			return false
		}
	}
	return true
}
