package court

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/courts"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func TestSamplesDecodeAsOrders(t *testing.T) {
	a := &courts.Adapter{AadhaarKey: []byte("mock court test key of 32 bytes!"),
		Now: func() time.Time { return time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC) }}
	samples := Samples()
	if len(samples) != 4 {
		t.Fatalf("%d samples, want 4", len(samples))
	}
	for _, s := range samples {
		t.Run(s.Name, func(t *testing.T) {
			d, err := a.Decode(s.Body, courts.ContentType)
			if s.Invalid {
				if got := len(schemas.Violations(err)); got != 3 {
					t.Errorf("%d violations, want 3: %v", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m := d.Messages[0]; m.Type != canonical.TypeCourtOrder {
				t.Errorf("type %s, want court_order", m.Type)
			}
		})
	}
}
