package prisons_test

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
)

func newAdapter(t testing.TB) *prisons.Adapter {
	t.Helper()
	a, err := prisons.New(prisons.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatalf("prisons.New: %v", err)
	}
	return a
}

// inputs returns the valid documents in testdata with extension ext
// (".json" or ".xml") by file name.
func inputs(t testing.TB, ext string) map[string][]byte {
	t.Helper()
	return jsondoctest.Inputs(t, ext)
}

func TestConformanceJSON(t *testing.T) {
	a := newAdapter(t)
	adaptertest.Run(t, adaptertest.Suite{
		Adapter: a,
		Features: adaptertest.Features{
			Decodes:   true,
			Encodes:   []canonical.Type{canonical.TypeMovement, canonical.TypeCourtOrder},
			RoundTrip: true,
		},
		ContentType: prisons.ContentType,
		Inputs:      inputs(t, ".json"),
		Messages:    roundTripMessages(t, a),
		Comparable:  jsondoctest.Comparable,
		Hostile: map[string][]byte{
			"array of documents": []byte(`[{"document_type":"movement"}]`),
			"unknown type":       []byte(`{"document_type":"warrant"}`),
			"empty object":       []byte(`{}`),
			"XML as JSON":        inputs(t, ".xml")["booking_report"],
		},
	})
}

func TestConformanceNIEM(t *testing.T) {
	adaptertest.Run(t, adaptertest.Suite{
		Adapter:     newAdapter(t),
		Features:    adaptertest.Features{Decodes: true, XML: true},
		ContentType: prisons.XMLContentType,
		Inputs:      inputs(t, ".xml"),
		Hostile: map[string][]byte{
			"other root":  []byte(`<BookingReport xmlns="urn:other"/>`),
			"no booking":  []byte(`<BookingReport xmlns="http://ojbc.org/IEPD/Exchange/BookingReport/1.0"/>`),
			"JSON as XML": inputs(t, ".json")["release_bail"],
		},
	})
}

// roundTripMessages decodes every testdata input, so the round trip
// covers every field the JSON documents carry and the NIEM reports'
// movements too. It stamps each with the time the hub received it, and
// each court order with the hub's id and source, which the hub writes on
// the orders it sends and rejects on a prison's movement.
func roundTripMessages(t *testing.T, a *prisons.Adapter) []canonical.Message {
	t.Helper()
	var out []canonical.Message
	for _, ext := range []string{".json", ".xml"} {
		for name, body := range inputs(t, ext) {
			d, err := a.Decode(body, "")
			if err != nil {
				t.Fatalf("decoding %s: %v", name, err)
			}
			m := d.Messages[0]
			m.ReceivedAt = m.OccurredAt.Add(time.Minute)
			if m.Type == canonical.TypeCourtOrder {
				m.ID, m.Source = "hub-"+name, "courts"
			}
			out = append(out, m)
		}
	}
	return out
}

func FuzzDecodeJSON(f *testing.F) {
	a := newAdapter(f)
	var seeds [][]byte
	for _, body := range inputs(f, ".json") {
		seeds = append(seeds, body)
	}
	adaptertest.Fuzz(f, a, prisons.ContentType, seeds...)
}

func FuzzDecodeNIEM(f *testing.F) {
	a := newAdapter(f)
	var seeds [][]byte
	for _, body := range inputs(f, ".xml") {
		seeds = append(seeds, body)
	}
	adaptertest.Fuzz(f, a, prisons.XMLContentType, seeds...)
}

func TestConfigValidate(t *testing.T) {
	if _, err := prisons.New(prisons.Config{AadhaarKey: []byte("short")}); err == nil {
		t.Error("New accepted a 5-byte Aadhaar key")
	}
	negative := prisons.Config{AadhaarKey: jsondoctest.Key, ClockSkew: -time.Second}
	if _, err := prisons.New(negative); err == nil {
		t.Error("New accepted a negative clock skew")
	}
}
