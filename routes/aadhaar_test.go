package routes

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadRejectsAadhaarAnywhere puts the Aadhaar-valid number
// 491873625403, in the spellings that canonical.CheckOperatorText
// reports, in each kind of text of problemRoutes. Each occurrence is a
// problem of RuleAadhaarLike at the pointer of its field, and no message
// shows the number in clear.
func TestLoadRejectsAadhaarAnywhere(t *testing.T) {
	cases := map[string]struct {
		old, new string
		want     located
	}{
		"destination name": {"name: ecourts\n", "name: ecourts-4918-7362-5403\n",
			located{"/destinations/0/name", RuleAadhaarLike}},
		"route name": {"name: to-court", "name: to-court-491873625403",
			located{"/routes/0/name", RuleAadhaarLike}},
		"route name, not a valid name": {"name: to-court", `name: "to court 4918 7362 5403"`,
			located{"/routes/0/name", RuleAadhaarLike}},
		"CEL literal": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != "4918 7362 5403"`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"url": {"url: http://127.0.0.1:9/ecf", "url: http://127.0.0.1:9/ecf/4918-7362-5403",
			located{"/destinations/0/url", RuleAadhaarLike}},
		"policy name": {"url: http://127.0.0.1:9/ecf",
			"url: http://127.0.0.1:9/ecf\n    policy: {name: \"desk 4918 7362 5403\", types: [chargesheet]}",
			located{"/destinations/0/policy/name", RuleAadhaarLike}},
		"escaped digits": {"url: http://127.0.0.1:9/ecf", `url: "http://127.0.0.1:9/\x34918 7362 5403"`,
			located{"/destinations/0/url", RuleAadhaarLike}},
		"CEL \\u escape": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != "\u0034918 7362 5403"`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"CEL \\U escape": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != '\U00000034918 7362 5403'`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"CEL \\x escape": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != "\x34918 7362 5403"`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"CEL octal escape": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != """\064918 7362 5403"""`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"CEL bytes literal": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && b"\x34918 7362 5403" != b""`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"CEL escapes, percent-encoded": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != "\x2534918%207362%205403"`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"percent-encoded url": {"url: http://127.0.0.1:9/ecf",
			"url: http://127.0.0.1:9/ecf/%34918%207362%205403",
			located{"/destinations/0/url", RuleAadhaarLike}},
		"percent-encoded condition": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != "%34918%207362%205403"`,
			located{"/routes/0/when", RuleAadhaarLike}},
		"query with plus signs": {"url: http://127.0.0.1:9/ecf",
			"url: http://127.0.0.1:9/ecf?id=4918+7362+5403",
			located{"/destinations/0/url", RuleAadhaarLike}},
		"Devanagari digits": {"name: to-court", "name: \"to-court ४९१८ ७३६२ ५४०३\"",
			located{"/routes/0/name", RuleAadhaarLike}},
		"folded over two lines": {`when: message.type == "chargesheet"`,
			"when: >-\n      message.type == \"chargesheet\" && message.id != \"4918\n      7362 5403\"",
			located{"/routes/0/when", RuleAadhaarLike}},
		"comment after a field": {"name: to-court", "name: to-court # asked by 4918 7362 5403",
			located{"/routes/0/name", RuleAadhaarLike}},
		"comment on its own line": {"routes:\n", "routes:\n  # asked by 4918 7362 5403\n",
			located{"", RuleAadhaarLike}},
		"key": {"agency: police\n", "agency: police\n    x-491873625403: 1\n",
			located{"/destinations/1/XXXXXXXX5403", RuleAadhaarLike}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(problemRoutes, c.old) {
				t.Fatalf("problemRoutes lacks %q", c.old)
			}
			doc := strings.Replace(problemRoutes, c.old, c.new, 1)
			for loader, load := range map[string]func([]byte) error{
				"Load":  func(doc []byte) error { _, err := Load(doc); return err },
				"Parse": func(doc []byte) error { _, err := Parse(doc); return err },
			} {
				err := load([]byte(doc))
				if err == nil {
					t.Fatalf("%s accepted the document", loader)
				}
				if got := locatedProblems(t, err); !slices.Contains(got, c.want) {
					t.Errorf("%s: problems %v, want %v among them", loader, got, c.want)
				}
				if !strings.Contains(err.Error(), "XXXXXXXX5403") {
					t.Errorf("%s: error %q lacks the masked number", loader, err)
				}
				for _, part := range []string{"7362", "७३६२"} {
					if strings.Contains(err.Error(), part) {
						t.Errorf("%s: error shows the number in clear:\n%v", loader, err)
					}
				}
			}
		})
	}
}

func TestLoadRejectsAadhaarInUnreadableDocument(t *testing.T) {
	doc := "destinations: [\n# asked by 4918 7362 5403\nroutes: {\n"
	_, err := Load([]byte(doc))
	if err == nil {
		t.Fatal("Load accepted the document")
	}
	want := located{"", RuleAadhaarLike}
	if got := locatedProblems(t, err); !slices.Contains(got, want) {
		t.Errorf("problems %v, want %v among them", got, want)
	}
	if !strings.Contains(err.Error(), "line 2: ") || strings.Contains(err.Error(), "7362") {
		t.Errorf("error %q, want line 2 and the number masked", err)
	}
}

// TestAadhaarRuleKeepsUndecodedText loads escapes that no reader
// decodes into an Aadhaar number: a CEL raw string, whose backslashes
// are text, and plus signs in a path, where they are not spaces.
func TestAadhaarRuleKeepsUndecodedText(t *testing.T) {
	for name, c := range map[string]struct{ old, new string }{
		"CEL raw string": {`when: message.type == "chargesheet"`,
			`when: message.type == "chargesheet" && message.id != r"\u0034918 7362 5403"`},
		"plus signs in a path": {"url: http://127.0.0.1:9/ecf", "url: http://127.0.0.1:9/4918+7362+5403"},
	} {
		doc := strings.Replace(problemRoutes, c.old, c.new, 1)
		if doc == problemRoutes {
			t.Fatalf("%s: problemRoutes lacks %q", name, c.old)
		}
		if _, err := Load([]byte(doc)); err != nil {
			t.Errorf("%s: Load: %v", name, err)
		}
	}
}

func TestAadhaarRuleKeepsOtherNumbers(t *testing.T) {
	// 491873625404 fails the check digit, and a 16-digit run is no
	// Aadhaar number.
	doc := strings.Replace(problemRoutes, "url: http://127.0.0.1:9/ecf",
		"url: http://127.0.0.1:9/ecf/4918-7362-5404/4918736254031234 # ticket 4918 7362 5404", 1)
	if _, err := Load([]byte(doc)); err != nil {
		t.Errorf("Load: %v", err)
	}
}

// TestRepositoryRoutesHaveNoAadhaar loads the default routes and every
// routes file of the repository, which must pass the rule.
func TestRepositoryRoutesHaveNoAadhaar(t *testing.T) {
	if _, err := Load(DefaultDocument()); err != nil {
		t.Errorf("default routes: %v", err)
	}
	for _, file := range []string{
		"../deploy/routes.example.yaml",
		"../deploy/kubernetes/routes.yaml",
		"../internal/hub/testdata/verification-routes.yaml",
	} {
		doc, err := os.ReadFile(filepath.FromSlash(file))
		if err != nil {
			t.Fatal(err)
		}
		ps, _ := checkDocument(doc)
		for _, p := range ps {
			if p.Rule == RuleAadhaarLike {
				t.Errorf("%s: %v", file, p)
			}
		}
	}
}
