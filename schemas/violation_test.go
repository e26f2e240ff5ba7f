package schemas

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/sangam-hub/sangam/canonical"
)

// validateWith compiles schema and returns the violations of doc.
func validateWith(t *testing.T, schema, doc string) []Violation {
	t.Helper()
	s, err := jsonschema.CompileString("test.json", schema)
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var ve *jsonschema.ValidationError
	if !asValidationError(s.Validate(v), &ve) {
		t.Fatal("document passed the schema")
	}
	return leaves(ve)
}

func TestRequiredAtPropertyPointer(t *testing.T) {
	got := validateWith(t, `{"properties": {"inner": {"required": ["a/b", "c~d", "it's"]}}, "required": ["e"]}`,
		`{"inner": {}}`)
	want := []Violation{
		{Pointer: "/e", Rule: "required", Message: "missing required field"},
		{Pointer: "/inner/a~1b", Rule: "required", Message: "missing required field"},
		{Pointer: "/inner/c~0d", Rule: "required", Message: "missing required field"},
		{Pointer: "/inner/it's", Rule: "required", Message: "missing required field"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v\nwant %v", got, want)
	}
}

func TestRequiredAlternativesMessage(t *testing.T) {
	got := validateWith(t, `{"anyOf": [{"required": ["fir"]}, {"required": ["cnr"]}]}`, `{}`)
	if len(got) != 2 || got[0].Pointer != "/cnr" || got[1].Pointer != "/fir" {
		t.Fatalf("violations = %v, want /cnr and /fir", got)
	}
	if !strings.Contains(got[0].Message, "alternatives") {
		t.Errorf("message = %q, want it to mention the alternatives", got[0].Message)
	}
}

func TestPointerNotURLEscaped(t *testing.T) {
	got := validateWith(t, `{"properties": {"x y%": {"type": "integer"}}}`, `{"x y%": "s"}`)
	if len(got) != 1 || got[0].Pointer != "/x y%" {
		t.Errorf("violations = %v, want one at /x y%%", got)
	}
}

func manyViolations(n int) []Violation {
	vs := make([]Violation, n)
	for i := range vs {
		vs[i] = Violation{Pointer: fmt.Sprintf("/items/%d", i), Rule: "type", Message: "want a string"}
	}
	return vs
}

func TestInvalidCapsViolations(t *testing.T) {
	err := Invalid(manyViolations(250)...)
	vs := Violations(err)
	if len(vs) != MaxViolations+1 {
		t.Fatalf("got %d violations, want %d", len(vs), MaxViolations+1)
	}
	if vs[MaxViolations-1].Pointer != "/items/99" {
		t.Errorf("last kept violation = %v, want /items/99", vs[MaxViolations-1])
	}
	last := vs[MaxViolations]
	if last.Rule != RuleTooManyErrors || last.Omitted != 150 || !strings.Contains(last.Message, "150 more") {
		t.Errorf("final violation = %+v, want too-many-errors counting 150", last)
	}
	if !strings.HasPrefix(err.Error(), "250 validation errors: ") {
		t.Errorf("Error() = %.60q, want it to count all 250", err.Error())
	}
}

func TestInvalidRecapsCappedList(t *testing.T) {
	capped := Violations(Invalid(manyViolations(150)...))
	vs := Violations(Invalid(append(capped, manyViolations(3)...)...))
	last := vs[len(vs)-1]
	if len(vs) != MaxViolations+1 || last.Omitted != 53 {
		t.Errorf("got %d violations ending %+v, want %d ending with 53 omitted",
			len(vs), last, MaxViolations+1)
	}
}

func TestInvalidUnderCapUnchanged(t *testing.T) {
	vs := manyViolations(MaxViolations)
	if got := Violations(Invalid(vs...)); !slices.Equal(got, vs) {
		t.Errorf("Invalid changed a list of %d violations", MaxViolations)
	}
}

func TestErrorSingular(t *testing.T) {
	err := Invalid(Violation{Pointer: "/a", Rule: "type", Message: "want a string"})
	if got, want := err.Error(), "1 validation error: /a: want a string (type)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidateCapsViolations(t *testing.T) {
	items := strings.Repeat(`{"act": 1},`, 150)
	doc := `{"message_id": "m", "document_type": "fir", "sent_at": "2025-01-01T00:00:00Z",` +
		`"sections": [` + strings.TrimSuffix(items, ",") + `]}`
	vs := Violations(Validate("police/fir.json", []byte(doc)))
	if len(vs) != MaxViolations+1 || vs[MaxViolations].Rule != RuleTooManyErrors {
		t.Errorf("got %d violations, want %d ending with %s", len(vs), MaxViolations+1, RuleTooManyErrors)
	}
}

func TestViolationStringOfWholeDocument(t *testing.T) {
	v := Violation{Rule: "json", Message: "invalid JSON at byte 0"}
	if got, want := v.String(), "invalid JSON at byte 0 (json)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	v.Pointer = "/fir/ref"
	if got, want := v.String(), "/fir/ref: invalid JSON at byte 0 (json)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPatternMessageInWords(t *testing.T) {
	got := patternMessage(`does not match pattern '^[A-Z0-9_-]{1,32}$'`)
	if !strings.Contains(got, "capital letters") || strings.Contains(got, "^[") {
		t.Errorf("station code pattern: %q, want it in words", got)
	}
	escaped := strings.ReplaceAll(canonical.PrisonCodePattern, `\`, `\\`)
	if got := patternMessage("does not match pattern '" + escaped + "'"); !strings.Contains(got, "slash") {
		t.Errorf("prison code pattern: %q, want it in words", got)
	}
	other := `does not match pattern '^[A-Z0-9<]+$'`
	if got := patternMessage(other); got != other {
		t.Errorf("a pattern without words: %q, want the library's message", got)
	}
}
