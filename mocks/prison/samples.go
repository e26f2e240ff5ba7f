package prison

import (
	"embed"

	"github.com/sangam-hub/sangam/mocks/internal/samples"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a movement event a prison sends.
type Sample = samples.Sample

// Samples returns the embedded movement events, sorted by name. Each
// links its prisoner to an FIR of the mock police station's samples:
// FIR 1187/2025 of station EKM0412 (a chain snatching) or FIR 402/2023
// of station EKM0420 (a murder). They are an admission and a court
// production of an undertrial, his release on bail, the release of a
// foreign national for deportation, an escape from hospital and a death
// in custody. The one named with the prefix "invalid-" breaks several
// rules.
func Samples() []Sample {
	return samples.Read(sampleFiles, ".json", "prison")
}
