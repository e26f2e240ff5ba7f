package jsondoc

import (
	"encoding/json"

	"github.com/sangam-hub/sangam/schemas"
)

// Marshal writes doc as indented JSON and validates it against the named
// schema, so that no document the schema rejects leaves the hub.
func Marshal(doc any, schema string) ([]byte, error) {
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := schemas.Validate(schema, body); err != nil {
		return nil, err
	}
	return body, nil
}
