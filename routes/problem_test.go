package routes

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// located is a problem's pointer and rule.
type located struct{ pointer, rule string }

func (l located) String() string { return fmt.Sprintf("%q %s", l.pointer, l.rule) }

// locatedProblems returns the pointer and rule of each problem of err,
// and fails t unless err is an *InvalidError.
func locatedProblems(t *testing.T, err error) []located {
	t.Helper()
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("error %v (%T) is not an *InvalidError", err, err)
	}
	var out []located
	for _, p := range invalid.Problems() {
		out = append(out, located{p.Pointer, p.Rule})
	}
	return out
}

// problemRoutes has two destinations and two routes, so each case can
// spoil a field whose index is not 0.
const problemRoutes = `
destinations:
  - name: ecourts
    agency: courts
    url: http://127.0.0.1:9/ecf
  - name: cctns
    agency: police
    url: https://127.0.0.1:9/notifications
routes:
  - name: to-court
    when: message.type == "chargesheet"
    to: [ecourts]
  - name: to-police
    when: message.type == "court_registration"
    to: [ecourts, cctns]
`

func TestLoadProblemPointers(t *testing.T) {
	cases := map[string]struct {
		old, new string
		want     []located
	}{
		"invalid url": {"url: http://127.0.0.1:9/ecf", "url: ftp://x",
			[]located{{"/destinations/0/url", RuleURL}}},
		"port out of range": {"url: http://127.0.0.1:9/ecf", "url: http://h:70000/",
			[]located{{"/destinations/0/url", RuleURL}}},
		"credentials in url": {"url: https://127.0.0.1:9/notifications", "url: https://u:pw@h/",
			[]located{{"/destinations/1/url", RuleCredentials}}},
		"ranges": {"agency: police\n", "agency: police\n    max_attempts: 500\n    timeout: 1h\n" +
			"    concurrency: 65\n",
			[]located{{"/destinations/1/concurrency", RuleRange}, {"/destinations/1/max_attempts", RuleRange},
				{"/destinations/1/timeout", RuleRange}}},
		"fractions": {"agency: police\n", "agency: police\n    max_attempts: 0.5\n" +
			"    concurrency: 2.7\n",
			[]located{{"/destinations/1/concurrency", RuleType},
				{"/destinations/1/max_attempts", RuleType}}},
		"missing agency": {"    agency: police\n", "",
			[]located{{"/destinations/1/agency", RuleRequired}}},
		"invalid name": {"name: cctns", "name: CCTNS",
			[]located{{"/destinations/1/name", RuleName}, {"/routes/1/to/1", RuleUnknownDestination}}},
		"duplicate destination": {"name: cctns", "name: ecourts",
			[]located{{"/destinations/1/name", RuleDuplicateName}, {"/routes/1/to/1", RuleUnknownDestination}}},
		"duplicate route": {"name: to-police", "name: to-court",
			[]located{{"/routes/1/name", RuleDuplicateName}}},
		"unknown destination": {"to: [ecourts, cctns]", "to: [ecourts, nowhere]",
			[]located{{"/routes/1/to/1", RuleUnknownDestination}}},
		"no destinations": {"to: [ecourts, cctns]", "to: []",
			[]located{{"/routes/1/to", RuleRequired}}},
		"missing condition": {`when: message.type == "court_registration"`, `when: ""`,
			[]located{{"/routes/1/when", RuleRequired}}},
		"CEL syntax": {`message.type == "court_registration"`, `message.type ==`,
			[]located{{"/routes/1/when", RuleCELSyntax}}},
		"CEL unknown field": {`message.type == "court_registration"`, `message.verdict == "x"`,
			[]located{{"/routes/1/when", RuleCELType}}},
		"CEL not bool": {`message.type == "court_registration"`, `message.type`,
			[]located{{"/routes/1/when", RuleCELType}}},
		"CEL replace": {`message.type == "court_registration"`, `message.type.replace("a", "b") == ""`,
			[]located{{"/routes/1/when", RuleCELCost}}},
		"CEL invalid regular expression": {`message.type == "court_registration"`,
			`message.type.matches("[")`,
			[]located{{"/routes/1/when", RuleCELProgram}}},
		"bearer and basic": {"agency: police\n", "agency: police\n    bearer_token_file: /run/t\n" +
			"    basic_auth: {username: hub, password_file: /run/p}\n",
			[]located{{"/destinations/1", RuleCredentials}}},
		"basic auth without password": {"agency: police\n", "agency: police\n" +
			"    basic_auth: {username: 'a:b'}\n",
			[]located{{"/destinations/1/basic_auth/password_file", RuleRequired},
				{"/destinations/1/basic_auth/username", RuleCredentials}}},
		"relative paths": {"agency: police\n", "agency: police\n    bearer_token_file: token\n" +
			"    tls: {cert_file: c.pem}\n",
			[]located{{"/destinations/1/bearer_token_file", RuleAbsolutePath},
				{"/destinations/1/tls/cert_file", RuleAbsolutePath},
				{"/destinations/1/tls/key_file", RuleRequired}}},
		"tls over http": {"agency: courts\n", "agency: courts\n    tls: {ca_file: /run/ca.pem}\n",
			[]located{{"/destinations/0/tls", RuleCredentials}}},
		"policy": {"agency: police\n", "agency: police\n    policy: {name: p, types: [fir, nope], " +
			"allow: [fir.nothing], mask: [{path: fir.ref, kind: odd}]}\n",
			[]located{{"/destinations/1/policy/allow/0", RulePolicy},
				{"/destinations/1/policy/mask/0/kind", RulePolicy},
				{"/destinations/1/policy/types/1", RulePolicy}}},
		"unknown field": {"agency: police\n", "agency: police\n    max_atempts: 3\n",
			[]located{{"/destinations/1/max_atempts", RuleUnknownField}}},
		"unknown field with a slash": {"agency: police\n", "agency: police\n    a/b~c: 3\n",
			[]located{{"/destinations/1/a~1b~0c", RuleUnknownField}}},
		"version of the wrong type": {"destinations:", "version: [v1]\ndestinations:",
			[]located{{"/version", RuleType}}},
		"invalid duration": {"agency: police\n", "agency: police\n    timeout: 1x\n",
			[]located{{"/destinations/1/timeout", RuleType}}},
		"invalid duration in a flow mapping": {
			"- name: cctns\n    agency: police\n    url: https://127.0.0.1:9/notifications\n",
			"- {name: cctns, agency: police, url: \"https://127.0.0.1:9/notifications\", timeout: 5x}\n",
			[]located{{"/destinations/1/timeout", RuleType}}},
		"empty duration in a flow mapping": {
			"- name: cctns\n    agency: police\n    url: https://127.0.0.1:9/notifications\n",
			"- {name: cctns, agency: police, url: \"https://127.0.0.1:9/notifications\", timeout: \"\"}\n",
			[]located{{"/destinations/1/timeout", RuleType}}},
		"text for a number": {"agency: police\n", "agency: police\n    concurrency: lots\n",
			[]located{{"/destinations/1/concurrency", RuleType}}},
		"object in a list of names": {"to: [ecourts, cctns]", "to: [ecourts, {name: cctns}]",
			[]located{{"/routes/1/to/1", RuleType}}},
		"type problems and others": {"agency: police\n", "agency: [police]\n    max_attempts: many\n" +
			"    timeout: 1h\n",
			[]located{{"/destinations/1/agency", RuleType}, {"/destinations/1/max_attempts", RuleType},
				{"/destinations/1/timeout", RuleRange}}},
		"item left out": {"to: [ecourts, cctns]", "to: [{name: cctns}, nowhere]",
			[]located{{"/routes/1/to/0", RuleType}}},
		"duplicate key": {"agency: police\n", "agency: police\n    agency: courts\n",
			[]located{{"/destinations/1/agency", RuleYAML}}},
		"duplicate key at the top": {"routes:", "version: a\nversion: b\nroutes:",
			[]located{{"/version", RuleYAML}}},
		"not a mapping": {problemRoutes, "- a\n- b\n",
			[]located{{"", RuleType}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(problemRoutes, tc.old, tc.new, 1)
			if doc == problemRoutes {
				t.Fatalf("the document lacks %q", tc.old)
			}
			_, err := Load([]byte(doc))
			got := locatedProblems(t, err)
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems = %v, want %v\n%v", got, tc.want, err)
			}
		})
	}
}

