package police

import (
	"slices"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// maskedValue returns what replaces the value of an Aadhaar identifier
// in the journal copy: the masked form of a valid number, a masked value
// as it is, and jsondoc.RedactedAadhaar for anything else.
func maskedValue(v string, key []byte) string {
	if canonical.IsMaskedAadhaar(v) {
		return v
	}
	id, err := canonical.MaskAadhaar(v, key)
	if err != nil {
		return jsondoc.RedactedAadhaar
	}
	return id.Value
}

func sortReplacements(rs []replacement) {
	slices.SortFunc(rs, func(a, b replacement) int { return a.start - b.start })
}
