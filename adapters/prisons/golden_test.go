package prisons_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden.json files from the current decoder")

// TestDecodeGolden decodes every testdata input and compares the
// canonical messages with testdata/NAME.golden.json. Run with -update to
// rewrite the golden files after a deliberate change, and review the
// diff.
func TestDecodeGolden(t *testing.T) {
	a := newAdapter(t)
	for _, ext := range []string{".json", ".xml"} {
		for name, body := range inputs(t, ext) {
			t.Run(name, func(t *testing.T) {
				d, err := a.Decode(body, "")
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
}
