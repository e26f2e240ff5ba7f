package jsondoc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func TestScanLimitsAadhaarNumbers(t *testing.T) {
	for body, want := range map[string][]string{
		`{"value": 491873625403}`:                                 {"/value"},
		`{"value": 491873625403.5}`:                               {"/value"},
		`{"value": 0.491873625403}`:                               {"/value"},
		`{"list": [4918, 7362, 5403]}`:                            {"/list/2"},
		`{"list": [1, 2, 4918, 7362, 5403, 4918, 7362, 5403]}`:    {"/list/4", "/list/7"},
		`{"id": {"type": "aadhaar", "number": 491873625403}}`:     nil,
		`{"id": {"number": 491873625403, "type": "aadhaar"}}`:     nil,
		`{"id": {"type": "ration_card", "number": 491873625403}}`: {"/id/number"},
		`{"value": 491873625404}`:                                 nil,
		`{"list": [4918, "7362", 5403]}`:                          nil,
		`{"text": "4918 7362 5403"}`:                              nil,
	} {
		_, got := scanLimits([]byte(body))
		var pointers []string
		for _, v := range got {
			if v.Rule != canonical.RuleAadhaarLike {
				t.Errorf("%s: rule %q, want %q", body, v.Rule, canonical.RuleAadhaarLike)
			}
			if strings.Contains(v.Message, "49187362") {
				t.Errorf("%s: message %q repeats the number in clear", body, v.Message)
			}
			pointers = append(pointers, v.Pointer)
		}
		if !slices.Equal(pointers, want) {
			t.Errorf("%s: pointers %v, want %v", body, pointers, want)
		}
	}
}

// TestMaskedBodyStaysJSON places numbers and rows of numbers in every
// position of a body. A body that scanLimits lets through must remain
// valid JSON after the journal's text masking.
func TestMaskedBodyStaysJSON(t *testing.T) {
	pieces := []string{
		"4918", "7362", "5403", "-7362", "4918.7362", "491873625403", "0.491873625403",
		"491873625403e2", "1e-491873625403", "5403e5", "1e4918", "7362E+1", "1", `"4918"`,
		`"7362 5403"`, "[5403]", "true",
	}
	separators := []string{",", ", ", ",\n ", " , "}
	checked := 0
	for _, a := range pieces {
		for _, b := range pieces {
			for _, c := range pieces {
				for _, sep := range separators {
					row := a + sep + b + sep + c
					for _, body := range []string{
						`{"list": [` + row + `]}`,
						`{"a": ` + a + `, "b": ` + b + `, "c": [[` + row + `]]}`,
					} {
						if !json.Valid([]byte(body)) {
							t.Fatalf("test body %s is not JSON", body)
						}
						if limits, numbers := scanLimits([]byte(body)); len(limits)+len(numbers) > 0 {
							continue // rejected: no journal copy
						}
						checked++
						masked, _ := canonical.MaskAadhaarInBody([]byte(body))
						if !json.Valid(masked) {
							t.Errorf("body %s passes but masks to %s, which is not JSON", body, masked)
						}
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("every body was rejected: the test checks nothing")
	}
}

// TestScanLimitsNumbersCapped holds a list of many Aadhaar numbers to
// schemas.MaxViolations violations and one that counts the rest.
func TestScanLimitsNumbersCapped(t *testing.T) {
	rows := strings.Repeat("4918, 7362, 5403, ", 200)
	_, got := scanLimits([]byte(fmt.Sprintf(`{"list": [%s1]}`, rows)))
	if len(got) != schemas.MaxViolations+1 {
		t.Fatalf("%d violations, want %d", len(got), schemas.MaxViolations+1)
	}
	if last := got[len(got)-1]; last.Rule != schemas.RuleTooManyErrors {
		t.Errorf("last violation rule %q, want %q", last.Rule, schemas.RuleTooManyErrors)
	}
}

func TestCheckNumberSize(t *testing.T) {
	for literal, bad := range map[string]bool{
		"0": false, "-12.5": false, "1e308": false, "1E-308": false, "2e+308": false,
		"1234567890123456789012345678901234567890":  false,
		"12345678901234567890123456789012345678901": true,
		"1e309": true, "1e-309": true, "1E+999999999999999999999": true, "1e999999": true,
	} {
		if got := CheckNumberSize([]byte(literal)); (got != "") != bad {
			t.Errorf("CheckNumberSize(%s) = %q, want a problem: %t", literal, got, bad)
		}
	}
}
