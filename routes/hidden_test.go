package routes

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// hiddenRoutes is a valid routes document of 12 lines, for the text
// rule's tests to break.
const hiddenRoutes = "version: v1\n" +
	"destinations:\n" +
	"  - name: court\n" +
	"    agency: courts\n" +
	"    url: \"http://127.0.0.1:9/ecf\"\n" +
	"routes:\n" +
	"  - name: r\n" +
	"    description: |\n" +
	"      sends \"charge sheets\" # to the court\n" +
	"    when: message.type == 'chargesheet'\n" +
	"    to: [court]\n" +
	"# end of routes\n"

// textProblemsOf loads doc and returns its text problems as pointer and
// message.
func textProblemsOf(t *testing.T, doc string) []Problem {
	t.Helper()
	_, err := Load([]byte(doc))
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Load: %v, want an *InvalidError", err)
	}
	var out []Problem
	for _, p := range invalid.Problems() {
		if p.Rule == RuleText {
			out = append(out, p)
		}
	}
	return out
}

func TestTextProblemsAllAtOnce(t *testing.T) {
	// A raw U+200B in the condition, an escaped U+202E in the quoted url
	// and a U+2028, which YAML reads as a line break, in a comment.
	doc := strings.Replace(hiddenRoutes, "ecf\"", "ecf\\u202e\"", 1)
	doc = strings.Replace(doc, "== 'charge", "== 'charge\u200b", 1)
	doc = strings.Replace(doc, "# end of", "# end\u2028of", 1)
	got := textProblemsOf(t, doc)
	if len(got) != 3 {
		t.Fatalf("text problems %v, want 3", got)
	}
	// Problems are sorted by pointer, and the comment on a line of its
	// own has the document's, "".
	want := []struct{ pointer, line, char string }{
		{"", "line 12:", "U+2028"},
		{"/destinations/0/url", "line 5:", "U+202E"},
		{"/routes/0/when", "line 10:", "U+200B"},
	}
	for i, w := range want {
		if got[i].Pointer != w.pointer {
			t.Errorf("problem %d: pointer %q, want %q", i, got[i].Pointer, w.pointer)
		}
		if !strings.HasPrefix(got[i].Message, w.line) {
			t.Errorf("problem %d: message %q, want it to start with %q", i, got[i].Message, w.line)
		}
		if !strings.Contains(got[i].Message, w.char) {
			t.Errorf("problem %d: message %q does not name %s", i, got[i].Message, w.char)
		}
	}
}

func TestTextProblemsInLineOrder(t *testing.T) {
	// Lines 3 and 12 have a raw character and line 5 an escape. The
	// comment after the name is the name's.
	doc := strings.Replace(hiddenRoutes, "ecf\"", "ecf\\u200b\"", 1)
	doc = strings.Replace(doc, "name: court", "name: court # \u202e", 1)
	doc = strings.Replace(doc, "\n# end of", "\n#\u200b end of", 1)
	pointersAndLines := func(ps []Problem) []string {
		var out []string
		for _, p := range ps {
			line, _, _ := strings.Cut(p.Message, ":")
			out = append(out, p.Pointer+" "+line)
		}
		return out
	}
	got := pointersAndLines(textProblemsOf(t, doc))
	want := []string{" line 12", "/destinations/0/name line 3", "/destinations/0/url line 5"}
	if !slices.Equal(got, want) {
		t.Errorf("text problems at %q, want %q", got, want)
	}

	// A document that YAML cannot read has no pointers, so its text
	// problems are in line order alone.
	doc = strings.Replace(doc, "to: [court]", "to: [court", 1)
	got = pointersAndLines(textProblemsOf(t, doc))
	want = []string{" line 3", " line 5", " line 12"}
	if !slices.Equal(got, want) {
		t.Errorf("unreadable document: text problems at %q, want %q", got, want)
	}
}

func TestTextProblemsWithoutYAML(t *testing.T) {
	// A syntax error on line 11 stops YAML, so the escapes are found in
	// the text: in double quotes but not in single quotes, a comment or
	// a block scalar.
	doc := strings.Replace(hiddenRoutes, "ecf\"", "ecf\\u202e\\x00\"", 1)
	doc = strings.Replace(doc, "charge sheets", "charge\\u200b sheets", 1)
	doc = strings.Replace(doc, "'chargesheet'", "'charge''s\\u200bheet'", 1)
	doc = strings.Replace(doc, "# end of", "# \"\\u200b\" end of", 1)
	doc = strings.Replace(doc, "to: [court]", "to: [court", 1)
	_, err := Load([]byte(doc))
	ps := Problems(err)
	var rules []string
	for _, p := range ps {
		rules = append(rules, p.Pointer+" "+p.Rule)
	}
	if want := []string{" yaml", " text"}; !slices.Equal(rules, want) {
		t.Fatalf("problems %q, want %q:\n%v", rules, want, err)
	}
	if msg := ps[1].Message; !strings.HasPrefix(msg, "line 5: contains U+202E and U+0000,") {
		t.Errorf("text problem %q, want line 5 with U+202E and U+0000", msg)
	}
}

func TestTextProblemsBlockScalarEscape(t *testing.T) {
	// A block scalar keeps \u200b as six characters of text, which show as
	// written, even after a quote.
	doc := strings.Replace(hiddenRoutes, "charge sheets", "charge\\u200b sheets", 1)
	if _, err := Load([]byte(doc)); err != nil {
		t.Errorf("Load: %v, want the document loaded", err)
	}
}

func TestTextProblemsCRLFAndLoneCR(t *testing.T) {
	// With CRLF line breaks, the lone CR in the condition still gets the
	// pointer of its field.
	doc := strings.Replace(hiddenRoutes, "== 'charge", "== 'charge\r", 1)
	got := textProblemsOf(t, strings.ReplaceAll(doc, "\n", "\r\n"))
	if len(got) != 1 {
		t.Fatalf("text problems %v, want 1", got)
	}
	if got[0].Pointer != "/routes/0/when" {
		t.Errorf("pointer %q, want /routes/0/when", got[0].Pointer)
	}
	if !strings.HasPrefix(got[0].Message, "line 10: contains U+000D") {
		t.Errorf("message %q, want line 10 and U+000D", got[0].Message)
	}
}
