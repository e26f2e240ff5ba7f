package court

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed samples/*.xml
var sampleFiles embed.FS

// Sample is a warrant or court order that a court sends to the hub, as
// agency courts.
type Sample struct {
	// Name is the file name without .xml, such as "release-order-bail".
	Name string
	Body []byte
	// Invalid is true for an order the hub must reject.
	Invalid bool
}

// Samples returns the embedded orders, sorted by name: NIEM documents
// whose root has a j:Warrant or j:CourtOrder child. They are a
// production warrant and a release order on bail for the undertrial of
// FIR 1187/2025 of station
// EKM0412 in the Sub Jail, Ernakulam (KLSJEKM), and a remand warrant
// committing the accused of FIR 402/2023 of station EKM0420 to the
// Central Prison, Viyyur (KLCJVIY). The one named with the prefix
// "invalid-" breaks several rules.
func Samples() []Sample {
	entries, err := fs.ReadDir(sampleFiles, "samples")
	if err != nil {
		panic("court mock: reading embedded samples: " + err.Error())
	}
	var out []Sample
	for _, e := range entries {
		body, err := sampleFiles.ReadFile(path.Join("samples", e.Name()))
		if err != nil {
			panic("court mock: reading embedded sample: " + err.Error())
		}
		name := strings.TrimSuffix(e.Name(), ".xml")
		out = append(out, Sample{Name: name, Body: body, Invalid: strings.HasPrefix(name, "invalid-")})
	}
	return out
}
