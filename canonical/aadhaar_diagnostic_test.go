package canonical

import (
	"fmt"
	"strings"
	"testing"
)

func TestMaskAadhaarInDiagnostic(t *testing.T) {
	const masked = "XXXXXXXX5403"
	for _, tc := range []struct{ name, text, want string }{
		{"plain", "id 4918 7362 5403", "id " + masked},
		{"quoted zero-width spaces", fmt.Sprintf("%q", "4918\u200b7362\u200b5403"), `"` + masked + `"`},
		{"quoted in ASCII", fmt.Sprintf("%+q", "४९१८ ७३६२ ५४०३"), `"` + masked + `"`},
		{"hidden between digits", fmt.Sprintf("%q", "4\u00ad9\u20601\U000E00208 7362 5403"), `"` + masked + `"`},
		{"quoted twice", fmt.Sprintf("%q", fmt.Sprintf("%q", "4918\u200b7362\u200b5403")),
			`"\"` + masked + `\""`},
		{"hex byte escape", `4918\x207362\x205403`, masked},
		{"JSON surrogate pair", `4918\udb40\udc207362 5403`, masked},
		{"percent-escaped digits", "/m/%34%39%31%38%37%33%36%32%35%34%30%33", "/m/" + masked},
		{"lower-case percent-escapes", "%34%39%31%38%2d%37%33%36%32%2D%35%34%30%33", masked},
		{"percent-escaped twice", "%2534%2539%2531%2538 7362 5403", masked},
		{"percent-escaped separator", "4918%E2%80%8B7362%e2%80%8b5403", masked},
	} {
		got, ok := MaskAadhaarInDiagnostic(tc.text)
		if got != tc.want || !ok {
			t.Errorf("%s: MaskAadhaarInDiagnostic(%q) = %q, %t, want %q, true", tc.name, tc.text, got, ok, tc.want)
		}
	}
}

func TestMaskAadhaarInDiagnosticKeeps(t *testing.T) {
	for _, text := range []string{
		// The check digit fails.
		fmt.Sprintf("%q", "4918\u200b7362\u200b5404"),
		"%34%39%31%38%37%33%36%32%35%34%30%34",
		// An escaped digit touches the number, so it is thirteen digits.
		`\u00354918 7362 5403`,
		"%354918 7362 5403",
		// The hub's delivery ids keep their digits.
		"delivery 01a24aae-aef9-7ac6-b407-357529373769",
		`"01a24aae-aef9-7ac6-b407-357529373769\n"`,
		// Escapes that are not complete are text.
		`4918\u2007362 5403`,
		"50% of 4918 7362 540",
		`C:\4918`,
	} {
		if got, ok := MaskAadhaarInDiagnostic(text); ok || got != text {
			t.Errorf("MaskAadhaarInDiagnostic(%q) = %q, %t, want it unchanged", text, got, ok)
		}
	}
}

func TestMaskAadhaarInDiagnosticMasksEveryEscape(t *testing.T) {
	// Each character that ShowsAsNothing names, escaped as %q escapes
	// it, between the groups.
	for _, r := range []rune{'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u034f',
		'\ufe0f', '\U000e0001', '\U000e0100'} {
		text := fmt.Sprintf("%q", "4918"+string(r)+"7362"+string(r)+"5403")
		got, _ := MaskAadhaarInDiagnostic(text)
		if strings.Contains(got, "7362") {
			t.Errorf("U+%04X: MaskAadhaarInDiagnostic(%s) = %s, want the number masked", r, text, got)
		}
	}
}
