package canonical

import (
	"strings"
	"testing"
	"time"
)

func TestVerhoeffKnownValues(t *testing.T) {
	// 236 has check digit 3 and 12345 has check digit 1 in the worked
	// examples of Verhoeff's scheme.
	for _, s := range []string{"2363", "123451"} {
		if !verhoeffValid(s) {
			t.Errorf("verhoeffValid(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"2364", "2336", "123415", "12a451"} {
		if verhoeffValid(s) {
			t.Errorf("verhoeffValid(%q) = true, want false", s)
		}
	}
}

func TestValidAadhaarOneCheckDigitPerPayload(t *testing.T) {
	for _, payload := range []string{"58630172943", "23456789012", "99999999999"} {
		valid := 0
		for d := '0'; d <= '9'; d++ {
			if ValidAadhaar(payload + string(d)) {
				valid++
			}
		}
		if valid != 1 {
			t.Errorf("payload %s has %d valid check digits, want 1", payload, valid)
		}
	}
}

func TestValidAadhaarShape(t *testing.T) {
	cases := map[string]bool{
		"586301729436":   true,
		"5863 0172 9436": true,
		"5863-0172-9436": true,
		"086301729436":   false, // starts with 0
		"58630172943":    false, // 11 digits
		"5863017294367":  false, // 13 digits
		"58630172943X":   false,
	}
	for s, want := range cases {
		if got := ValidAadhaar(s); got != want {
			t.Errorf("ValidAadhaar(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestMaskAadhaar(t *testing.T) {
	key := []byte("test key of at least thirty-two bytes!")
	id, err := MaskAadhaar("5863 0172 9436", key)
	if err != nil {
		t.Fatal(err)
	}
	if id.Value != "XXXXXXXX9436" || !IsMaskedAadhaar(id.Value) {
		t.Errorf("Value = %q, want XXXXXXXX9436", id.Value)
	}
	if strings.Contains(id.Token, "586301729436") || len(id.Token) != 64 {
		t.Errorf("Token = %q, want 64 hex digits without the number", id.Token)
	}
	again, _ := MaskAadhaar("586301729436", key)
	if again.Token != id.Token {
		t.Error("the same number gave two tokens")
	}
	other, _ := MaskAadhaar("586301729436", []byte("another key of at least thirty-two bytes"))
	if other.Token == id.Token {
		t.Error("two keys gave the same token")
	}
	if _, err := MaskAadhaar("586301729437", key); err == nil {
		t.Error("MaskAadhaar accepted a wrong check digit")
	}
}

func TestParseCNR(t *testing.T) {
	c, err := ParseCNR("KLER010001232024")
	if err != nil {
		t.Fatal(err)
	}
	want := CNR{State: "KL", District: "ER", Establishment: "01", Serial: "000123", Year: 2024}
	if c != want {
		t.Errorf("ParseCNR = %+v, want %+v", c, want)
	}
	if c.String() != "KLER010001232024" {
		t.Errorf("String() = %q", c.String())
	}
	for _, bad := range []string{"", "KLER01000123202", "kler010001232024", "KL1R010001232024", "CR070123"} {
		if _, err := ParseCNR(bad); err == nil {
			t.Errorf("ParseCNR(%q) succeeded", bad)
		}
	}
}

// TestParseCNRLowerCase checks that the error of a CNR with lower-case
// letters names the case, not the 16 characters that the CNR has.
func TestParseCNRLowerCase(t *testing.T) {
	_, err := ParseCNR("kler120009802026")
	if err == nil {
		t.Fatal("ParseCNR succeeded")
	}
	if !strings.Contains(err.Error(), "upper case") {
		t.Errorf("error %q does not say the letters must be upper case", err)
	}
	if strings.Contains(err.Error(), "want 16 characters") {
		t.Errorf("error %q asks for 16 characters, which the CNR has", err)
	}
}

func TestFIRKeyRoundTrip(t *testing.T) {
	f := FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	key := f.Key()
	if key != "FIR/KL/EKM/EKM0412/2025/1187" {
		t.Errorf("Key() = %q", key)
	}
	back, err := ParseFIRKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if back != f {
		t.Errorf("ParseFIRKey = %+v, want %+v", back, f)
	}
	for _, bad := range []string{"CNR/KLER010001232024", "FIR/KL/EKM/EKM0412/twenty/1", "FIR/KL/EKM/2025/1"} {
		if _, err := ParseFIRKey(bad); err == nil {
			t.Errorf("ParseFIRKey(%q) succeeded", bad)
		}
	}
}

func TestCheckSection(t *testing.T) {
	ok := []struct{ act, section string }{
		{ActIPC, "302"}, {ActIPC, "498A"}, {ActIPC, "376DA"}, {ActIPC, "511"},
		{ActIPC, "376(2)(n)"}, {ActIPC, "354A(1)(i)"}, {ActIPC, "304B(1)"},
		{ActBNS, "103(1)"}, {ActBNS, "326(f)"}, {ActBNS, "358"}, {ActBNS, "75(1)(iv)"},
		{"NDPS Act", "20(b)(ii)(A)"},
	}
	for _, c := range ok {
		if err := CheckSection(c.act, c.section); err != nil {
			t.Errorf("CheckSection(%s, %s): %v", c.act, c.section, err)
		}
	}
	bad := []struct{ act, section string }{
		{ActIPC, "512"}, {ActIPC, "0"}, {ActIPC, "302(x)"}, {ActIPC, ""},
		{ActIPC, "420ZZ"}, {ActIPC, "1A"}, {ActIPC, "302A"}, {ActIPC, "376(2)(N)"},
		{ActBNS, "359"}, {ActBNS, "103A"}, {ActBNS, "section 5"},
		{ActIPC, "-5"}, {ActIPC, "- 302"}, {ActBNS, "+103(1)"},
	}
	for _, c := range []struct{ section, written string }{
		{"498-A", "498A"}, {"498a", "498A"}, {"376 (2)(n)", "376(2)(n)"},
	} {
		err := CheckSection(ActIPC, c.section)
		if err == nil || !strings.Contains(err.Error(), `writes it "`+c.written+`"`) {
			t.Errorf("CheckSection(IPC, %q) = %v, want it to give the code's form %s", c.section, err, c.written)
		}
	}
	for _, c := range bad {
		err := CheckSection(c.act, c.section)
		if err == nil {
			t.Errorf("CheckSection(%s, %q) accepted an unknown section", c.act, c.section)
			continue
		}
		if !strings.Contains(err.Error(), "unknown "+c.act+" section") {
			t.Errorf("error %q does not name the code", err)
		}
	}
}

func TestEquivalentSection(t *testing.T) {
	cases := []struct {
		act, section string
		want         Statute
	}{
		{ActIPC, "302", Statute{ActBNS, "103(1)"}},
		{ActIPC, "498a", Statute{ActBNS, "85"}},
		{ActBNS, "318(4)", Statute{ActIPC, "420"}},
		{ActBNS, "3(5)", Statute{ActIPC, "34"}},
	}
	for _, c := range cases {
		got, ok := EquivalentSection(c.act, c.section)
		if !ok || got != c.want {
			t.Errorf("EquivalentSection(%s, %s) = %+v, %v; want %+v", c.act, c.section, got, ok, c.want)
		}
	}
	if _, ok := EquivalentSection(ActIPC, "309"); ok {
		t.Error("IPC 309 has no BNS equivalent but the table returned one")
	}
	ch := Charge{Act: ActIPC, Section: "379"}.WithEquivalent()
	if ch.Equivalent == nil || ch.Equivalent.Section != "303(2)" {
		t.Errorf("WithEquivalent = %+v", ch.Equivalent)
	}
	if SectionTitle(ActBNS, "103(1)") != "murder" {
		t.Errorf("SectionTitle(BNS, 103(1)) = %q", SectionTitle(ActBNS, "103(1)"))
	}
}

func TestEquivalentTableSectionsExist(t *testing.T) {
	for _, row := range ipcToBNS {
		if err := CheckSection(ActIPC, row.ipc); err != nil {
			t.Errorf("table row IPC %s: %v", row.ipc, err)
		}
		if err := CheckSection(ActBNS, row.bns); err != nil {
			t.Errorf("table row BNS %s: %v", row.bns, err)
		}
	}
	if len(ipcIndex) != len(ipcToBNS) || len(bnsIndex) != len(ipcToBNS) {
		t.Error("the IPC-BNS table repeats a section")
	}
}

func TestNormalizeNameComposesMalayalam(t *testing.T) {
	// "കൊ" written as the base consonant and two vowel-sign parts
	// (decomposed) and as one precomposed vowel sign.
	decomposed := "\u0d15\u0d46\u0d3e"
	composed := "\u0d15\u0d4a"
	n := NormalizeName(Name{Full: "  " + decomposed + "   ചന്ദ്രൻ "})
	if n.Full != composed+" ചന്ദ്രൻ" {
		t.Errorf("Full = %q, want NFC with single spaces", n.Full)
	}
	if n.Script != "Mlym" {
		t.Errorf("Script = %q, want Mlym", n.Script)
	}
	if got := DetectScript("राम"); got != "Deva" {
		t.Errorf("DetectScript(Devanagari) = %q", got)
	}
	if got := DetectScript("K. R. Shibu"); got != "Latn" {
		t.Errorf("DetectScript(Latin) = %q", got)
	}
	if got := DetectScript("1234"); got != "" {
		t.Errorf("DetectScript(digits) = %q, want empty", got)
	}
}

func TestCheckBody(t *testing.T) {
	m := Message{Type: TypeChargesheet}
	if err := m.CheckBody(); err == nil {
		t.Error("a chargesheet message without a body passed")
	}
	m.Chargesheet = &Chargesheet{}
	if err := m.CheckBody(); err != nil {
		t.Error(err)
	}
	m.FIR = &FIR{}
	if err := m.CheckBody(); err == nil {
		t.Error("a message with two bodies passed")
	}
}

func TestBNSCommencementIsIST(t *testing.T) {
	want := time.Date(2024, 6, 30, 18, 30, 0, 0, time.UTC)
	if !BNSCommencement.Equal(want) {
		t.Errorf("BNSCommencement = %s, want midnight IST on 1 July 2024", BNSCommencement.UTC())
	}
}
