package textcheck

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	for _, ok := range []string{"", "restore version 3", "റൂട്ട് മാറ്റം", "op-alice (for duty officer)",
		"\u0d2a\u0d4d\u200d\u0d30\u0d24\u0d3f"} {
		if err := Line(ok); err != nil {
			t.Errorf("Line(%q): %v", ok, err)
		}
	}
	bad := map[string]string{
		"routine\nv99 op-alice": "a line feed (U+000A)",
		"\x1b[31mred":           "an escape character (U+001B)",
		"line\rover":            "a carriage return (U+000D)",
		"tab\there":             "a tab (U+0009)",
		"bell\a":                "a control character (U+0007)",
		"C1 \u0085 next line":   "a next-line character (U+0085)",
		"evil\u202etxt.exe":     "U+202E",
		"isolate \u2067 it":     "U+2067",
		"invalid \xff byte":     "UTF-8",
		"line\u2028separator":   "a line separator (U+2028)",
		"mark \u200f here":      "U+200F",
		"\u200b\u200c":          "U+200B",
		"\u3164":                "U+3164",
		"ops-al\u200bice":       "U+200B",
		"soft\u00adhyphen":      "U+00AD",
		" \u00a0":               "no character that shows",
	}
	for s, want := range bad {
		err := Line(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Line(%q) = %v, want an error naming %s", s, err, want)
		}
	}
}

func TestName(t *testing.T) {
	if err := Name("ops-alice"); err != nil {
		t.Errorf("Name(ops-alice): %v", err)
	}
	for _, s := range []string{"  ops-alice ", "ops-alice\t", "\u00a0ops-alice", "ops-al\u200bice"} {
		if err := Name(s); err == nil {
			t.Errorf("Name(%q) = nil, want an error", s)
		}
	}
}
