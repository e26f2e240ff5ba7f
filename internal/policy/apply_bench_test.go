package policy

import (
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
