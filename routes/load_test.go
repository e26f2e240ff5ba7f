package routes

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestLoadListsEveryProblem(t *testing.T) {
	doc := `
destinations:
  - name: court
    agency: courts
    url: http://127.0.0.1:9/ecf
    max_attempts: 100000000
routes:
  - name: broken
    when: message.type ==
    to: [court]
  - name: unknown-field
    when: message.nosuch == "x"
    to: [court]
`
	_, err := Load([]byte(doc))
	if err == nil {
		t.Fatal("Load accepted a document with three problems")
	}
	for _, want := range []string{"max_attempts", `route "broken"`, `route "unknown-field"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

// fifty is a CEL list literal of 50 numbers.
const fifty = "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29," +
	"30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49]"

// fourLoops nests four loops over fifty around body: 6.25 million
// iterations, since body never ends a loop early.
func fourLoops(body string) string {
	return fifty + ".all(a, " + fifty + ".all(b, " + fifty + ".all(c, " + fifty + ".all(d, " +
		body + "))))"
}

// heavyOnMessage loops over the complainant's names around fourLoops, so
// its cost is unbounded until a message arrives.
var heavyOnMessage = "message.fir.complainant.names.all(n, " + fourLoops("true") + ")"

// firNamed returns an FIR message whose complainant has one name.
func firNamed() canonical.Message {
	return canonical.Message{Type: canonical.TypeFIR, FIR: &canonical.FIR{
		Complainant: canonical.Person{Names: []canonical.Name{{Full: "x"}}}}}
}

func TestConditionCostIsBounded(t *testing.T) {
	doc := func(when string) string {
		return `
destinations:
  - name: court
    agency: courts
    url: http://127.0.0.1:9/ecf
routes:
  - name: heavy
    when: '` + when + `'
    to: [court]
`
	}

	// The literals alone set the cost, so the save rejects it.
	_, err := Load([]byte(doc(fourLoops("true"))))
	if err == nil || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("Load of a condition with 6.25 million iterations: error %v, want the cost limit", err)
	}

	// A loop over the message's own list passes the save, and is
	// stopped at run time when it grows too costly.
	table, err := Load([]byte(doc(heavyOnMessage)))
	if err != nil {
		t.Fatalf("Load of a condition whose cost depends on the message: %v", err)
	}
	m := firNamed()
	decisions := table.Decide(&m)
	if len(decisions) != 1 || decisions[0].Matched || !decisions[0].Failed ||
		!strings.Contains(decisions[0].Reason, "cost") {
		t.Errorf("decisions = %+v, want the route failed on the cost limit", decisions)
	}
}

func TestDestinationPortInRange(t *testing.T) {
	for url, wantErr := range map[string]bool{
		"http://127.0.0.1:99999/x": true,
		"http://127.0.0.1:0/x":     true,
		"http://127.0.0.1:/x":      true,
		"http://:8080/x":           true,
		"http://127.0.0.1:8401/x":  false,
		"https://courts.example/x": false,
	} {
		doc := "destinations:\n  - name: court\n    agency: courts\n    url: " + url +
			"\nroutes:\n  - name: r\n    when: 'true'\n    to: [court]\n"
		_, err := Load([]byte(doc))
		if got := err != nil && strings.Contains(err.Error(), "invalid url"); got != wantErr {
			t.Errorf("url %s: error %v, want a port error: %v", url, err, wantErr)
		}
	}
}

func TestMessageCostBudgetSkipsLaterRoutes(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("destinations:\n  - name: court\n    agency: courts\n    url: http://127.0.0.1:9/ecf\nroutes:\n")
	for i := range 8 {
		fmt.Fprintf(&doc, "  - name: heavy-%d\n    when: '%s'\n    to: [court]\n", i, heavyOnMessage)
	}
	doc.WriteString("  - name: cheap\n    when: message.type == \"fir\"\n    to: [court]\n")
	table, err := Load([]byte(doc.String()))
	if err != nil {
		t.Fatal(err)
	}

	m := firNamed()
	decisions := table.Decide(&m)
	if len(decisions) != 9 {
		t.Fatalf("%d decisions, want 9", len(decisions))
	}

	evaluated := 0
	for _, d := range decisions[:8] {
		if strings.Contains(d.Reason, "cost limit exceeded") {
			evaluated++
		}
	}
	if evaluated != MaxMessageCost/MaxConditionCost {
		t.Errorf("%d heavy conditions ran to the cap, want %d", evaluated, MaxMessageCost/MaxConditionCost)
	}
	if last := decisions[8]; last.Matched || !strings.Contains(last.Reason, "budget") {
		t.Errorf("the route after the budget ran out = %+v, want not evaluated", last)
	}
}

func TestConditionMayNotCallReplace(t *testing.T) {
	for _, when := range []string{
		`message.type.replace("f", "ff") == "ffir"`,
		`message.type.replace("f", "ff", 1) == "ffir"`,
		`[message.type, message.type].join() == "firfir"`,
		`[message.type].join(",") == "fir"`,
		`"%s%s".format([message.type, message.type]) == "firfir"`,
	} {
		doc := "destinations:\n  - name: court\n    agency: courts\n    url: http://127.0.0.1:9/ecf\n" +
			"routes:\n  - name: r\n    when: '" + when + "'\n    to: [court]\n"
		_, err := Load([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "which conditions may not") ||
			strings.Contains(err.Error(), "calls ,") {
			t.Errorf("condition %s: error %v, want the call rejected by name", when, err)
		}
	}
}

func TestLoadRejectsReorderingCharacters(t *testing.T) {
	const doc = "version: v1\ndestinations:\n  - {name: court, agency: courts, url: \"http://127.0.0.1:9/ecf\"}\n" +
		"routes:\n  - name: r\n    when: message.type == \"arrest\" # \u202e\"fir\" == message.type ||\n    to: [court]\n"
	for name, load := range map[string]func([]byte) error{
		"Load":  func(b []byte) error { _, err := Load(b); return err },
		"Parse": func(b []byte) error { _, err := Parse(b); return err },
	} {
		err := load([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "line 6") || !strings.Contains(err.Error(), "U+202E") {
			t.Errorf("%s: %v, want a text problem naming line 6 and U+202E", name, err)
		}
	}
	// Versions stored before the rule still load.
	if _, err := LoadStored([]byte(doc)); err != nil {
		t.Errorf("LoadStored: %v", err)
	}
}

// TestLoadRejectsHiddenCharacters writes characters that show as nothing
// into a condition, raw and as YAML escapes, and control characters as
// escapes into a description: each is rejected with rule text at its
// line. Malayalam spelled with a zero-width joiner loads.
func TestLoadRejectsHiddenCharacters(t *testing.T) {
	doc := func(when, description string) []byte {
		return []byte("version: v1\ndestinations:\n  - {name: court, agency: courts, url: \"http://127.0.0.1:9/ecf\"}\n" +
			"routes:\n  - name: r\n    description: " + description + "\n    when: " + when + "\n    to: [court]\n")
	}
	for name, c := range map[string]struct {
		body []byte
		line string
		char string
	}{
		"zero-width space":          {doc(`message.source == "pol`+"\u200b"+`ice"`, "d"), "line 7", "U+200B"},
		"soft hyphen":               {doc(`message.source == "pol`+"\u00ad"+`ice"`, "d"), "line 7", "U+00AD"},
		"zero-width joiner":         {doc(`message.source == "pol`+"\u200d"+`ice"`, "d"), "line 7", "U+200D"},
		"Hangul filler":             {doc(`message.source == "pol`+"\u3164"+`ice"`, "d"), "line 7", "U+3164"},
		"escaped zero-width space":  {doc(`'message.source == "pol\u200bice"'`, `"d"`), "", ""},
		"escaped in a double quote": {doc(`"message.source == 'pol\u200bice'"`, "d"), "line 7", "U+200B"},
		"escaped escape":            {doc("message.type == 'fir'", `"evil\u001b[31mred"`), "line 6", "U+001B"},
		"escaped reordering":        {doc("message.type == 'fir'", `"evil\u202e"`), "line 6", "U+202E"},
		"escaped NUL":               {doc("message.type == 'fir'", `"evil\u0000"`), "line 6", "U+0000"},
	} {
		_, err := Load(c.body)
		if c.line == "" {
			// In single quotes \u200b is six characters of text, which
			// show as written.
			if err != nil {
				t.Errorf("%s: %v, want the document loaded", name, err)
			}
			continue
		}
		var invalid *InvalidError
		if !errors.As(err, &invalid) || invalid.Problems()[0].Rule != RuleText ||
			!strings.Contains(err.Error(), c.line) || !strings.Contains(err.Error(), c.char) {
			t.Errorf("%s: %v, want a text problem naming %s and %s", name, err, c.line, c.char)
		}
	}

	malayalam := doc(`message.source == "police"`, "\"\u0d2a\u0d4d\u200d\u0d30\u0d24\u0d3f\u0d15\u0d7e\"")
	if _, err := Load(malayalam); err != nil {
		t.Errorf("Malayalam description with a zero-width joiner: %v", err)
	}
}

// TestLoadReportsTextWithOtherProblems loads a document with a zero-width
// space in one route and a call to replace() in another: one error lists
// both, and each line's hidden characters once, written in a block or in
// double quotes.
func TestLoadReportsTextWithOtherProblems(t *testing.T) {
	doc := "destinations:\n  - {name: court, agency: courts, url: \"http://127.0.0.1:9/ecf\"}\n" +
		"routes:\n" +
		"  - name: r\n    when: >-\n      message.source ==\n      \"pol\u200bi\u202ece\u200b\"\n    to: [court]\n" +
		"  - name: s\n    description: \"a\u200bb\"\n    when: 'message.type.replace(\"f\", \"ff\") == \"ffir\"'\n    to: [court]\n"
	_, err := Load([]byte(doc))
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("Load: %v, want an *InvalidError", err)
	}
	var got []string
	for _, p := range invalid.Problems() {
		got = append(got, p.Pointer+" "+p.Rule)
	}
	want := []string{"/routes/0/when text", "/routes/1/description text", "/routes/1/when cel-cost"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q:\n%v", got, want, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "line 7: contains U+200B and U+202E, which show") {
		t.Errorf("error %q does not name both characters of line 7", msg)
	}

	// Parse reports the text problem with those of the rules it checks.
	_, err = Parse([]byte(strings.Replace(doc, "http://127.0.0.1:9/ecf", "ftp://127.0.0.1:9/ecf", 1)))
	if msg := fmt.Sprint(err); !strings.Contains(msg, "U+200B") || !strings.Contains(msg, "/destinations/0/url") {
		t.Errorf("Parse: %v, want the text problem and the url's", err)
	}
}

// TestLoadStopsAtUnreadableText loads documents with a character that
// YAML rejects or reads as a line break, and a route that names a
// missing destination: only the text problem is reported, because the
// lines YAML would read are not those shown.
func TestLoadStopsAtUnreadableText(t *testing.T) {
	for name, char := range map[string]string{
		"escape":         "\x1b",
		"line separator": "\u2028",
		"lone CR":        "\r",
		"invalid UTF-8":  "\xff",
	} {
		doc := "destinations: []\nroutes:\n  - name: r\n    description: a" + char + "b\n" +
			"    when: message.type == 'fir'\n    to: [nowhere]\n"
		_, err := Load([]byte(doc))
		var invalid *InvalidError
		if !errors.As(err, &invalid) {
			t.Errorf("%s: %v, want an *InvalidError", name, err)
			continue
		}
		ps := invalid.Problems()
		if len(ps) != 1 || ps[0].Rule != RuleText || !strings.Contains(ps[0].Message, "line 4") {
			t.Errorf("%s: problems %v, want one text problem on line 4", name, ps)
		}
	}
}

// TestLoadNeedsDestinationsAndRoutes loads a document of a version label
// alone and one cut before its routes: each names what it lacks. Empty
// lists load.
func TestLoadNeedsDestinationsAndRoutes(t *testing.T) {
	for doc, missing := range map[string][]string{
		"version: x\n": {"/destinations", "/routes"},
		"version: x\ndestinations:\n  - {name: court, agency: courts, url: \"http://127.0.0.1:9/ecf\"}\n": {"/routes"},
	} {
		_, err := Load([]byte(doc))
		var invalid *InvalidError
		if !errors.As(err, &invalid) {
			t.Errorf("%q: %v, want missing %v", doc, err, missing)
			continue
		}
		var got []string
		for _, p := range invalid.Problems() {
			if p.Rule == RuleRequired {
				got = append(got, p.Pointer)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(missing) {
			t.Errorf("%q: required problems at %v, want %v", doc, got, missing)
		}
	}
	if _, err := Load([]byte("version: x\ndestinations: []\nroutes: []\n")); err != nil {
		t.Errorf("empty lists: %v", err)
	}
}

// TestLoadRejectsNullDocumentsAndLists loads documents that YAML reads as
// null, and ones whose destinations or routes are null, as a document
// cut short after the key is.
func TestLoadRejectsNullDocumentsAndLists(t *testing.T) {
	for _, doc := range []string{"~\n", "null\n", "---\n", "--- # routes\n...\n",
		"version: x\ndestinations: []\nroutes:\n", "version: x\ndestinations: ~\nroutes: []\n",
		"version: x\ndestinations: []\nroutes:\n  -\n", "version: x\ndestinations: [~]\nroutes: []\n",
		"version: x\ndestinations: []\nroutes: [null]\n"} {
		if _, err := Load([]byte(doc)); err == nil {
			t.Errorf("%q: loaded, want it rejected", doc)
		}
	}
}

// TestLoadLineBreaks loads a document with CRLF line breaks and a byte
// order mark. It rejects one with a CR not followed by LF, after which a
// terminal would print the rest over the line before.
func TestLoadLineBreaks(t *testing.T) {
	const doc = "version: v1\ndestinations:\n  - {name: court, agency: courts, url: \"http://127.0.0.1:9/ecf\"}\n" +
		"routes:\n  - {name: r, when: 'message.type == \"chargesheet\"', to: [court]}\n"
	if _, err := Load([]byte("\uFEFF" + strings.ReplaceAll(doc, "\n", "\r\n"))); err != nil {
		t.Errorf("CRLF and a byte order mark: %v", err)
	}
	_, err := Load([]byte(doc + "  - {name: s, when: 'true', to: [court]}\r# end\n"))
	if err == nil || !strings.Contains(err.Error(), "U+000D") || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("lone CR: %v, want a text problem naming U+000D on line 6", err)
	}
}
