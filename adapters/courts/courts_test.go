package courts

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/canonical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenMessages are the canonical messages whose encoding is kept in
// testdata, by file name.
func goldenMessages() map[string]canonical.Message {
	return map[string]canonical.Message{
		"kochi_chargesheet.xml":   kochiChargesheet(),
		"tracked_chargesheet.xml": trackedChargesheet(),
		"kochi_callback.xml":      kochiRegistration(),
	}
}

func encodeGolden(t *testing.T, m canonical.Message) []byte {
	t.Helper()
	if m.Type == canonical.TypeCourtRegistration {
		body, err := EncodeCallback(&m)
		if err != nil {
			t.Fatalf("EncodeCallback: %v", err)
		}
		return body
	}
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return enc.Body
}

func TestGolden(t *testing.T) {
	for file, m := range goldenMessages() {
		t.Run(file, func(t *testing.T) {
			got := encodeGolden(t, m)
			path := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("encoding differs from %s (run with -update if the change is intended)\ngot:\n%s",
					path, got)
			}
		})
	}
}

func readTestdata(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestConformance(t *testing.T) {
	inputs := map[string][]byte{}
	for file := range goldenMessages() {
		inputs[file] = readTestdata(t, file)
	}
	adaptertest.Run(t, adaptertest.Suite{
		Adapter: &Adapter{},
		Features: adaptertest.Features{
			Decodes:   true,
			Encodes:   []canonical.Type{canonical.TypeChargesheet},
			RoundTrip: true,
			XML:       true,
		},
		ContentType: ContentType,
		Inputs:      inputs,
		Messages:    []canonical.Message{kochiChargesheet(), trackedChargesheet()},
		Comparable:  comparable,
		Hostile: map[string][]byte{
			"other root": []byte(`<a xmlns="urn:example"/>`),
			"JSON":       []byte(`{"type":"chargesheet"}`),
			"callback without case number": caseNumbersRemoved.ReplaceAll(
				readTestdata(t, "kochi_callback.xml"), nil),
		},
	})
}

// caseNumbersRemoved matches the CNR and the filing number of a callback.
var caseNumbersRemoved = regexp.MustCompile(`<nc:Case(TrackingID|DocketID)>[^<]*</nc:Case(TrackingID|DocketID)>`)

func FuzzDecode(f *testing.F) {
	var seeds [][]byte
	for file := range goldenMessages() {
		seeds = append(seeds, readTestdata(f, file))
	}
	adaptertest.Fuzz(f, &Adapter{}, ContentType, seeds...)
}
