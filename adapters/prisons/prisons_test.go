package prisons_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
)

// testKey is the Aadhaar key of the tests' adapter.
var testKey = []byte("sangam test key, 32 bytes long!!")

// testNow is the tests' current time, so that future dates stay future.
var testNow = time.Date(2026, time.June, 30, 12, 0, 0, 0, ist)

var ist = time.FixedZone("IST", 5*3600+1800)

func newAdapter(t testing.TB) *prisons.Adapter {
	t.Helper()
	a, err := prisons.New(prisons.Config{AadhaarKey: testKey, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("prisons.New: %v", err)
	}
	return a
}

// inputs returns the valid documents in testdata with extension ext
// (".json" or ".xml") by file name.
func inputs(t testing.TB, ext string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/*" + ext)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ext)] = body
	}
	if len(out) == 0 {
		t.Fatalf("no %s inputs in testdata", ext)
	}
	return out
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
		Comparable:  comparable,
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
// movements too, and stamps each with the envelope fields the hub adds.
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
			m.ID, m.Source, m.ReceivedAt = "hub-"+name, "prisons", m.OccurredAt.Add(time.Minute)
			out = append(out, m)
		}
	}
	return out
}

// comparable clears the fields the hub sets and normalizes times through
// JSON, so that equal instants with equal offsets compare equal.
func comparable(m canonical.Message) canonical.Message {
	m.ID, m.Source, m.ReceivedAt = "", "", time.Time{}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	var out canonical.Message
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
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
	if _, err := prisons.New(prisons.Config{AadhaarKey: testKey, ClockSkew: -time.Second}); err == nil {
		t.Error("New accepted a negative clock skew")
	}
}
