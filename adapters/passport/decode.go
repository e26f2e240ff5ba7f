package passport

import (
	"fmt"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
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
// Decode also reads the requests that the hub sends on to the police,
// so it accepts the envelope members hub_message_id and source_agency,
// which DecodePosted rejects.
//
// Decoded.Journal is set when an Aadhaar number was masked, also one in
// the old passport's zone, and is then the document with that number
// masked.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	return a.decode(reader, body, contentType)
}

// DecodePosted is Decode for a document that the passport office posted
// to the hub. It also rejects hub_message_id and source_agency, which
// only the hub sets, with rule RuleHubOnly at the member. They are
// listed with the document's other violations and with the fields of a
// request that only the hub sets (see HubOnlyViolations), sorted by
// pointer. It implements adapters.PostedDecoder.
func (a *Adapter) DecodePosted(body []byte, contentType string) (adapters.Decoded, error) {
	return a.decode(postedReader, body, contentType)
}

func (a *Adapter) decode(r *jsondoc.Reader[*checker], body []byte, contentType string) (
	adapters.Decoded, error) {
	if err := jsondoc.CheckContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding passport document: %w", err)
	}
	c := newChecker(a.cfg)
	d, err := r.Decode(c, body)
	c.addHubOnly(err)
	return d, err
}

// kinds maps each document type to the code that reads it.
var kinds = map[string]jsondoc.Kind[*checker]{
	docRequest: jsondoc.As((*checker).request),
	docReport:  jsondoc.As((*checker).report),
}

// reader reads the verification documents, those that the hub sends
// included.
var reader = &jsondoc.Reader[*checker]{
	Noun:   "passport",
	Schema: documentSchema,
	Kinds:  kinds,
}

// postedReader reads the verification documents that the passport
// office posts.
var postedReader = &jsondoc.Reader[*checker]{
	Noun:         "passport",
	Schema:       documentSchema,
	Kinds:        kinds,
	CheckMembers: checkPostedMembers,
}

// checkPostedMembers returns a violation for each of members, the names
// of the members of a posted document, that only the hub sets (see
// jsondoc.CheckHubFields). It returns none for a document that could
// not be mapped, whose other violations give the reason.
func checkPostedMembers(m *canonical.Message, members []string) []schemas.Violation {
	if m.Type == "" {
		return nil
	}
	return jsondoc.CheckHubFields(members)
}
