package canonical

import (
	"strings"
	"testing"
)

func TestMaskAadhaarInBodyEscapes(t *testing.T) {
	// 586301729436 passes the Verhoeff check.
	cases := []struct{ name, in, want string }{
		{"plain", `{"reason":"no 5863 0172 9436"}`, `{"reason":"no XXXXXXXX9436"}`},
		{"JSON first and last digit", `{"reason":"\u00358630172943\u0036"}`, `{"reason":"XXXXXXXX9436"}`},
		{"JSON every digit", `"\u0035\u0038\u0036\u0033\u0030\u0031\u0037\u0032\u0039\u0034\u0033\u0036"`,
			`"XXXXXXXX9436"`},
		{"JSON escaped separators", `"5863\u002d0172\u002D9436"`, `"XXXXXXXX9436"`},
		{"JSON escaped space", `"5863\u00200172\u00a09436"`, `"XXXXXXXX9436"`},
		{"JSON after escaped quote", `"\"586301729436\""`, `"\"XXXXXXXX9436\""`},
		{"JSON after escaped backslash", `"\\586301729436"`, `"\\XXXXXXXX9436"`},
		{"JSON character reference as text", `"&#53;586301729436"`, `"&#53;XXXXXXXX9436"`},
		{"XML decimal", `<r>&#53;8630172943&#54;</r>`, `<r>XXXXXXXX9436</r>`},
		{"XML hex", `<r a="&#x35;8630172943&#x36;"/>`, `<r a="XXXXXXXX9436"/>`},
		{"XML upper-case X is no reference", `<r>&#x35;&#X38;630172943&#x36;</r>`,
			`<r>&#x35;&#X38;630172943&#x36;</r>`},
		{"XML leading zeros", `<r>&#0000000053;8630172943&#54;</r>`, `<r>XXXXXXXX9436</r>`},
		{"XML separator reference", `<r>5863&#10;0172&#x2D;9436</r>`, `<r>XXXXXXXX9436</r>`},
		{"XML after entity", `<r>&amp;586301729436</r>`, `<r>&amp;XXXXXXXX9436</r>`},
	}
	for _, c := range cases {
		got, masked := MaskAadhaarInBody([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("%s: MaskAadhaarInBody(%s) = %s, want %s", c.name, c.in, got, c.want)
		}
		if masked != (c.in != c.want) {
			t.Errorf("%s: MaskAadhaarInBody(%s) reports masked %v", c.name, c.in, masked)
		}
	}
}

func TestMaskAadhaarInBodyLeavesOthers(t *testing.T) {
	unchanged := []string{
		`{"reason":"\u0041586301729436"}`,     // after a letter: a longer identifier
		`{"reason":"586301729436\u0041"}`,     // before a letter
		`{"reason":"\u00358630172943\u0037"}`, // check digit wrong
		`{"reason":"\u0031586301729436"}`,     // thirteen digits
		`<r>5863&#65;0172 9436</r>`,           // a letter as separator
		`XXXXXXXX9436`,
	}
	for _, in := range unchanged {
		if got, masked := MaskAadhaarInBody([]byte(in)); string(got) != in || masked {
			t.Errorf("MaskAadhaarInBody(%s) = %s, %v; want it unchanged", in, got, masked)
		}
	}
}

func TestMaskAadhaarInBodyKeeps(t *testing.T) {
	// 987654321106 and 586301729436 both pass the Verhoeff check.
	in := `{"file_number":"987654321106","reason":"Aadhaar 5863 0172 9436, file 9876 5432 1106"}`
	want := `{"file_number":"987654321106","reason":"Aadhaar XXXXXXXX9436, file 9876 5432 1106"}`
	got, masked := MaskAadhaarInBody([]byte(in), "987654321106")
	if string(got) != want || !masked {
		t.Errorf("MaskAadhaarInBody keeping 987654321106 = %s, %v; want %s, true", got, masked, want)
	}
	got, _ = MaskAadhaarInBody([]byte(in))
	if want := `{"file_number":"XXXXXXXX1106",`; !strings.HasPrefix(string(got), want) {
		t.Errorf("MaskAadhaarInBody keeping nothing = %s, want it to start %s", got, want)
	}
}
