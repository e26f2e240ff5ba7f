package police_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func newAdapter(t testing.TB) *police.Adapter {
	t.Helper()
	a, err := police.New(police.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatalf("police.New: %v", err)
	}
	return a
}

// inputs returns the valid documents in testdata by file name.
func inputs(t testing.TB) map[string][]byte {
	t.Helper()
	return jsondoctest.Inputs(t, ".json")
}

// TestConformance runs the suite twice. Stations send FIRs, arrests and
// final reports, which must survive a round trip; the hub also encodes
// court registrations for them, which Decode rejects, so the round trip
// leaves those out.
func TestConformance(t *testing.T) {
	a := newAdapter(t)
	registration := readFile(t, "testdata/encoded/court_registration.json")
	adaptertest.Run(t, adaptertest.Suite{
		Adapter: a,
		Features: adaptertest.Features{
			Decodes: true,
			Encodes: []canonical.Type{
				canonical.TypeFIR, canonical.TypeArrest,
				canonical.TypeChargesheet, canonical.TypeCourtRegistration,
			},
		},
		ContentType: police.ContentType,
		Inputs:      inputs(t),
		Messages:    append(roundTripMessages(t, a), registrationMessages()...),
		Hostile: map[string][]byte{
			"array of documents": []byte(`[{"document_type":"fir"}]`),
			"string":             []byte(`"fir"`),
			"unknown type":       []byte(`{"document_type":"warrant"}`),
			"empty object":       []byte(`{}`),
			"court registration": registration,
		},
	})
	t.Run("stations", func(t *testing.T) {
		adaptertest.Run(t, adaptertest.Suite{
			Adapter:     a,
			Features:    adaptertest.Features{RoundTrip: true},
			ContentType: police.ContentType,
			Messages:    stationMessages(roundTripMessages(t, a)),
			Comparable:  jsondoctest.Comparable,
		})
	})
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// roundTripMessages decodes every testdata input, so the round trip
// covers every field the police format carries, stamps each with the
// envelope fields the hub adds, and adds messages built by hand.
func roundTripMessages(t *testing.T, a *police.Adapter) []canonical.Message {
	t.Helper()
	var out []canonical.Message
	for name, body := range inputs(t) {
		d, err := a.Decode(body, police.ContentType)
		if err != nil {
			t.Fatalf("decoding %s: %v", name, err)
		}
		m := d.Messages[0]
		m.ID, m.Source, m.ReceivedAt = "hub-"+name, "police", m.OccurredAt.Add(time.Minute)
		out = append(out, m)
	}
	return append(out, handBuiltMessages()...)
}

// stationMessages returns messages without the hub's id and source,
// which the hub writes on its documents and rejects on a station's, so
// that Encode writes what a station sends.
func stationMessages(messages []canonical.Message) []canonical.Message {
	out := slices.Clone(messages)
	for i := range out {
		out[i].ID, out[i].Source = "", ""
	}
	return out
}

func FuzzDecode(f *testing.F) {
	a := newAdapter(f)
	var seeds [][]byte
	for _, body := range inputs(f) {
		seeds = append(seeds, body)
	}
	adaptertest.Fuzz(f, a, police.ContentType, seeds...)
}

// FuzzDecodeCanonical requires every message Decode accepts to pass the
// canonical schema, and every journal body to stay valid JSON.
func FuzzDecodeCanonical(f *testing.F) {
	a := newAdapter(f)
	for _, body := range inputs(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := a.Decode(body, police.ContentType)
		if d.Journal != nil && !json.Valid(d.Journal) {
			t.Fatalf("Journal is not valid JSON:\n%s", d.Journal)
		}
		if err != nil {
			return
		}
		for i := range d.Messages {
			if err := schemas.ValidateValue("canonical/message.json", d.Messages[i]); err != nil {
				t.Fatalf("accepted message fails the canonical schema: %v", err)
			}
		}
	})
}

// TestWholeNumberWithFractionPointed posts a birth year written 1978.0,
// which JSON Schema counts as an integer. The violation points at the
// accused it belongs to, by index, and speaks of JSON, not of Go.
func TestWholeNumberWithFractionPointed(t *testing.T) {
	body := readFile(t, "testdata/final_report_ipc.json")
	body = bytes.Replace(body, []byte(`"birth_year": 1978,`), []byte(`"birth_year": 1978.0,`), 1)
	_, err := newAdapter(t).Decode(body, police.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode: %v, want one violation", err)
	}
	v := vs[0]
	if v.Pointer != "/accused/0/person/birth_year" || v.Rule != "type" {
		t.Errorf("violation at %s (%s), want /accused/0/person/birth_year (type)", v.Pointer, v.Rule)
	}
	if !strings.Contains(v.Message, "1978.0") || strings.Contains(v.Message, "Go struct") {
		t.Errorf("message %q, want it to quote the number and no Go type", v.Message)
	}
}
