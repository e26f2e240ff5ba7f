package adaptertest

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters"
)

// Fuzz runs a fuzz target over a's decoder, seeded with seeds. Every
// decode must return without panicking, and every message it accepts must
// have the body its type names.
func Fuzz(f *testing.F, a adapters.Adapter, contentType string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := a.Decode(body, contentType)
		if err != nil {
			return
		}
		for i := range d.Messages {
			if cerr := d.Messages[i].CheckBody(); cerr != nil {
				t.Fatalf("accepted a message without its body: %v", cerr)
			}
		}
	})
}
