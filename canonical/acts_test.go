package canonical

import (
	"strings"
	"testing"
)

func TestNormalizeAct(t *testing.T) {
	cases := map[string]string{
		"IPC":                     ActIPC,
		"ipc":                     ActIPC,
		" IPC ":                   ActIPC,
		"BNS ":                    ActBNS,
		"Indian Penal Code":       ActIPC,
		"Indian Penal Code, 1860": ActIPC,
		"Bharatiya Nyaya Sanhita": ActBNS,
		"crpc":                    "CrPC",
		"Cr.P.C.":                 "CrPC",
		"NDPS Act, 1985":          "NDPS",
		"The Narcotic Drugs and Psychotropic Substances Act, 1985": "NDPS",
		"Arms Act, 1959":          "ARMS",
		"arms act":                "ARMS",
		"POCSO Act":               "POCSO",
		"MV Act":                  "MVA",
		"IT Act, 2000":            "ITA",
		"SC/ST (PoA) Act":         "SCSTPOA",
		"DP Act":                  "DPA",
		"ITP Act":                 "ITPA",
		"Abkari Act":              "KAA",
		"Kerala Police Act, 2011": "KPA",
	}
	for in, want := range cases {
		if got, ok := NormalizeAct(in); !ok || got != want {
			t.Errorf("NormalizeAct(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"XYZ", "", "Act", "1985", "Penal Code of Narnia", "IPC 302"} {
		if got, ok := NormalizeAct(in); ok {
			t.Errorf("NormalizeAct(%q) = %q, want no match", in, got)
		}
	}
}

func TestActSpellingsUnambiguous(t *testing.T) {
	owner := map[string]string{}
	for _, a := range Acts {
		if got, ok := NormalizeAct(a.Code); !ok || got != a.Code {
			t.Errorf("code %s normalizes to %q, %v", a.Code, got, ok)
		}
		for _, s := range append([]string{a.Code, a.Name}, a.aliases...) {
			key := actKey(s)
			if key == "" {
				t.Errorf("%s: spelling %q has an empty key", a.Code, s)
			}
			if other, ok := owner[key]; ok && other != a.Code {
				t.Errorf("spelling %q of %s is also a spelling of %s", s, a.Code, other)
			}
			owner[key] = a.Code
		}
	}
	if !strings.Contains(strings.Join(ActCodes(), " "), "IPC BNS CrPC BNSS") {
		t.Errorf("ActCodes() = %v, want the codes in Acts' order", ActCodes())
	}
}

func TestValidState(t *testing.T) {
	for _, code := range []string{"KL", "DL", "TN", "LA", "DH", "OD", "CG", "TS", "UK", "OR", "CT", "TG", "UT", "DD"} {
		if !ValidState(code) {
			t.Errorf("ValidState(%q) = false", code)
		}
	}
	for _, code := range []string{"", "XX", "kl", "KER", "IN", "ZZ"} {
		if ValidState(code) {
			t.Errorf("ValidState(%q) = true", code)
		}
	}
	if len(States) != 36 {
		t.Errorf("States has %d entries, want 28 states and 8 union territories", len(States))
	}
}

func TestMaskAadhaarInText(t *testing.T) {
	const clear = "586301729436" // passes the Verhoeff check
	cases := []struct{ in, want string }{
		{"Aadhaar " + clear + ".", "Aadhaar XXXXXXXX9436."},
		{"no. 5863 0172 9436, issued", "no. XXXXXXXX9436, issued"},
		{"5863-0172-9436", "XXXXXXXX9436"},
		{"5863\u00a0\u00a00172\n9436", "XXXXXXXX9436"},
		{"two: 5863 0172 9436 and 4918-7362-5403", "two: XXXXXXXX9436 and XXXXXXXX5403"},
		{"(" + clear + ")", "(XXXXXXXX9436)"},
		{"no:" + clear + ";", "no:XXXXXXXX9436;"},
		{"5863.0172.9436", "XXXXXXXX9436"},
		{"5863/0172/9436", "XXXXXXXX9436"},
		// As a journaled JSON body writes separators: \t, \n and \/.
		{`"R 5863\t0172\t9436 E"`, `"R XXXXXXXX9436 E"`},
		{`"a\n5863\n0172\r\n9436"`, `"a\nXXXXXXXX9436"`},
		{`"5863\/0172\/9436"`, `"XXXXXXXX9436"`},
		// Separators as typed text and copied text have them.
		{"5863--0172--9436", "XXXXXXXX9436"},
		{"5863./0172./9436", "XXXXXXXX9436"},
		{"5863\u20130172\u20139436", "XXXXXXXX9436"},
		{"5863 \u2014 0172 \u2014 9436", "XXXXXXXX9436"},
		{"5863\u200b0172\u200b9436", "XXXXXXXX9436"},
		{"5863, 0172, 9436", "XXXXXXXX9436"},
		{"5863_0172_9436", "XXXXXXXX9436"},
		{"5863\u22120172\u22129436", "XXXXXXXX9436"},
	}
	for _, c := range cases {
		got, masked := MaskAadhaarInText(c.in)
		if got != c.want || !masked {
			t.Errorf("MaskAadhaarInText(%q) = %q, %v; want %q, true", c.in, got, masked, c.want)
		}
	}
	unchanged := []string{
		"",
		"586301729437",         // check digit wrong
		"1" + clear,            // thirteen digits
		clear + "0",            // thirteen digits
		"5863----0172----9436", // four marks between groups
		"5863:0172:9436",       // a colon, as in a time
		"58630 1729436",        // groups not of four
		"phone 9846012345",     // ten digits
		"XXXXXXXX9436 already", // masked
		"ref" + clear + "x",    // part of a longer identifier
		`\x` + clear,           // after a letter that is no JSON escape
		"KLER" + clear,         // the digits of a CNR
		"COK" + clear,          // a passport file number
	}
	for _, in := range unchanged {
		if got, masked := MaskAadhaarInText(in); got != in || masked {
			t.Errorf("MaskAadhaarInText(%q) = %q, %v; want it unchanged", in, got, masked)
		}
	}
}
