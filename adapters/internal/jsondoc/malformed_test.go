package jsondoc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/schemas"
)

// newJSONAdapters returns the adapters that read JSON bodies.
func newJSONAdapters(t *testing.T) []adapters.Adapter {
	t.Helper()
	policeAdapter, err := police.New(police.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	passportAdapter, err := passport.New(passport.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	prisonsAdapter, err := prisons.New(prisons.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatal(err)
	}
	return []adapters.Adapter{policeAdapter, passportAdapter, prisonsAdapter}
}

// TestMalformedBodyWording decodes bodies that are not one JSON object
// with every JSON adapter. Each error must name the offset of the byte at
// fault, the same in every adapter, and tell an empty body from one cut
// short.
func TestMalformedBodyWording(t *testing.T) {
	jsonAdapters := newJSONAdapters(t)
	const (
		cut   = "the body ends before the JSON object does"
		empty = "the body is empty"
	)
	cases := []struct {
		name, body, offset, want string
	}{
		{"cut after a member", `{"message_id": "X", "document_type": "fir"`, "at byte 42", cut},
		{"cut after a comma", `{"message_id": "X",`, "at byte 19", cut},
		{"cut in a string", `{"a": "abc`, "at byte 10", cut},
		{"cut in an array", `{"a": [1, 2`, "at byte 11", cut},
		{"only a brace", `{`, "at byte 1", cut},
		{"empty", ``, "at byte 0", empty},
		{"two commas", `{"a":1,,}`, "at byte 7", "invalid character ','"},
		{"cut literal", `{"a":tru}`, "at byte 8", "invalid character '}'"},
		{"bad escape", `{"a":"x\q"}`, "at byte 8", "invalid character 'q'"},
		{"comma before a bracket", `{"a":[1,]}`, "at byte 8", "invalid character ']'"},
		{"second object", `{"a":1} {"b":2}`, "at byte 8", "unexpected data after the JSON object"},
		{"cut literal at the start", `nul`, "at byte 0", "the body is not a JSON object"},
		{"array after spaces", `  [`, "at byte 2", "the body is not a JSON object"},
		{"string", `"str`, "at byte 0", "the body is not a JSON object"},
		{"whitespace", " \n\t", "at byte 3", empty},
	}
	for _, adapter := range jsonAdapters {
		for _, tc := range cases {
			t.Run(adapter.Agency()+"/"+tc.name, func(t *testing.T) {
				_, err := adapter.Decode([]byte(tc.body), "application/json")
				if !errors.Is(err, adapters.ErrMalformed) {
					t.Fatalf("error = %v, want ErrMalformed", err)
				}
				msg := err.Error()
				if !strings.Contains(msg, "invalid JSON "+tc.offset) {
					t.Errorf("error %q does not name %q", msg, tc.offset)
				}
				if !strings.Contains(msg, tc.want) {
					t.Errorf("error %q does not contain %q", msg, tc.want)
				}
				if tc.want == cut && strings.Contains(msg, empty) {
					t.Errorf("error %q calls a cut body empty", msg)
				}
			})
		}
	}
}

// TestDeepNestingSameInEveryAdapter decodes bodies nested deeper than
// jsondoc.MaxDepth with every JSON adapter: within the 10,000 levels
// that encoding/json decodes, past them, and cut short inside the deep
// levels. Each gets one nesting violation at the first value nested too
// deep, the same in every adapter, and none is malformed.
func TestDeepNestingSameInEveryAdapter(t *testing.T) {
	const valueTooDeep = "/a/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0"
	cases := map[string]string{
		"20 levels":      `{"a": ` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `}`,
		"20,000 levels":  `{"a": ` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}`,
		"cut short":      `{"a": ` + strings.Repeat("[", 20_000),
		"trailing data":  `{"a": ` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `} {}`,
		"syntax error":   `{"a": ` + strings.Repeat("[", 20_000) + `,` + strings.Repeat("]", 20_000) + `}`,
		"cut in objects": `{"a": ` + strings.Repeat(`{"a": `, 20_000),
	}
	for _, adapter := range newJSONAdapters(t) {
		for name, body := range cases {
			t.Run(adapter.Agency()+"/"+name, func(t *testing.T) {
				_, err := adapter.Decode([]byte(body), "application/json")
				if errors.Is(err, adapters.ErrMalformed) {
					t.Fatalf("error = %v, want the nesting violation", err)
				}
				want := valueTooDeep
				if name == "cut in objects" {
					want = strings.Repeat("/a", jsondoc.MaxDepth)
				}
				got := schemas.Violations(err)
				if len(got) != 1 {
					t.Fatalf("violations = %v, want one (error %.300v)", got, err)
				}
				if got[0].Rule != jsondoc.RuleNesting {
					t.Errorf("rule = %q, want %q", got[0].Rule, jsondoc.RuleNesting)
				}
				if got[0].Pointer != want {
					t.Errorf("pointer = %q, want %q", got[0].Pointer, want)
				}
			})
		}
	}
}

// TestSyntaxErrorBeforeDeepNesting holds a body whose syntax error
// comes before its levels past jsondoc.MaxDepth to the syntax error, in
// every JSON adapter.
func TestSyntaxErrorBeforeDeepNesting(t *testing.T) {
	body := `{"a": [1,,` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `]}`
	for _, adapter := range newJSONAdapters(t) {
		_, err := adapter.Decode([]byte(body), "application/json")
		if !errors.Is(err, adapters.ErrMalformed) {
			t.Errorf("%s: error = %v, want ErrMalformed", adapter.Agency(), err)
		}
		if err != nil && !strings.Contains(err.Error(), "at byte 9") {
			t.Errorf("%s: error %q does not name byte 9", adapter.Agency(), err)
		}
	}
}
