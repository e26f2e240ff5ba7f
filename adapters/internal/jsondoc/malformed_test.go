package jsondoc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/adapters/prisons"
)

// TestMalformedBodyWording decodes bodies that are not one JSON object
// with every JSON adapter. Each error must name the offset of the byte at
// fault, the same in every adapter, and tell an empty body from one cut
// short.
func TestMalformedBodyWording(t *testing.T) {
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
	jsonAdapters := []adapters.Adapter{policeAdapter, passportAdapter, prisonsAdapter}

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
