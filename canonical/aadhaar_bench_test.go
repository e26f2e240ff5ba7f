package canonical

import (
	"strings"
	"testing"
)

// benchDocument returns a JSON document of about 5 KB whose free text
// repeats unit, with two Aadhaar numbers in clear.
func benchDocument(unit string) []byte {
	var b strings.Builder
	b.WriteString(`{"fir":{"number":"0142/2025","acts":["BNS 303(2)","BNS 351(2)"],"narrative":"`)
	for b.Len() < 5000 {
		b.WriteString(unit)
	}
	b.WriteString(`"},"complainant":{"identifiers":[{"type":"aadhaar","number":"5863 0172 9436"}],` +
		`"remarks":"copy of Aadhaar 4918-7362-5403 seen"}}`)
	return []byte(b.String())
}

// BenchmarkMaskAadhaarInBody measures the masking of a 5 KB document
// with ASCII free text, and with Malayalam free text that has its
// digits in the Malayalam script or in ASCII.
func BenchmarkMaskAadhaarInBody(b *testing.B) {
	documents := map[string][]byte{
		"ascii": benchDocument("The complainant states that on 12-03-2025 at about 21:30 " +
			"two persons took his phone (IMEI 356938035643809) near stop 14. "),
		"malayalam": benchDocument("പരാതിക്കാരൻ ൧൨-൦൩-൨൦൨൫ രാത്രി " +
			"ഏകദേശം 21:30 ന് ബസ് സ്റ്റോപ്പിൽ വെച്ച് ഫോൺ തട്ടിയെടുത്തു. "),
		"malayalam-ascii-digits": benchDocument("പരാതിക്കാരൻ 12-03-2025 രാത്രി " +
			"ഏകദേശം 21:30 ന് ബസ് സ്റ്റോപ്പിൽ വെച്ച് ഫോൺ തട്ടിയെടുത്തു. "),
	}
	for name, body := range documents {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, masked := MaskAadhaarInBody(body); !masked {
					b.Fatal("MaskAadhaarInBody masked nothing")
				}
			}
		})
	}
}
