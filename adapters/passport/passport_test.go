package passport_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
)

// testKey is the Aadhaar key of the tests' adapter.
var testKey = []byte("sangam test key, 32 bytes long!!")

// testNow is the tests' current time, so that future dates stay future.
var testNow = time.Date(2026, time.June, 30, 12, 0, 0, 0, ist)

var ist = time.FixedZone("IST", 5*3600+1800)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden.json files from the current decoder")

func newAdapter(t testing.TB) *passport.Adapter {
	t.Helper()
	a, err := passport.New(passport.Config{AadhaarKey: testKey, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("passport.New: %v", err)
	}
	return a
}

// inputs returns the valid documents in testdata by file name.
func inputs(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.json")
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
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = body
	}
	if len(out) == 0 {
		t.Fatal("no inputs in testdata")
	}
	return out
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
		Comparable:  comparable,
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

// TestDecodeGolden decodes every testdata input and compares the
// canonical messages with testdata/NAME.golden.json. Run with -update to
// rewrite the golden files after a deliberate change, and review the
// diff.
func TestDecodeGolden(t *testing.T) {
	a := newAdapter(t)
	for name, body := range inputs(t) {
		t.Run(name, func(t *testing.T) {
			d, err := a.Decode(body, passport.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got, err := json.MarshalIndent(d.Messages, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded %s differs from %s\ngot:\n%s", name, path, got)
			}
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
	if _, err := passport.New(passport.Config{AadhaarKey: testKey, ClockSkew: -time.Second}); err == nil {
		t.Error("New accepted a negative clock skew")
	}
}