func TestLoadYAMLSyntaxProblem(t *testing.T) {
	_, err := Load([]byte(problemRoutes + "  - name: [\n"))
	got := locatedProblems(t, err)
	if want := []located{{"", RuleYAML}}; !slices.Equal(got, want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
	msg := Problems(err)[0].Message
	if !strings.Contains(msg, "line 16") {
		t.Errorf("message %q does not give the line of the error, 16", msg)
	}
}

func TestProblemMessagesNameEntry(t *testing.T) {
	doc := strings.Replace(problemRoutes, "url: http://127.0.0.1:9/ecf", "url: ftp://x", 1)
	doc = strings.Replace(doc, "to: [ecourts, cctns]", "to: [ecourts, nowhere]", 1)
	_, err := Load([]byte(doc))
	ps := Problems(err)
	want := []Problem{
		{"/destinations/0/url", RuleURL,
			`destination "ecourts": invalid url "ftp://x": want an absolute http or https URL`},
		{"/routes/1/to/1", RuleUnknownDestination, `route "to-police": unknown destination "nowhere"`},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("problems = %v, want %v", ps, want)
	}
}

func TestInvalidErrorListsProblemPerLine(t *testing.T) {
	err := Invalid(
		Problem{"/destinations/0/url", RuleURL, `destination "a": invalid url "ftp://x"`},
		Problem{"", RuleYAML, "parsing routes: yaml: line 2: mapping values are not allowed"},
	)
	want := "parsing routes: yaml: line 2: mapping values are not allowed (yaml)\n" +
		`/destinations/0/url: destination "a": invalid url "ftp://x" (url)`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if Invalid() != nil {
		t.Error("Invalid() of no problems is not nil")
	}
}

func TestProblemsFindsWrappedErrors(t *testing.T) {
	first := Invalid(Problem{"/routes/0/when", RuleCELSyntax, "a"})
	second := Invalid(Problem{"/destinations/1/bearer_token_file", RuleFile, "b"})
	err := fmt.Errorf("saving: %w", errors.Join(first, errors.New("other"), second))
	got := Problems(err)
	if len(got) != 2 {
		t.Fatalf("Problems = %v, want the problems of both errors", got)
	}
	if got[0].Rule != RuleFile {
		t.Errorf("Problems[0] = %v, want the destination's %s first", got[0], RuleFile)
	}
	if got[1].Rule != RuleCELSyntax {
		t.Errorf("Problems[1] = %v, want the route's %s", got[1], RuleCELSyntax)
	}
	if Problems(errors.New("plain")) != nil {
		t.Error("Problems of an error without problems is not nil")
	}
}

func TestLoadSortsProblemsByPointer(t *testing.T) {
	var b strings.Builder
	b.WriteString("destinations:\n")
	for i := range 11 {
		fmt.Fprintf(&b, "  - {name: d%d, agency: police, url: \"http://127.0.0.1:9/%d\"}\n", i, i)
	}
	doc := b.String() + "routes:\n  - {name: r, when: \"true\", to: [d0, nowhere]}\n"
	// Validation finds the route's unknown destination, and the compiling
	// of policies after it the invalid policies of destinations 10 and 2.
	doc = strings.Replace(doc, `/10"}`, `/10", policy: {name: p, types: [nope]}}`, 1)
	doc = strings.Replace(doc, `/2"}`, `/2", policy: {name: p, types: [nope]}}`, 1)
	_, err := Load([]byte(doc))
	got := locatedProblems(t, err)
	want := []located{{"/destinations/2/policy/types/0", RulePolicy},
		{"/destinations/10/policy/types/0", RulePolicy}, {"/routes/0/to/1", RuleUnknownDestination}}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %v, want %v\n%v", got, want, err)
	}
}

