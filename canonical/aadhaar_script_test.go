package canonical

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// inScript returns s with each ASCII digit replaced by the digit of the
// same value in the script whose zero digit is zero.
func inScript(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + r - '0'
		}
		return r
	}, s)
}

// scriptZeros are the zeros of the Indian scripts and of full-width
// digits.
var scriptZeros = map[string]rune{
	"Devanagari": '०', "Bengali": '০', "Gurmukhi": '੦', "Gujarati": '૦',
	"Odia": '୦', "Tamil": '௦', "Telugu": '౦', "Kannada": '೦',
	"Malayalam": '൦', "full-width": '０',
}

func TestDigitRangesAreRunsOfTen(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("unicode.Nd range %U-%U (stride %d) is not whole runs of ten digits", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
}

func TestDigitValue(t *testing.T) {
	for name, zero := range scriptZeros {
		for v := range 10 {
			if got := digitValue(zero + rune(v)); got != v {
				t.Errorf("digitValue(%s %q) = %d, want %d", name, zero+rune(v), got, v)
			}
		}
	}
	for _, r := range []rune{'a', '/', 'X', 'क', '൰', '²', 'Ⅻ'} {
		if got := digitValue(r); got != -1 {
			t.Errorf("digitValue(%q) = %d, want -1", r, got)
		}
	}
}

func TestMaskAadhaarInTextScripts(t *testing.T) {
	// 586301729436 passes the Verhoeff check.
	for name, zero := range scriptZeros {
		in := "Aadhaar " + inScript("5863 0172 9436", zero) + " seen"
		got, masked := MaskAadhaarInText(in)
		if want := "Aadhaar XXXXXXXX9436 seen"; got != want {
			t.Errorf("%s: MaskAadhaarInText(%q) = %q, want %q", name, in, got, want)
		}
		if !masked {
			t.Errorf("%s: MaskAadhaarInText(%q) reports nothing masked", name, in)
		}
	}
}

func TestMaskAadhaarInTextMixedScripts(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"groups", "5863 " + inScript("0172", '०') + "-" + inScript("9436", '൦'), "XXXXXXXX9436"},
		{"digits", "5" + inScript("8", '௦') + "63017" + inScript("2943", '０') + "6", "XXXXXXXX9436"},
		{"Malayalam prose", "ആധാർ " + inScript("586301729436", '൦') + " ആണ്", "ആധാർ XXXXXXXX9436 ആണ്"},
	}
	for _, c := range cases {
		if got, _ := MaskAadhaarInText(c.in); got != c.want {
			t.Errorf("%s: MaskAadhaarInText(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestMaskAadhaarInTextScriptsLeavesOthers(t *testing.T) {
	unchanged := []string{
		inScript("586301729437", '०'),  // check digit wrong
		inScript("1586301729436", '०'), // thirteen digits
		inScript("5863017294361", '൦'), // thirteen digits
		"A" + inScript("586301729436", '०'),
		inScript("5", '०') + "586301729436", // a digit before, in another script
		"586301729436" + inScript("7", '০'), // a digit after, in another script
	}
	for _, in := range unchanged {
		got, masked := MaskAadhaarInText(in)
		if got != in {
			t.Errorf("MaskAadhaarInText(%q) = %q, want it unchanged", in, got)
		}
		if masked {
			t.Errorf("MaskAadhaarInText(%q) reports a number masked", in)
		}
	}
}

func TestMaskAadhaarInBodyScriptEscapes(t *testing.T) {
	devanagari := inScript("586301729436", '०')
	var escaped, references strings.Builder
	for _, r := range devanagari {
		fmt.Fprintf(&escaped, `\u%04x`, r)
		fmt.Fprintf(&references, "&#x%X;", r)
	}
	cases := []struct{ name, in, want string }{
		{"JSON escapes", `{"reason":"` + escaped.String() + `"}`, `{"reason":"XXXXXXXX9436"}`},
		{"JSON escape and text", `{"reason":"\u096b` + devanagari[len("५"):] + `"}`, `{"reason":"XXXXXXXX9436"}`},
		{"XML references", `<r>` + references.String() + `</r>`, `<r>XXXXXXXX9436</r>`},
		{"XML decimal reference", `<r>&#2411;` + devanagari[len("५"):] + `</r>`, `<r>XXXXXXXX9436</r>`},
	}
	for _, c := range cases {
		got, masked := MaskAadhaarInBody([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("%s: MaskAadhaarInBody(%s) = %s, want %s", c.name, c.in, got, c.want)
		}
		if !masked {
			t.Errorf("%s: MaskAadhaarInBody(%s) reports nothing masked", c.name, c.in)
		}
	}
}

func TestMaskAadhaarScripts(t *testing.T) {
	key := []byte("test key of at least thirty-two bytes!")
	ascii, err := MaskAadhaar("5863 0172 9436", key)
	if err != nil {
		t.Fatal(err)
	}
	for name, zero := range scriptZeros {
		id, err := MaskAadhaar(inScript("5863-0172-9436", zero), key)
		if err != nil {
			t.Errorf("%s: MaskAadhaar: %v", name, err)
			continue
		}
		if id.Value != "XXXXXXXX9436" {
			t.Errorf("%s: Value = %q, want XXXXXXXX9436", name, id.Value)
		}
		if id.Token != ascii.Token {
			t.Errorf("%s: Token differs from the token of the number in ASCII digits", name)
		}
	}
	if _, err := MaskAadhaar(inScript("586301729437", '०'), key); err == nil {
		t.Error("MaskAadhaar accepted a wrong check digit in Devanagari")
	}
}
