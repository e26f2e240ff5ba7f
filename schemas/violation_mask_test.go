package schemas

import (
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

func TestViolationsMaskAadhaar(t *testing.T) {
	vs := []Violation{
		{Pointer: "/fir/3876 5432 1095", Rule: RuleNotAllowed, Message: notAllowedMessage},
		{Pointer: "/accused/0/name", Rule: "pattern", Message: "३८७६-५४३२-१०९५ is not a name"},
		{Pointer: "/fir/police_station", Rule: "pattern", Message: "does not match"},
	}
	got := MaskAadhaar(vs)
	want := []Violation{
		{Pointer: "/fir/XXXXXXXX1095", Rule: RuleNotAllowed, Message: notAllowedMessage},
		{Pointer: "/accused/0/name", Rule: "pattern", Message: "XXXXXXXX1095 is not a name"},
		{Pointer: "/fir/police_station", Rule: "pattern", Message: "does not match"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("violation %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if vs[0].Pointer != "/fir/3876 5432 1095" {
		t.Errorf("MaskAadhaar changed its argument: %+v", vs[0])
	}
}

// TestQuotedValueMasked checks that a format violation's message masks
// an Aadhaar number that follows a character the library escapes, whose
// escape ends in hex digits or a letter that touch the number.
func TestQuotedValueMasked(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource("sangam://test/when.json", strings.NewReader(`{"type": "string", "format": "date-time"}`)); err != nil {
		t.Fatal(err)
	}
	s := c.MustCompile("sangam://test/when.json")
	for _, value := range []string{
		"\u2060491873625403", "\u00a04918 7362 5403", "\u200b4918-7362-5403", "\x01491873625403", "it's \u20604918 7362 5403",
	} {
		var ve *jsonschema.ValidationError
		if !errors.As(s.Validate(value), &ve) {
			t.Fatalf("%+q: no validation error", value)
		}
		vs := leaves(ve)
		if len(vs) != 1 {
			t.Fatalf("%+q: violations %v, want one", value, vs)
		}
		if strings.Contains(vs[0].Message, "7362") {
			t.Errorf("%+q: message %q shows the number", value, vs[0].Message)
		}
		if !strings.Contains(vs[0].Message, "XXXXXXXX5403") {
			t.Errorf("%+q: message %q lacks the masked number", value, vs[0].Message)
		}
	}
}
