package police_test

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
)

// TestDecodeGolden decodes every testdata input and compares the
// canonical messages with testdata/NAME.golden.json.
func TestDecodeGolden(t *testing.T) {
	a := newAdapter(t)
	for name, body := range inputs(t) {
		t.Run(name, func(t *testing.T) {
			d, err := a.Decode(body, police.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			jsondoctest.Golden(t, name, d.Messages)
		})
	}
}
