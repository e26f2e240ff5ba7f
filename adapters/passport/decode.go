package passport

import (
	"fmt"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
)

// documentSchema is the schema every input is validated against first.
const documentSchema = "passport/document.json"

// Decode turns one verification request or report into one canonical
// message. The document is checked against the passport schema and then
// by rules a schema cannot express: the machine readable zone's check
// digits and layout, dates in the future or out of order, and Aadhaar
// numbers. Every violation found is returned at once, each with a JSON
// pointer into body, wrapped in a *schemas.ValidationError, and sorted
// by pointer. A request rejected for them also lists each field that
// only the hub sets (see HubOnlyViolations), which the hub otherwise
// rejects after Decode. Input that is
// not one JSON object returns an error wrapping adapters.ErrMalformed.
//
// Decoded.Journal is set when an Aadhaar number was masked, also one in
// the old passport's zone, and is then the document with that number
// masked.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	if err := jsondoc.CheckContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding passport document: %w", err)
	}
	c := newChecker(a.cfg)
	d, err := reader.Decode(c, body)
	c.addHubOnly(err)
	return d, err
}

// reader reads the verification documents.
var reader = &jsondoc.Reader[*checker]{
	Noun:   "passport",
	Schema: documentSchema,
	Kinds: map[string]jsondoc.Kind[*checker]{
		docRequest: jsondoc.As((*checker).request),
		docReport:  jsondoc.As((*checker).report),
	},
}
