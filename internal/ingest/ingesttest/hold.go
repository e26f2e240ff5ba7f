package ingesttest

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
)

// Hold is an adapter that blocks in Decode, so inside a decode turn,
// until the test closes Release. It sends on Entered first, then decodes
// with the adapter it wraps.
type Hold struct {
	adapters.Adapter
	Entered chan struct{}
	Release chan struct{}
}

// HoldDecoding returns the adapters of set with agency's wrapped in a
// Hold whose Entered channel buffers up to n bodies that entered Decode.
func HoldDecoding(t *testing.T, set *registry.Set, agency string, n int) (*registry.Set, Hold) {
	t.Helper()
	a, ok := set.Adapter(agency)
	if !ok {
		t.Fatalf("no adapter for %q", agency)
	}
	h := Hold{Adapter: a, Entered: make(chan struct{}, n), Release: make(chan struct{})}
	var all []adapters.Adapter
	for _, name := range set.Agencies() {
		if name == agency {
			all = append(all, h)
			continue
		}
		other, _ := set.Adapter(name)
		all = append(all, other)
	}
	wrapped, err := registry.NewSet(all...)
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	return wrapped, h
}

// Decode waits for Release and decodes body.
func (h Hold) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	h.Entered <- struct{}{}
	<-h.Release
	return h.Adapter.Decode(body, contentType)
}
