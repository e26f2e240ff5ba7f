package passport_test

import (
	"encoding/json"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
)

func TestDecodeAadhaarInNumber(t *testing.T) {
	a := newAdapter(t)
	jsondoctest.CheckAadhaarNumbers(t, "/extra", func(value json.RawMessage) error {
		_, err := a.Decode(edit(t, "request_fresh", map[string]any{"/extra": value}), passport.ContentType)
		return err
	})
}

// TestDecodeNumberSize rejects a number too long or too large for the
// schema validator at its pointer, before the validator reads it.
func TestDecodeNumberSize(t *testing.T) {
	a := newAdapter(t)
	jsondoctest.CheckNumberSizes(t, "/extra", func(value json.RawMessage) error {
		_, err := a.Decode(edit(t, "request_fresh", map[string]any{"/extra": value}), passport.ContentType)
		return err
	})
}
