package journal

import (
	"fmt"

	"github.com/google/uuid"
)

// ExampleID is a message or delivery id in the form that the hub gives
// them, shown in error messages.
const ExampleID = "0193c9e4-6f5e-7c3a-9b1d-2f4e8a6c1b7d"

// ParseID returns id, the hub's id of a message or delivery, in the form
// that the journal stores: a UUID in lower case with hyphens, as the hub
// makes every such id. It accepts every form that uuid.Parse accepts, so
// an id in upper case finds the same message. Unless id is a UUID,
// ParseID returns an error wrapping ErrInvalid that starts with field, the
// name of the argument or field that gave id, such as "id: invalid id
// "x": want a UUID, such as ...". The id is quoted as QuoteID quotes it.
func ParseID(field, id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", fmt.Errorf("%s: %w id %s: want a UUID, such as %s", field, ErrInvalid, QuoteID(id),
			ExampleID)
	}
	return u.String(), nil
}
