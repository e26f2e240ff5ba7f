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
