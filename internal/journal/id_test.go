package journal

import (
	"errors"
	"strings"
	"testing"
)

func TestParseIDAcceptsUUIDs(t *testing.T) {
	for _, id := range []string{
		ExampleID,
		strings.ToUpper(ExampleID),
		"urn:uuid:" + ExampleID,
	} {
		got, err := ParseID("id", id)
		if err != nil {
			t.Errorf("ParseID(%q) error = %v, want none", id, err)
		}
		if got != ExampleID {
			t.Errorf("ParseID(%q) = %q, want %q", id, got, ExampleID)
		}
	}
}

func TestParseIDRejectsOtherText(t *testing.T) {
	for _, id := range []string{
		"", "not-a-uuid", ".", "..", "d1", ExampleID[:35], ExampleID + "0",
		"0193c9e4-6f5e-7c3a-9b1d-2f4e8a6c1b7g",
	} {
		got, err := ParseID("DELIVERY_ID", id)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseID(%q) error = %v, want ErrInvalid", id, err)
			continue
		}
		if got != "" {
			t.Errorf("ParseID(%q) = %q with an error, want \"\"", id, got)
		}
		if !strings.HasPrefix(err.Error(), "DELIVERY_ID: invalid id ") {
			t.Errorf("ParseID(%q) error = %q, want it to start with the field", id, err)
		}
		if !strings.Contains(err.Error(), "want a UUID") {
			t.Errorf("ParseID(%q) error = %q, want it to name the rule", id, err)
		}
	}
}

func TestParseIDMasksAadhaar(t *testing.T) {
	_, err := ParseID("id", "4918 7362 5403")
	if err == nil {
		t.Fatal("ParseID of an Aadhaar number: no error")
	}
	if strings.Contains(err.Error(), "4918 7362") {
		t.Errorf("error = %q, want the Aadhaar number masked", err)
	}
}
