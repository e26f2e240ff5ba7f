package policy

import (
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

// ApplyRoundTrip is Apply without the copy of a whole body: it always
// takes the JSON round trip.
func ApplyRoundTrip(c *Compiled, m *canonical.Message) (canonical.Message, Decision, error) {
	return c.applyMessage(m, false)
}

// SampleMessages is sampleMessages for the external tests.
func SampleMessages(t testing.TB) map[string]canonical.Message { return sampleMessages(t) }
