package xmlsafe

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
)

// DocumentIDPattern is the pattern of a police document's message_id,
// $defs/message_id of schemas/police/common.json, which a test of the
// courts adapter keeps equal: printable ASCII without spaces.
var DocumentIDPattern = regexp.MustCompile(`^[!-~]*$`)

// CheckDocumentID returns an error unless id, the text of an XML
// document's IdentificationID that the hub takes as a sender message id
// or quotes as one, matches DocumentIDPattern. A zero-width space, a
// direction override, a tab or an inner space would make an id that
// prints as another does but is a new message. The error writes id with
// every character outside printable ASCII escaped, as \u200b is, so that
// an invisible one shows, and with its Aadhaar numbers masked
// (canonical.QuoteMasked).
func CheckDocumentID(id string) error {
	if DocumentIDPattern.MatchString(id) {
		return nil
	}
	i := strings.IndexFunc(id, func(r rune) bool { return r < '!' || r > '~' })
	r, _ := utf8.DecodeRuneInString(id[i:])
	return fmt.Errorf("document id %s has U+%04X at byte %d: want printable ASCII characters "+
		"without spaces, as a police document's message_id", canonical.QuoteMasked(id), r, i)
}
