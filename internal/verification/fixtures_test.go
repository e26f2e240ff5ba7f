package verification

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	mpassport "github.com/sangam-hub/sangam/mocks/passport"
	mpolice "github.com/sangam-hub/sangam/mocks/police"
	mprison "github.com/sangam-hub/sangam/mocks/prison"
)

// testKey is the Aadhaar key of the tests' adapters.
var testKey = []byte("verification test key, 32 bytes!")

// decode decodes a mock agency's sample through the hub's adapter.
func decode(t *testing.T, agency, name string) canonical.Message {
	t.Helper()
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := set.Adapter(agency)
	d, err := a.Decode(sampleBody(t, agency, name), "application/json")
	if err != nil {
		t.Fatalf("decoding %s sample %s: %v", agency, name, err)
	}
	return d.Messages[0]
}

func sampleBody(t *testing.T, agency, name string) []byte {
	t.Helper()
	switch agency {
	case "police":
		for _, s := range mpolice.Samples() {
			if s.Name == name {
				return s.Body
			}
		}
	case "prisons":
		for _, s := range mprison.Samples() {
			if s.Name == name {
				return s.Body
			}
		}
	case "passport":
		for _, s := range mpassport.Samples() {
			if s.Name == name {
				return s.Body
			}
		}
	}
	t.Fatalf("no %s sample %q", agency, name)
	return nil
}

// withSource sets the source ingest would stamp.
func withSource(m canonical.Message, source string) canonical.Message {
	m.Source = source
	return m
}

// freshRequest is the passport office's fresh request for Shibu K. R.,
// whom the mock police arrested, at Edappally, PIN 682024.
func freshRequest(t *testing.T) canonical.Message {
	return withSource(decode(t, "passport", "request-fresh"), "passport")
}

// requestEnricher returns an enricher over e with the default table.
func (e *env) requestEnricher() *RequestEnricher {
	return &RequestEnricher{Index: e.index, Jurisdiction: jurisdiction.Default()}
}

// loadRecords journals the police and prison samples that name persons.
func (e *env) loadRecords(t *testing.T) {
	t.Helper()
	for _, name := range []string{"fir-kaloor-snatching", "arrest-kaloor-snatching",
		"chargesheet-2023-ipc", "chargesheet-2025-bns-malayalam"} {
		e.accept(t, withSource(decode(t, "police", name), "police"))
	}
	for _, name := range []string{"release-foreign-national", "death-in-custody"} {
		e.accept(t, withSource(decode(t, "prisons", name), "prisons"))
	}
}
