package verification

import "testing"

func TestNameKeyEquates(t *testing.T) {
	pairs := []struct{ name, a, b string }{
		{"initials and case", "Shibu K. R.", "SHIBU K R"},
		{"initials after", "Shibu K. R.", "K.R. Shibu"},
		{"spaces", "  Shibu   K.R. ", "Shibu K R"},
		{"decomposed Malayalam", "\u0D37\u0D3F\u0D2C\u0D41 \u0D15\u0D46", "ഷിബു കെ"},
		{"vowel sign o composed", "\u0D15\u0D4A", "\u0D15\u0D46\u0D3E"},
		{"atomic chillu and joiner", "ആ\u0D7C", "ആ\u0D30\u0D4D\u200D"},
		{"Devanagari nukta", "\u095B", "\u091C\u093C"},
		{"final sigma", "ΣΟΦΙΑ", "σοφια"},
	}
	for _, p := range pairs {
		if NameKey(p.a) != NameKey(p.b) {
			t.Errorf("%s: NameKey(%q) = %q, NameKey(%q) = %q, want equal",
				p.name, p.a, NameKey(p.a), p.b, NameKey(p.b))
		}
	}
}

func TestNameKeyDistinguishes(t *testing.T) {
	pairs := []struct{ name, a, b string }{
		{"other script", "ഷിബു കെ. ആർ.", "Shibu K. R."},
		{"missing initial", "Shibu K. R.", "Shibu K."},
		{"spelling variant", "Mohammed Ali", "Muhammad Ali"},
	}
	for _, p := range pairs {
		if NameKey(p.a) == NameKey(p.b) {
			t.Errorf("%s: NameKey(%q) = NameKey(%q) = %q, want different",
				p.name, p.a, p.b, NameKey(p.a))
		}
	}
	if got := NameKey(" . "); got != "" {
		t.Errorf("NameKey of punctuation = %q, want empty", got)
	}
}
