package prisons_test

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
)

// TestDecodeGolden decodes every testdata input and compares the
// canonical messages with testdata/NAME.golden.json.
func TestDecodeGolden(t *testing.T) {
	a := newAdapter(t)
	for _, ext := range []string{".json", ".xml"} {
		for name, body := range inputs(t, ext) {
			t.Run(name, func(t *testing.T) {
				d, err := a.Decode(body, "")
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				jsondoctest.Golden(t, name, d.Messages)
			})
		}
	}
}
