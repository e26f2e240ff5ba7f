package canonical

import (
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkEachString measures a walk over every string of the police
// adapter's canonical final report, which the hub makes three times for
// each message it accepts.
func BenchmarkEachString(b *testing.B) {
	data, err := os.ReadFile("../adapters/police/testdata/final_report_bns.golden.json")
	if err != nil {
		b.Fatal(err)
	}
	var msgs []Message
	if err := json.Unmarshal(data, &msgs); err != nil {
		b.Fatal(err)
	}
	m := &msgs[0]
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		EachString(m, func(pointer, s string) (string, bool) {
			n += len(pointer)
			return "", false
		})
		if n == 0 {
			b.Fatal("EachString found no string")
		}
	}
}
