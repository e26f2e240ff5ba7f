package passport

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a verification request the passport office sends.
type Sample struct {
	// Name is the file name without .json, such as "request-fresh".
	Name string
	Body []byte
	// Invalid is true for a request the hub must reject.
	Invalid bool
}

// Samples returns the embedded verification requests, sorted by name: a
// fresh application by the accused of the mock police station's FIR
// 1187/2025, whose Aadhaar number matches the arrest memo's, and a
// reissue with the old passport's valid TD3 zone. The one named with the
// prefix "invalid-" is that reissue with a wrong date of birth check
// digit.
func Samples() []Sample {
	entries, err := fs.ReadDir(sampleFiles, "samples")
	if err != nil {
		panic("passport mock: reading embedded samples: " + err.Error())
	}
	var out []Sample
	for _, e := range entries {
		body, err := sampleFiles.ReadFile(path.Join("samples", e.Name()))
		if err != nil {
			panic("passport mock: reading embedded sample: " + err.Error())
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		out = append(out, Sample{Name: name, Body: body, Invalid: strings.HasPrefix(name, "invalid-")})
	}
	return out
}
