package court

import (
	"embed"

	"github.com/sangam-hub/sangam/mocks/internal/samples"
)

//go:embed samples/*.xml
var sampleFiles embed.FS

// Sample is a warrant or court order that a court sends to the hub,
// as agency courts.
type Sample = samples.Sample

// Samples returns the embedded orders, sorted by name: NIEM documents
// whose root has a j:Warrant or j:CourtOrder child. Two are for the
// undertrial of FIR 1187/2025 of station EKM0412 in the Sub Jail,
// Ernakulam (KLSJEKM): a production warrant and a release order on bail.
// A remand warrant commits the accused of FIR 402/2023 of station
// EKM0420 to the Central Prison, Viyyur (KLCJVIY).
// The one named with the prefix "invalid-" breaks several rules.
func Samples() []Sample {
	return samples.Read(sampleFiles, ".xml", "court")
}
