package passport_test

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
)

func newAdapter(t testing.TB) *passport.Adapter {
	t.Helper()
	a, err := passport.New(passport.Config{AadhaarKey: jsondoctest.Key, Now: jsondoctest.Clock})
	if err != nil {
		t.Fatalf("passport.New: %v", err)
	}
	return a
}

// inputs returns the valid documents in testdata by file name.
func inputs(t testing.TB) map[string][]byte {
	t.Helper()
	return jsondoctest.Inputs(t, ".json")
}

func TestConformance(t *testing.T) {
	a := newAdapter(t)
	adaptertest.Run(t, adaptertest.Suite{
		Adapter: a,
		Features: adaptertest.Features{
			Decodes:   true,
			Encodes:   []canonical.Type{canonical.TypeVerificationRequest, canonical.TypeVerificationReport},
			RoundTrip: true,
		},
		ContentType: passport.ContentType,
		Inputs:      inputs(t),
		Messages:    roundTripMessages(t, a),
		Comparable:  jsondoctest.Comparable,
		Hostile: map[string][]byte{
			"array of documents": []byte(`[{"document_type":"verification_request"}]`),
			"unknown type":       []byte(`{"document_type":"passport"}`),
			"empty object":       []byte(`{}`),
		},
	})
}

// roundTripMessages decodes every testdata input and stamps each with the
// envelope fields the hub adds, and with the station and matches the hub
// adds to a request.
func roundTripMessages(t *testing.T, a *passport.Adapter) []canonical.Message {
	t.Helper()
	var out []canonical.Message
	for name, body := range inputs(t) {
		d, err := a.Decode(body, passport.ContentType)
		if err != nil {
			t.Fatalf("decoding %s: %v", name, err)
		}
		m := d.Messages[0]
		m.ID, m.Source, m.ReceivedAt = "hub-"+name, "passport", m.OccurredAt.Add(time.Minute)
		if r := m.VerificationRequest; r != nil {
			r.PoliceStation = "EKM0412"
			ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
			r.Matches = []canonical.CaseMatch{{Case: canonical.CaseRef{FIR: &ref}, MatchedBy: "name_and_date_of_birth"}}
		}
		out = append(out, m)
	}
	return out
}

// TestDecodeGolden decodes every testdata input and compares the
// canonical messages with testdata/NAME.golden.json.
func TestDecodeGolden(t *testing.T) {
	a := newAdapter(t)
	for name, body := range inputs(t) {
		t.Run(name, func(t *testing.T) {
			d, err := a.Decode(body, passport.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			jsondoctest.Golden(t, name, d.Messages)
		})
	}
}

func FuzzDecode(f *testing.F) {
	a := newAdapter(f)
	var seeds [][]byte
	for _, body := range inputs(f) {
		seeds = append(seeds, body)
	}
	adaptertest.Fuzz(f, a, passport.ContentType, seeds...)
}

func TestConfigValidate(t *testing.T) {
	if _, err := passport.New(passport.Config{AadhaarKey: []byte("short")}); err == nil {
		t.Error("New accepted a 5-byte Aadhaar key")
	}
	negative := passport.Config{AadhaarKey: jsondoctest.Key, ClockSkew: -time.Second}
	if _, err := passport.New(negative); err == nil {
		t.Error("New accepted a negative clock skew")
	}
}
