// Package samples reads the documents that a mock agency sends to the
// hub, embedded in the mock's package under samples/.
package samples

import (
	"io/fs"
	"path"
	"strings"
)

// Sample is one embedded document.
type Sample struct {
	// Name is the file name without its extension, such as
	// "chargesheet-2023-ipc".
	Name string
	Body []byte
	// Invalid is true for a document the hub must reject: one whose name
	// starts with "invalid-".
	Invalid bool
}

// Read returns the files of folder samples in files whose names end in
// ext, sorted by name. The files are embedded in the binary, so a
// missing or unreadable one is a build mistake, and Read panics naming
// mock.
func Read(files fs.FS, ext, mock string) []Sample {
	entries, err := fs.ReadDir(files, "samples")
	if err != nil {
		panic(mock + " mock: reading embedded samples: " + err.Error())
	}
	var out []Sample
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ext) {
			continue
		}
		body, err := fs.ReadFile(files, path.Join("samples", e.Name()))
		if err != nil {
			panic(mock + " mock: reading embedded sample: " + err.Error())
		}
		name := strings.TrimSuffix(e.Name(), ext)
		out = append(out, Sample{Name: name, Body: body, Invalid: strings.HasPrefix(name, "invalid-")})
	}
	return out
}