func TestProblemsSortsJoinedErrors(t *testing.T) {
	err := errors.Join(
		Invalid(Problem{"/routes/0/to", RuleRouteEncoding, "a"}),
		Invalid(Problem{"/destinations/10/url", RuleURL, "b"}, Problem{"/destinations/2/url", RuleURL, "c"}),
	)
	var got []string
	for _, p := range Problems(err) {
		got = append(got, p.Pointer)
	}
	want := []string{"/destinations/2/url", "/destinations/10/url", "/routes/0/to"}
	if !slices.Equal(got, want) {
		t.Errorf("pointers = %v, want %v", got, want)
	}
}

func TestCheckAgenciesPointers(t *testing.T) {
	doc := "agencies:\n  - name: police\n  - name: nosuch\n" + problemRoutes
	c, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := locatedProblems(t, c.CheckAgencies([]string{"courts"}))
	want := []located{{"/agencies/1/name", RuleUnknownAgency}, {"/agencies/0/name", RuleUnknownAgency},
		{"/destinations/1/agency", RuleUnknownAgency}}
	slices.SortFunc(got, func(a, b located) int { return strings.Compare(a.pointer, b.pointer) })
	slices.SortFunc(want, func(a, b located) int { return strings.Compare(a.pointer, b.pointer) })
	if !slices.Equal(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}

func TestParseKeepsDecodedDocument(t *testing.T) {
	doc := strings.Replace(problemRoutes, "agency: police\n", "agency: police\n    timeout: 1x\n", 1)
	c, err := Parse([]byte(doc))
	if got := locatedProblems(t, err); !slices.Equal(got, []located{{"/destinations/1/timeout", RuleType}}) {
		t.Errorf("problems = %v, want the timeout's", got)
	}
	if len(c.Destinations) != 2 || c.Destinations[1].Agency != "police" {
		t.Errorf("Parse returned %+v, want the decoded destinations", c.Destinations)
	}
}

func TestTypeErrorsNameNoGoTypes(t *testing.T) {
	doc := strings.Replace(problemRoutes, "agency: police\n", "agency: police\n    max_atempts: 3\n", 1)
	_, err := Load([]byte(doc))
	if err == nil {
		t.Fatal("Load accepted an unknown field")
	}
	if msg := err.Error(); !strings.Contains(msg, `line 8: unknown field "max_atempts"`) ||
		strings.Contains(msg, "routes.Destination") {
		t.Errorf("error %q, want the unknown field by line and name, without the Go type", msg)
	}
}

func TestEmptyDocumentSaysEmpty(t *testing.T) {
	for _, doc := range []string{"", "# routes to come\n", "\n\n"} {
		_, err := Load([]byte(doc))
		problems := Problems(err)
		if len(problems) != 1 || problems[0].Rule != RuleYAML ||
			!strings.Contains(problems[0].Message, "the routes document is empty") {
			t.Errorf("%q: problems = %v, want one saying the document is empty", doc, problems)
		}
	}
}

func TestSecondDocumentRejected(t *testing.T) {
	first := string(DefaultDocument())
	if _, err := Load([]byte("---\n" + first)); err != nil {
		t.Fatalf("Load rejected one document that starts with ---: %v", err)
	}
	for name, doc := range map[string]string{
		"valid second":  first + "---\n" + first,
		"broken second": first + "---\nroutes: [oops\n",
	} {
		problems := Problems(func() error { _, err := Load([]byte(doc)); return err }())
		if len(problems) != 1 || problems[0].Rule != RuleYAML ||
			!strings.Contains(problems[0].Message, "more than one YAML document") {
			t.Errorf("%s: problems = %v, want one saying there is more than one document", name, problems)
		}
	}
}

func TestDocumentNotMappingNamesNoGoType(t *testing.T) {
	for doc, kind := range map[string]string{"- a\n- b\n": "a list", "just text\n": "a text"} {
		_, err := Load([]byte(doc))
		problems := Problems(err)
		if len(problems) != 1 || !strings.Contains(problems[0].Message,
			"the routes document must be a mapping with agencies, destinations and routes, not "+kind) {
			t.Errorf("%q: problems = %v, want one saying the document is %s", doc, problems, kind)
		}
		if strings.Contains(err.Error(), "routes.Config") {
			t.Errorf("%q: error names a Go type: %v", doc, err)
		}
	}
}

func TestSharedQueueRejected(t *testing.T) {
	doc := func(second string) string {
		return `destinations:
  - {name: recv-a, agency: police, url: "http://127.0.0.1:9/a", concurrency: 2}
  - {name: ` + second + `, agency: police, url: "http://127.0.0.1:9/b", concurrency: 1}
routes:
  - {name: r, when: "true", to: [recv-a]}
`
	}
	for _, name := range []string{"recv-a.1", "recv-a_1"} {
		problems := Problems(func() error { _, err := Load([]byte(doc(name))); return err }())
		if len(problems) != 1 || problems[0].Rule != RuleSharedQueue ||
			problems[0].Pointer != "/destinations/1/name" ||
			!strings.Contains(problems[0].Message, `destination "recv-a"`) {
			t.Errorf("destination %s: problems = %v, want one %s at /destinations/1/name naming recv-a",
				name, problems, RuleSharedQueue)
		}
	}
	for _, name := range []string{"recv-a.2", "recv-a_2", "recv-b"} {
		if _, err := Load([]byte(doc(name))); err != nil {
			t.Errorf("destination %s: %v, want no shared queue with recv-a's two", name, err)
		}
	}
}

func TestTypeProblemMessages(t *testing.T) {
	cases := map[string]struct{ old, new, pointer, message string }{
		"text for a number": {"agency: police\n", "agency: police\n    max_attempts: 0x\n",
			"/destinations/1/max_attempts", `max_attempts: want a whole number, not a text "0x"`},
		"long text for a number": {"agency: police\n", "agency: police\n    concurrency: four or five\n",
			"/destinations/1/concurrency", `concurrency: want a whole number, not a text "four or five"`},
		"list for a text": {"agency: police\n", "agency: [police]\n",
			"/destinations/1/agency", "agency: want a text, not a list"},
		"mapping in a list of names": {"to: [ecourts, cctns]", "to: [ecourts, {name: cctns}]",
			"/routes/1/to/1", "to item 1: want a text, not a mapping"},
		"text for true or false": {"agency: police\n", "agency: police\n    retries: sometimes\n",
			"/destinations/1/retries", `retries: want true or false, not a text "sometimes"`},
		"unknown field": {"agency: police\n", "agency: police\n    timout: 5s\n",
			"/destinations/1/timout", `unknown field "timout": did you mean "timeout"?`},
		"unknown field of a route": {"to: [ecourts, cctns]", "too: [ecourts, cctns]",
			"/routes/1/too", `unknown field "too": did you mean "to"?`},
		"unknown field of a policy": {"agency: police\n", "agency: police\n    policy: {name: p, tpyes: [fir]}\n",
			"/destinations/1/policy/tpyes", `unknown field "tpyes": did you mean "types"?`},
		"unknown field far from any": {"agency: police\n", "agency: police\n    colour: red\n",
			"/destinations/1/colour", `unknown field "colour"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(problemRoutes, tc.old, tc.new, 1)
			if doc == problemRoutes {
				t.Fatalf("the document lacks %q", tc.old)
			}
			_, err := Load([]byte(doc))
			i := slices.IndexFunc(Problems(err), func(p Problem) bool { return p.Pointer == tc.pointer })
			if i < 0 {
				t.Fatalf("no problem at %s:\n%v", tc.pointer, err)
			}
			msg := Problems(err)[i].Message
			if !strings.HasSuffix(msg, tc.message) {
				t.Errorf("message %q, want it to end with %q", msg, tc.message)
			}
			if !strings.HasPrefix(msg, "parsing routes: line ") {
				t.Errorf("message %q does not give the line", msg)
			}
		})
	}
}
