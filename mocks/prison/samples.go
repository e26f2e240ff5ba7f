package prison

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a movement event a prison sends.
type Sample struct {
	// Name is the file name without .json, such as "escape-from-hospital".
	Name string
	Body []byte
	// Invalid is true for an event the hub must reject.
	Invalid bool
}

// Samples returns the embedded movement events, sorted by name. Each
// links its prisoner to an FIR of the mock police station's samples:
// FIR 1187/2025 of station EKM0412 (a chain snatching) or FIR 402/2023
// of station EKM0420 (a murder). They are an admission and a court
// production of an undertrial, his release on bail, the release of a
// foreign national for deportation, an escape from hospital and a death
// in custody. The one named with the prefix "invalid-" breaks several
// rules.
func Samples() []Sample {
	entries, err := fs.ReadDir(sampleFiles, "samples")
	if err != nil {
		panic("prison mock: reading embedded samples: " + err.Error())
	}
	var out []Sample
	for _, e := range entries {
		body, err := sampleFiles.ReadFile(path.Join("samples", e.Name()))
		if err != nil {
			panic("prison mock: reading embedded sample: " + err.Error())
		}
		name := strings.TrimSuffix(e.Name(), ".json")
		out = append(out, Sample{Name: name, Body: body, Invalid: strings.HasPrefix(name, "invalid-")})
	}
	return out
}
