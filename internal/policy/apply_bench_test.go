package policy

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

// BenchmarkApply applies the allow-all policy, which removes and masks
// nothing, and a policy that removes fields, to a chargesheet with every
// field set.
func BenchmarkApply(b *testing.B) {
	t := &testing.T{}
	m := fullMessage(t, canonical.TypeChargesheet, []canonical.Identifier{maskedAadhaarID(t)})
	policies := map[string]Policy{
		"allow-all": AllowAll,
		"some fields": {Name: "court-filing", Types: []string{string(canonical.TypeChargesheet)},
			Allow: []string{"chargesheet.fir", "chargesheet.accused[].person.names"}},
	}
	for name, p := range policies {
		c := MustCompile(p)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Apply(&m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplyAllowAllChargesheet applies the allow-all policy to the
// policy check's final report sample, a chargesheet as the police adapter
// decodes it, with its accused repeated until its canonical JSON form is
// at least 5,000 bytes: 5,239 with ten accused. Five of them carry a
// masked Aadhaar identifier with its token, which the policy removes.
func BenchmarkApplyAllowAllChargesheet(b *testing.B) {
	data, err := os.ReadFile("../policycheck/samples/chargesheet-final-report-bns.json")
	if err != nil {
		b.Fatal(err)
	}
	var m canonical.Message
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	accused := m.Chargesheet.Accused
	size := 0
	for size < 5000 {
		m.Chargesheet.Accused = append(m.Chargesheet.Accused, accused...)
		encoded, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		size = len(encoded)
	}
	c := MustCompile(AllowAll)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Apply(&m); err != nil {
			b.Fatal(err)
		}
	}
}
