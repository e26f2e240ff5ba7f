package canonical

import (
	"strings"
	"testing"
)

// TestSenderValueErrorsMasked checks that errors quoting a sender's value
// mask an Aadhaar number in it even where a word joiner, which quoting
// writes as \u2060, sits before its first group.
func TestSenderValueErrorsMasked(t *testing.T) {
	const number = "\u20604918 7362 5403"
	errs := map[string]func() error{
		"CNR": func() error { _, err := ParseCNR("KLER01" + number); return err },
		"upper-case CNR": func() error {
			_, err := ParseCNR("kler01\u20600001232024")
			return err
		},
		"FIR key": func() error {
			_, err := ParseFIRKey("FIR/KL/EKM/1234/2024/1" + number)
			return err
		},
		"FIR key year": func() error {
			_, err := ParseFIRKey("FIR/KL/EKM/1234/20" + number + "/1")
			return err
		},
		"section":     func() error { return CheckSection(ActIPC, "420"+number) },
		"prison code": func() error { return CheckPrisonCodeCase("klsj" + number) },
	}
	for name, check := range errs {
		t.Run(name, func(t *testing.T) {
			err := check()
			if err == nil {
				t.Fatal("error = nil, want one")
			}
			masked, _ := MaskAadhaarInText(err.Error())
			if strings.Contains(masked, "7362") {
				t.Errorf("error %q shows the Aadhaar number's digits", masked)
			}
		})
	}
}

// TestIdentifierErrorsMaskJoinedDigits checks that each error about a
// record number or code writes a number that the aadhaar-like rule
// reports masked, in the same form, where the digits are joined to
// letters and an invisible character sits before, after or inside.
func TestIdentifierErrorsMaskJoinedDigits(t *testing.T) {
	ids := []string{
		"\u202eUT491873625403", "UT491873625403\u200b", "UT491873625403\u202c",
		"KL\u202e491873625403", "CC491873625403\x00",
	}
	for _, id := range ids {
		t.Run(QuoteMasked(id), func(t *testing.T) {
			rules := CheckRecordNumberRules("prisoner number", id)
			if len(rules) != 2 {
				t.Fatalf("rules = %v, want pattern and aadhaar-like", rules)
			}
			for _, rule := range rules {
				msg := rule.Err.Error()
				if strings.Contains(msg, "73625403") || strings.Contains(msg, "7362540") {
					t.Errorf("%s message %q shows the number's digits", rule.Rule, msg)
				}
				if !strings.Contains(msg, "XXXXXXXX5403") {
					t.Errorf("%s message %q does not write the number as XXXXXXXX5403", rule.Rule, msg)
				}
			}
		})
	}
}

// TestQuoteMaskedKeepsOtherDigits checks that QuoteMasked leaves digits
// that the aadhaar-like rule does not report, and masks each number it
// does report in a value with two.
func TestQuoteMaskedKeepsOtherDigits(t *testing.T) {
	tests := map[string]string{
		"UT-2231-2025":                         `"UT-2231-2025"`,
		"KLER100001232024":                     `"KLER100001232024"`,
		"UT491873625404":                       `"UT491873625404"`,
		"A491873625403B491873625403":           `"AXXXXXXXX5403BXXXXXXXX5403"`,
		"32/491873625403/7":                    `"32/XXXXXXXX5403/7"`,
		"4918 7362 5403\u2060x":                `"XXXXXXXX5403\u2060x"`,
		"01a24aae-aef9-7ac6-b407-357529373769": `"01a24aae-aef9-7ac6-b407-357529373769"`,
	}
	for id, want := range tests {
		if got := QuoteMasked(id); got != want {
			t.Errorf("QuoteMasked(%q) = %s, want %s", id, got, want)
		}
	}
}
