package police

import (
	"embed"

	"github.com/sangam-hub/sangam/mocks/internal/samples"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a document a police station sends.
type Sample = samples.Sample

// Samples returns the embedded sample documents, sorted by name. They are
// an FIR, an arrest memo and two chargesheets, one citing IPC sections
// for a 2023 offence and one BNS sections for a 2025 offence with
// Malayalam and English names, followed by the BNS case's first
// supplementary chargesheet. The last, prefixed "invalid-", is a
// chargesheet that breaks several rules.
func Samples() []Sample {
	return samples.Read(sampleFiles, ".json", "police")
}
