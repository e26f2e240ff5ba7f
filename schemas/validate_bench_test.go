package schemas_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// BenchmarkValidate measures the validation of each kind of document the
// hub checks on the way in and out: a police final report as posted, its
// canonical form, and a notification as a station receives it.
func BenchmarkValidate(b *testing.B) {
	canonicalDoc := canonicalFinalReport(b)
	for _, c := range []struct {
		name, schema string
		doc          []byte
	}{
		{"inbound", "police/document.json", readFile(b, "../adapters/police/testdata/final_report_bns.json")},
		{"canonical", "canonical/message.json", canonicalDoc},
		{"outbound", "police/notification.json", readFile(b, "../adapters/police/testdata/encoded/court_registration.json")},
	} {
		if err := schemas.Validate(c.schema, c.doc); err != nil {
			b.Fatalf("%s: %v", c.name, err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.doc)))
			b.ReportAllocs()
			for b.Loop() {
				if err := schemas.Validate(c.schema, c.doc); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The hub validates on the goroutine of an HTTP request or a bus
		// message, often one that has just started.
		b.Run(c.name+"-new-goroutine", func(b *testing.B) {
			b.SetBytes(int64(len(c.doc)))
			b.ReportAllocs()
			for b.Loop() {
				done := make(chan error)
				go func() { done <- schemas.Validate(c.schema, c.doc) }()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func readFile(b *testing.B, path string) []byte {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// canonicalFinalReport returns the police adapter's golden canonical
// form of a final report with the fields the hub stamps on ingest.
func canonicalFinalReport(b *testing.B) []byte {
	b.Helper()
	var msgs []map[string]any
	if err := json.Unmarshal(readFile(b, "../adapters/police/testdata/final_report_bns.golden.json"), &msgs); err != nil {
		b.Fatal(err)
	}
	m := msgs[0]
	m["id"] = "01JBENCHVALIDATE0000000000"
	m["source"] = "police"
	m["received_at"] = "2025-12-01T12:30:01+05:30"
	doc, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return doc
}
