package canonical

import (
	"errors"
	"strings"
	"testing"
)

// TestMaskAadhaarGroupsBesideLetters masks a number in groups of four
// that white space or a mark parts even where a letter touches its
// ends. An unbroken run beside a letter, or any run beside a digit, is
// part of a longer identifier and stays.
func TestMaskAadhaarGroupsBesideLetters(t *testing.T) {
	// 491873625403 passes the Verhoeff check.
	for in, want := range map[string]string{
		"UID4918 7362 5403":       "UIDXXXXXXXX5403",
		"4918 7362 5403x":         "XXXXXXXX5403x",
		"UID4918-7362-5403x":      "UIDXXXXXXXX5403x",
		"No.4918 7362 5403":       "No.XXXXXXXX5403",
		"ആധാർ4918 7362 5403":      "ആധാർXXXXXXXX5403",
		"A4918 – 7362 – 5403Z":    "AXXXXXXXX5403Z",
		"UID4918\t7362\n5403 end": "UIDXXXXXXXX5403 end",
		// An unbroken run beside a letter, such as a CNR.
		"KLER491873625403": "KLER491873625403",
		"491873625403x":    "491873625403x",
		// Groups joined only by characters that show as nothing read
		// as an unbroken run.
		"UID4918\u200b7362\u200b5403": "UID4918\u200b7362\u200b5403",
		// One group parted, the other joined directly.
		"UID4918 73625403": "UID4918 73625403",
		// A digit beside the run makes it longer than twelve.
		"14918 7362 5403": "14918 7362 5403",
		"4918 7362 54031": "4918 7362 54031",
	} {
		got, masked := MaskAadhaarInText(in)
		if got != want {
			t.Errorf("MaskAadhaarInText(%q) = %q, want %q", in, got, want)
		}
		if masked != (got != in) {
			t.Errorf("MaskAadhaarInText(%q) reports masked %v for %q", in, masked, got)
		}
	}
}

// TestMaskAadhaarInBodyBesideLetters reads the same rule through JSON
// escapes, and spares a number that keep names.
func TestMaskAadhaarInBodyBesideLetters(t *testing.T) {
	body := `{"text": "UID4918\u00207362 5403 and 4918 7362 5403x"}`
	got, _ := MaskAadhaarInBody([]byte(body))
	if strings.Contains(string(got), "7362") {
		t.Errorf("MaskAadhaarInBody(%s) = %s, want both numbers masked", body, got)
	}
	kept, _ := MaskAadhaarInBody([]byte(body), "UID4918 7362 5403")
	if string(kept) != body {
		t.Errorf("MaskAadhaarInBody with the number kept = %s, want the body unchanged", kept)
	}
}

func TestTrimUnfinishedNumber(t *testing.T) {
	for in, want := range map[string]string{
		"applicant 4918":               "applicant",
		"applicant 4918 7362\u200b":    "applicant",
		"applicant 4\u200b9\u200b":     "applicant",
		`applicant 49\u200b1\u00`:      "applicant",
		`applicant 49\ud83d`:           "applicant",
		`applicant 49\`:                "applicant",
		"applicant 4&#x39;&#5":         "applicant",
		"applicant 4918-":              "applicant",
		"XXXXXXXX5403 and 12 more":     "XXXXXXXX5403 and 12 more",
		"no digits at the end \u200b ": "no digits at the end \u200b ",
		`escape cut short \u`:          `escape cut short \u`,
		`code 12/x\u`:                  `code 12/x\u`,
		"code 12/x&":                   "code 12/x&",
	} {
		if got := TrimUnfinishedNumber(in); got != want {
			t.Errorf("TrimUnfinishedNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCheckOperatorTextReadsFreeText checks that operator text is read
// as free text. Twelve Aadhaar-valid digits split otherwise than in
// groups of four (a file path) or joined to letters (a CNR) pass. The
// spellings that text masking masks are rejected.
func TestCheckOperatorTextReadsFreeText(t *testing.T) {
	for _, text := range []string{
		"/tmp/TestX491873625/403", "/srv/4918736/25403/cert.pem", "KLER491873625403", "ops491873625403",
	} {
		if err := CheckOperatorText("the value", text); err != nil {
			t.Errorf("CheckOperatorText(%q) = %v, want nil", text, err)
		}
	}
	for _, text := range []string{"ops 4918 7362 5403", "ops-4918-7362-5403", "ops_491873625403", "491873625403"} {
		err := CheckOperatorText("the value", text)
		if !errors.Is(err, ErrAadhaarLike) || !strings.Contains(err.Error(), "XXXXXXXX5403") {
			t.Errorf("CheckOperatorText(%q) = %v, want an aadhaar-like error naming XXXXXXXX5403", text, err)
		}
	}
}
