package police_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sangam-hub/sangam/adapters/police"
)

// TestAadhaarInIndianDigitsMasked sends Aadhaar numbers written in
// Devanagari and Malayalam digits, in an Aadhaar identifier and in free
// text, and expects them masked as numbers in ASCII digits are.
func TestAadhaarInIndianDigitsMasked(t *testing.T) {
	const (
		devanagari = "५८६३ ०१७२ ९४३६" // 5863 0172 9436
		malayalam  = "൪൯൧൮-൭൩൬൨-൫൪൦൩" // 4918-7362-5403
	)

	a := newAdapter(t)
	body := editDocument(t, "fir", []edit{
		{"/first_information", "ആധാർ നമ്പർ " + malayalam + " ആണ്."},
		{"/complainant/identifiers/0", map[string]any{"type": "aadhaar", "number": devanagari}},
	})
	d, err := a.Decode(body, police.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}

	fir := d.Messages[0].FIR
	if want := "ആധാർ നമ്പർ XXXXXXXX5403 ആണ്."; fir.FirstInformation != want {
		t.Errorf("FirstInformation = %q, want %q", fir.FirstInformation, want)
	}

	id := fir.Complainant.Identifiers[0]
	if id.Value != "XXXXXXXX9436" {
		t.Errorf("identifier value = %q, want XXXXXXXX9436", id.Value)
	}
	ascii := decodeOne(t, a, inputs(t)["arrest"]).Arrest.Person.Identifiers[0]
	if id.Token == "" {
		t.Error("token is empty")
	}
	if id.Token != ascii.Token {
		t.Errorf("token = %q, want the token of 5863-0172-9436 in ASCII digits, %q", id.Token, ascii.Token)
	}

	decoded, err := json.Marshal(d.Messages)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{devanagari, malayalam, "०१७२", "൭൩൬൨"} {
		if bytes.Contains(decoded, []byte(clear)) {
			t.Errorf("decoded message contains %q", clear)
		}
		if bytes.Contains(d.Journal, []byte(clear)) {
			t.Errorf("Journal contains %q", clear)
		}
	}
}
