package courts

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func TestCallbackCaseNumbersCheckedAtElement(t *testing.T) {
	const (
		docket   = "/RecordDocketingCallbackMessage/CriminalCase/CaseDocketID"
		tracking = "/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID"
		cnr      = "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>"
	)
	cases := []struct {
		name, old, new, pointer, rule, shows string
	}{
		{"filing number with a zero-width space", "CC 123/2024", "CC&#x200B;77/2026",
			docket, RulePattern, `\u200b`},
		{"filing number with a direction override", "CC 123/2024", "&#x202E;CC 77/2026",
			docket, RulePattern, `\u202e`},
		{"filing number grouped like an Aadhaar number", "CC 123/2024", "CC 4918 7362 5403",
			docket, canonical.RuleAadhaarLike, "XXXXXXXX5403"},
		{"filing number with an Aadhaar-like run", "CC 123/2024", "CC/491873625403",
			docket, canonical.RuleAadhaarLike, "XXXXXXXX5403"},
		{"court tracking id like an Aadhaar number", cnr,
			"<nc:CaseTrackingID>ST 4918 7362 5403</nc:CaseTrackingID>",
			tracking, canonical.RuleAadhaarLike, "XXXXXXXX5403"},
		{"tracking id as filing number with a word joiner",
			cnr + "\n    <nc:CaseDocketID>CC 123/2024</nc:CaseDocketID>",
			"<nc:CaseTrackingID>CC 77&#x2060;/2026</nc:CaseTrackingID>",
			tracking, RulePattern, `\u2060`},
		{"CNR with a word joiner before an Aadhaar number", cnr,
			"<nc:CaseTrackingID>KLER01\u20604918 7362 5403</nc:CaseTrackingID>",
			tracking, "cnr", "XXXXXXXX5403"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clockedAdapter().Decode(replaced(t, "kochi_callback.xml", c.old, c.new), ContentType)
			vs := schemas.Violations(err)
			if !hasViolation(vs, c.pointer, c.rule) {
				t.Fatalf("Decode error = %v, want a %s violation at %s", err, c.rule, c.pointer)
			}
			for _, v := range vs {
				if v.Pointer == "" {
					t.Errorf("violation %q has no pointer", v.Message)
				}
				if v.Pointer == c.pointer && !strings.Contains(v.Message, c.shows) {
					t.Errorf("message %q does not show %s", v.Message, c.shows)
				}
				if strings.Contains(v.Message, "7362") {
					t.Errorf("message %q shows the Aadhaar number's digits", v.Message)
				}
			}
		})
	}
}
