package prisons

import (
	"bytes"
	"fmt"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
)

// documentSchema is the schema every JSON input is validated against
// first.
const documentSchema = "prisons/document.json"

// Decode turns one prison document into one canonical message: a JSON
// movement event or court order, or a NIEM booking or custody release
// report. contentType selects the format; when it is empty, a body that
// starts with '<' is read as XML and any other as JSON.
//
// Input that breaks a rule returns an error wrapping a
// *schemas.ValidationError with every violation, each with a JSON pointer
// (or, for XML, an element path). Input that is not well-formed, carries
// a DTD, or is no document the adapter reads returns an error wrapping
// adapters.ErrMalformed. Decoded.Journal is set when an Aadhaar number
// was masked, and is then the body with that number masked.
//
// A JSON movement may not carry hub_message_id or source_agency, which
// only the hub sets, and carries in_reply_to only when it carries out a
// court order (see checkMembers). A NIEM report has no element that the
// adapter reads into the hub's id, the source agency or the correlation
// id.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	xml, err := isXML(body, contentType)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding prison document: %w", err)
	}
	if xml {
		return a.decodeNIEM(body, contentType)
	}
	return a.decodeJSON(body)
}

// isXML reports whether contentType, or the body when contentType is
// empty, names XML rather than JSON. A media type that is neither returns
// an *adapters.MediaTypeError.
func isXML(body []byte, contentType string) (bool, error) {
	if contentType == "" {
		return bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("<")), nil
	}
	mediaType, err := adapters.CheckMediaType(contentType,
		ContentType, XMLContentType, "text/xml", "+json", "+xml")
	if err != nil {
		return false, err
	}
	return !jsondoc.IsJSON(mediaType), nil
}

// reader reads the JSON documents.
var reader = &jsondoc.Reader[*checker]{
	Noun:   "prison",
	Schema: documentSchema,
	Kinds: map[string]jsondoc.Kind[*checker]{
		docMovement:   jsondoc.As((*checker).movement),
		docCourtOrder: jsondoc.As((*checker).courtOrder),
	},
	CheckMembers: checkMembers,
}

func (a *Adapter) decodeJSON(body []byte) (adapters.Decoded, error) {
	return reader.Decode(newChecker(a.cfg), body)
}
