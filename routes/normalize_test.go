package routes

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for name, c := range map[string]struct{ doc, want string }{
		"byte order mark":        {"\uFEFFversion: v1\n", "version: v1\n"},
		"CRLF":                   {"a: 1\r\nb: 2\r\n", "a: 1\nb: 2\n"},
		"both":                   {"\uFEFFa: 1\r\nb: 2\r\n", "a: 1\nb: 2\n"},
		"byte order mark inside": {"a: 1\n\uFEFFb: 2\n", "a: 1\n\uFEFFb: 2\n"},
		"lone CR":                {"a: 1\rb: 2\n", "a: 1\rb: 2\n"},
		"second byte order mark": {"\uFEFF\uFEFFa: 1\n", "\uFEFFa: 1\n"},
		"CR before CRLF":         {"a: 1\r\r\nb: 2\r\n", "a: 1\r\r\nb: 2\n"},
	} {
		if got := string(Normalize([]byte(c.doc))); got != c.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", name, c.doc, got, c.want)
		}
	}
}

// TestNormalizeLeavesTextProblems loads documents that Normalize leaves
// with a byte order mark inside or a CR without an LF: each is a text
// problem on its line.
func TestNormalizeLeavesTextProblems(t *testing.T) {
	for name, c := range map[string]struct{ old, new, message string }{
		"byte order mark inside": {"sends \"", "sends \uFEFF\"", "line 9: contains U+FEFF"},
		"lone CR":                {"    to: [court]\n", "    to: [court]\n\r", "line 12: contains U+000D"},
		"CR before CRLF":         {"    to: [court]\n", "    to: [court]\r\n", "line 11: contains U+000D"},
	} {
		doc := strings.Replace(hiddenRoutes, c.old, c.new, 1)
		_, err := Load(Normalize([]byte(strings.ReplaceAll(doc, "\n", "\r\n"))))
		ps := Problems(err)
		if len(ps) != 1 || ps[0].Rule != RuleText || !strings.HasPrefix(ps[0].Message, c.message) {
			t.Errorf("%s: problems %v, want one text problem starting %q", name, ps, c.message)
		}
	}
}
