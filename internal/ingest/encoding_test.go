package ingest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// offsetAdapter decodes every body into one message whose time has the
// offset +24:00, which time.Time.MarshalJSON rejects.
type offsetAdapter struct{}

func (offsetAdapter) Agency() string { return "offset" }

func (offsetAdapter) Decode([]byte, string) (adapters.Decoded, error) {
	at := time.Date(2025, 10, 1, 15, 40, 0, 0, time.FixedZone("", 24*3600))
	return adapters.Decoded{Messages: []canonical.Message{{
		Type: canonical.TypeArrest, SenderMessageID: "ARR-24", OccurredAt: at,
		Arrest: &canonical.Arrest{},
	}}}, nil
}

func (offsetAdapter) Encode(*canonical.Message) (adapters.Encoded, error) {
	return adapters.Encoded{}, adapters.ErrUnsupported
}

// TestAcceptUnencodableTimeInvalid checks that a decoded time that JSON
// cannot encode rejects the message as invalid, with or without the
// content hash, and not as a failure of the journal.
func TestAcceptUnencodableTimeInvalid(t *testing.T) {
	for _, noContentCheck := range []bool{false, true} {
		f := newFixture(t)
		set, err := registry.NewSet(offsetAdapter{})
		if err != nil {
			t.Fatalf("building adapters: %v", err)
		}
		f.service.Adapters = set
		f.service.NoContentCheck = noContentCheck

		_, err = f.service.Accept(context.Background(), "offset", []byte(`{}`), "application/json")
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != ingest.RuleDateTime {
			t.Errorf("NoContentCheck %v: Accept error = %v, want one %s violation",
				noContentCheck, err, ingest.RuleDateTime)
		}
		if !ingest.IsInvalid(err) {
			t.Errorf("NoContentCheck %v: IsInvalid(%v) = false", noContentCheck, err)
		}
		var encoding *ingest.EncodingError
		if errors.As(err, &encoding) {
			t.Errorf("NoContentCheck %v: error %v is an EncodingError", noContentCheck, err)
		}
		if found := f.find(t, journal.Query{}); len(found) != 0 {
			t.Errorf("NoContentCheck %v: journal has %d messages, want none", noContentCheck, len(found))
		}
	}
}
