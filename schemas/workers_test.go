package schemas

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// TestValidatorPanicReachesCaller checks that a panic inside the schema
// library, on the goroutine that validates, is raised again on the
// caller's goroutine, where the hub's recover middleware applies, and
// that the validating goroutines go on working after it.
func TestValidatorPanicReachesCaller(t *testing.T) {
	s, err := jsonschema.CompileString("sangam://test/integer.json", `{"type": "integer"}`)
	if err != nil {
		t.Fatal(err)
	}
	// The library's integer check panics on a number whose exponent
	// big.Rat cannot parse.
	huge := json.Number("1e999999999")
	for range 3 {
		func() {
			defer func() {
				p := recover()
				if p == nil {
					t.Fatal("validating 1e999999999 as an integer did not panic")
				}
				if msg, _ := p.(string); !strings.HasPrefix(msg, "schema validation panicked: ") {
					t.Fatalf("panic value %.200v, want it to start with %q", p, "schema validation panicked: ")
				}
			}()
			_ = validateOnWorker(s, huge)
		}()
	}
	if err := validateOnWorker(s, json.Number("7")); err != nil {
		t.Errorf("7 after the panics: %v", err)
	}
	if err := validateOnWorker(s, json.Number("7.5")); err == nil {
		t.Error("7.5 after the panics: no error, want one")
	}
}
