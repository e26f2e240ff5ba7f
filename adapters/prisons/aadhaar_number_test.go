package prisons_test

import (
	"encoding/json"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
)

func TestDecodeAadhaarInNumber(t *testing.T) {
	a := newAdapter(t)
	jsondoctest.CheckAadhaarNumbers(t, "/case/fir/number", func(value json.RawMessage) error {
		_, err := a.Decode(edit(t, "court_order_committal", map[string]any{"/case/fir/number": value}), prisons.ContentType)
		return err
	})
}

// TestDecodeNumberSize rejects a number too long or too large for the
// schema validator at its pointer, before the validator reads it.
func TestDecodeNumberSize(t *testing.T) {
	a := newAdapter(t)
	jsondoctest.CheckNumberSizes(t, "/case/fir/number", func(value json.RawMessage) error {
		_, err := a.Decode(edit(t, "court_order_committal", map[string]any{"/case/fir/number": value}), prisons.ContentType)
		return err
	})
}
