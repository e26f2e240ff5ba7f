package police_test

import (
	"encoding/json"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// TestDecodeAadhaarInNumber rejects a JSON number that writes an Aadhaar
// number, at its pointer. The journal copy of a body accepted with a
// number like one stays JSON once masked.
func TestDecodeAadhaarInNumber(t *testing.T) {
	const at = "/property_recovered/0/value_inr"
	a := newAdapter(t)
	jsondoctest.CheckAadhaarNumbers(t, at, func(value json.RawMessage) error {
		_, err := a.Decode(editDocument(t, "arrest", []edit{{at, value}}), police.ContentType)
		return err
	})
	for _, value := range []string{"491873625404", "1491873625403", "4918736254031"} {
		body := editDocument(t, "arrest", []edit{{at, json.RawMessage(value)}})
		d, err := a.Decode(body, police.ContentType)
		if err != nil {
			t.Errorf("value_inr %s: Decode: %v", value, err)
			continue
		}
		raw := d.Journal
		if raw == nil {
			raw = body
		}
		if masked, _ := canonical.MaskAadhaarInBody(raw); !json.Valid(masked) {
			t.Errorf("value_inr %s: the masked journal copy is not JSON: %s", value, masked)
		}
	}
}

// TestDecodeAadhaarIdentifierNumber keeps masking an Aadhaar identifier
// sent as a JSON number, which the schema rejects for its type, rather
// than reporting it as aadhaar-like.
func TestDecodeAadhaarIdentifierNumber(t *testing.T) {
	const at = "/accused/identifiers/0/number"
	body := editDocument(t, "arrest", []edit{{at, json.RawMessage("491873625403")}})
	d, err := newAdapter(t).Decode(body, police.ContentType)
	for _, v := range jsondoctest.Sorted(schemas.Violations(err)) {
		if v[1] == canonical.RuleAadhaarLike {
			t.Errorf("violation %v, want none of rule %s", v, canonical.RuleAadhaarLike)
		}
	}
	if !json.Valid(d.Journal) {
		t.Errorf("journal copy is not JSON: %s", d.Journal)
	}
}

// TestDecodeNumberSize rejects a number too long or too large for the
// schema validator at its pointer, before the validator reads it.
func TestDecodeNumberSize(t *testing.T) {
	const at = "/property_recovered/0/value_inr"
	a := newAdapter(t)
	jsondoctest.CheckNumberSizes(t, at, func(value json.RawMessage) error {
		_, err := a.Decode(editDocument(t, "arrest", []edit{{at, value}}), police.ContentType)
		return err
	})
}
