package policy

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// datePattern is a calendar date, YYYY-MM-DD, or a year left by an
// earlier year-only mask.
var datePattern = regexp.MustCompile(`^([0-9]{4})(-[0-9]{2}-[0-9]{2})?$`)

// nameParts are the members of a canonical.Name that an initials mask
// shortens. The name's initials and script stay as they are.
var nameParts = []string{"full", "given", "middle", "family"}

// maskValue returns v masked with kind: a text, an array of texts, or,
// for an initials mask, a name object or an array of them. A null stays
// null. Errors name the field path but never the value.
func maskValue(v any, kind MaskKind, path string) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return maskText(t, kind, path)
	case []any:
		for i := range t {
			masked, err := maskValue(t[i], kind, path+"[]")
			if err != nil {
				return nil, err
			}
			t[i] = masked
		}
		return t, nil
	case map[string]any:
		if kind != MaskInitials {
			break
		}
		for _, part := range nameParts {
			if s, ok := t[part].(string); ok {
				t[part] = initials(s)
			}
		}
		return t, nil
	}
	return nil, fmt.Errorf("masking %s with %s: value is a %T, not text", path, kind, v)
}

// maskText returns s masked with kind. An empty text stays empty.
func maskText(s string, kind MaskKind, path string) (string, error) {
	if s == "" {
		return "", nil
	}
	switch kind {
	case MaskLast4:
		return lastFour(s), nil
	case MaskRedact:
		return "REDACTED", nil
	case MaskInitials:
		return initials(s), nil
	case MaskYearOnly:
		m := datePattern.FindStringSubmatch(s)
		if m == nil {
			return "", fmt.Errorf("masking %s with year-only: value is not a date YYYY-MM-DD", path)
		}
		return m[1], nil
	}
	return "", fmt.Errorf("masking %s: unknown mask kind %q", path, kind)
}

// lastFour keeps the last four characters of s and writes X for each
// one before them.
func lastFour(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return s
	}
	return strings.Repeat("X", len(r)-4) + string(r[len(r)-4:])
}

// initials returns the first letter of each word of s, in upper case
// where the script has case, followed by a dot: "Rajan k. Pillai" becomes
// "R. K. P.". Words without a letter are left out.
func initials(s string) string {
	var out []string
	for _, word := range strings.Fields(s) {
		for _, r := range word {
			if unicode.IsLetter(r) {
				out = append(out, string(unicode.ToUpper(r))+".")
				break
			}
		}
	}
	return strings.Join(out, " ")
}
