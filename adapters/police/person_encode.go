package police

import (
	"fmt"
	"reflect"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// person writes a canonical person as a police person. An Aadhaar number
// still in clear is masked. A value that is neither masked nor a valid
// number sets e.err, so it never leaves the hub.
func (e *encoder) person(p canonical.Person) jsondoc.Person {
	return jsondoc.PersonOf(p, e.identifier)
}

func (e *encoder) identifier(i int, id canonical.Identifier) jsondoc.Identifier {
	out := jsondoc.IdentifierOf(id)
	if id.Type != canonical.IDAadhaar || canonical.IsMaskedAadhaar(id.Value) {
		return out
	}
	masked, err := canonical.MaskAadhaar(id.Value, e.key)
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("identifier %d: Aadhaar value is neither masked nor valid: %w", i, err)
		}
		return jsondoc.Identifier{Type: id.Type, Number: jsondoc.RedactedAadhaar}
	}
	out.Number, out.Token = masked.Value, masked.Token
	return out
}

func isZeroPerson(p canonical.Person) bool {
	return reflect.ValueOf(p).IsZero()
}
