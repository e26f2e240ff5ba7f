package police

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a document a police station sends.
type Sample struct {
	// Name is the file name without .json, such as
	// "chargesheet-2023-ipc".
	Name string
	Body []byte
	// Invalid is true for a document the hub must reject.
	Invalid bool
}

// Samples returns the embedded sample documents, sorted by name. They are
// an FIR, an arrest memo and two chargesheets, one citing IPC sections
// for a 2023 offence and one BNS sections for a 2025 offence with
// Malayalam and English names. The last, prefixed "invalid-", is a
// chargesheet that breaks several rules.
func Samples() []Sample {
	entries, err := fs.ReadDir(sampleFiles, "samples")
	if err != nil {
		panic("police mock: reading embedded samples: " + err.Error())
	}
	var out []Sample
	for _, e := range entries {
		body, err := sampleFiles.ReadFile(path.Join("samples", e.Name()))
		if err != nil {
			panic("police mock: reading embedded sample: " + err.Error())
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		out = append(out, Sample{Name: name, Body: body, Invalid: strings.HasPrefix(name, "invalid-")})
	}
	return out
}
