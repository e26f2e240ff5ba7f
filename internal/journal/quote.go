package journal

import "github.com/sangam-hub/sangam/canonical"

// QuoteID returns id quoted in ASCII with its Aadhaar numbers masked
// (canonical.QuoteMasked), for a message that names id, a value that a
// sender wrote and the journal stores, such as a sender message id or a
// prisoner number. The quotes show where id starts and ends, and an
// invisible, bidi or control character in it shows as an escape.
func QuoteID(id string) string {
	return canonical.QuoteMasked(id)
}
