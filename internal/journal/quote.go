package journal

import (
	"strconv"

	"github.com/sangam-hub/sangam/canonical"
)

// QuoteID returns id quoted in ASCII, as strconv.QuoteToASCII writes it,
// for a message that names id, a value that a sender wrote and the
// journal stores, such as a sender message id or a prisoner number. The
// quotes show where id starts and ends, and an invisible, bidi or
// control character in it shows as an escape. QuoteID masks an Aadhaar
// number in id first (canonical.MaskAadhaarInText). The masking of error
// responses reads text, not escapes, so it would miss a number whose
// digits or separators the quoting escapes.
func QuoteID(id string) string {
	if masked, ok := canonical.MaskAadhaarInText(id); ok {
		id = masked
	}
	return strconv.QuoteToASCII(id)
}
