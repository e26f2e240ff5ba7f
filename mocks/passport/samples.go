package passport

import (
	"embed"

	"github.com/sangam-hub/sangam/mocks/internal/samples"
)

//go:embed samples/*.json
var sampleFiles embed.FS

// Sample is a verification request the passport office sends.
type Sample = samples.Sample

// Samples returns the embedded verification requests, sorted by name: a
// fresh application by the accused of the mock police station's FIR
// 1187/2025, whose Aadhaar number matches the arrest memo's, and a
// reissue with the old passport's valid TD3 zone. The one named with the
// prefix "invalid-" is that reissue with a wrong date of birth check
// digit.
func Samples() []Sample {
	return samples.Read(sampleFiles, ".json", "passport")
}
