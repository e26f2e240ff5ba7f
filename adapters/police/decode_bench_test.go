package police_test

import (
	"os"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
)

// BenchmarkDecodeFinalReport measures the decoding of one final report,
// schema validation and masking included, as the hub does it on ingest.
func BenchmarkDecodeFinalReport(b *testing.B) {
	body, err := os.ReadFile("testdata/final_report_bns.json")
	if err != nil {
		b.Fatal(err)
	}
	a, err := police.New(police.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Decode(body, "application/json"); err != nil {
			b.Fatal(err)
		}
	}
}
