package police_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// clearAadhaar lists the Aadhaar numbers in testdata, as written there.
var clearAadhaar = map[string][]string{
	"fir":              {"4918 7362 5403"},
	"arrest":           {"5863-0172-9436"},
	"final_report_bns": {"586301729436"},
}

// digitForms returns the ways a number may appear in bytes: as written
// and as bare digits.
func digitForms(s string) []string {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(s)
	return []string{s, digits, digits[:4] + " " + digits[4:8] + " " + digits[8:]}
}

func TestAadhaarNotKeptInClear(t *testing.T) {
	a := newAdapter(t)
	for name, numbers := range clearAadhaar {
		t.Run(name, func(t *testing.T) {
			body := inputs(t)[name]
			d, err := a.Decode(body, police.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			decoded, err := json.Marshal(d.Messages)
			if err != nil {
				t.Fatal(err)
			}
			if d.Journal == nil {
				t.Fatal("Journal is nil for a document with an Aadhaar number")
			}
			for _, n := range numbers {
				for _, form := range digitForms(n) {
					if bytes.Contains(decoded, []byte(form)) {
						t.Errorf("decoded message contains Aadhaar %q", form)
					}
					if bytes.Contains(d.Journal, []byte(form)) {
						t.Errorf("Journal contains Aadhaar %q", form)
					}
				}
			}
		})
	}
}

// TestJournalChangesOnlyAadhaar puts the clear numbers back into the
// journal and expects the input, byte for byte.
func TestJournalChangesOnlyAadhaar(t *testing.T) {
	a := newAdapter(t)
	for name, numbers := range clearAadhaar {
		body := inputs(t)[name]
		d, err := a.Decode(body, police.ContentType)
		if err != nil {
			t.Fatalf("%s: Decode: %v", name, err)
		}
		restored := d.Journal
		for _, n := range numbers {
			id, err := canonical.MaskAadhaar(n, jsondoctest.Key)
			if err != nil {
				t.Fatal(err)
			}
			restored = bytes.Replace(restored, []byte(`"`+id.Value+`"`), []byte(`"`+n+`"`), 1)
		}
		if !bytes.Equal(restored, body) {
			t.Errorf("%s: journal differs from the input in more than its Aadhaar numbers:\n%s",
				name, d.Journal)
		}
	}
}

func TestJournalOfRejectedDocument(t *testing.T) {
	a := newAdapter(t)
	body := editDocument(t, "fir", []edit{
		{"/complainant/identifiers/0/number", "4918 7362 5404"}, // check digit wrong
		{"/accused/0/person", map[string]any{
			"names":       []any{map[string]any{"full": "Biju"}},
			"identifiers": []any{map[string]any{"Type": "AADHAAR", "NUMBER": 234567890124}},
		}},
	})
	d, err := a.Decode(body, police.ContentType)
	if schemas.Violations(err) == nil {
		t.Fatalf("Decode error = %v, want a validation error", err)
	}
	for _, form := range append(digitForms("4918 7362 5404"), digitForms("234567890124")...) {
		if bytes.Contains(d.Journal, []byte(form)) {
			t.Errorf("Journal of a rejected document contains Aadhaar %q:\n%s", form, d.Journal)
		}
	}
	if !bytes.Contains(d.Journal, []byte(`"XXXXXXXXXXXX"`)) {
		t.Errorf("Journal lacks the redaction of the invalid number:\n%s", d.Journal)
	}
	if !bytes.Contains(d.Journal, []byte(`"XXXXXXXX0124"`)) {
		t.Errorf("Journal lacks the masked numeric value:\n%s", d.Journal)
	}
	if strings.Contains(err.Error(), "5404") {
		t.Errorf("error message repeats the Aadhaar digits: %v", err)
	}
}

func TestAadhaarTokenMatchesAcrossDocuments(t *testing.T) {
	a := newAdapter(t)
	arrest := decodeOne(t, a, inputs(t)["arrest"])
	report := decodeOne(t, a, inputs(t)["final_report_bns"])
	fromArrest := arrest.Arrest.Person.Identifiers[0]
	fromReport := report.Chargesheet.Accused[0].Person.Identifiers[0]
	if fromArrest.Token == "" || fromArrest.Token != fromReport.Token {
		t.Errorf("tokens of one number differ: %q and %q", fromArrest.Token, fromReport.Token)
	}
	if fromArrest.Value != "XXXXXXXX9436" {
		t.Errorf("masked value = %q, want XXXXXXXX9436", fromArrest.Value)
	}

	other, err := police.New(police.Config{AadhaarKey: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := other.Decode(inputs(t)["arrest"], police.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Messages[0].Arrest.Person.Identifiers[0].Token == fromArrest.Token {
		t.Error("adapters with different keys gave the same token")
	}
}

// TestSenderTokenDropped posts a masked Aadhaar number with a token of
// the sender's. The number is kept; the token is dropped from the
// canonical form, because only the hub makes one and records are
// matched by it.
func TestSenderTokenDropped(t *testing.T) {
	a := newAdapter(t)
	token := strings.Repeat("ab", 32)
	body := editDocument(t, "arrest", []edit{{"/accused/identifiers/0", map[string]any{
		"type": "aadhaar", "number": "XXXXXXXX9436", "token": token,
	}}})
	got := decodeOne(t, a, body).Arrest.Person.Identifiers[0]
	if got.Value != "XXXXXXXX9436" || got.Token != "" {
		t.Errorf("identifier = %+v, want the masked value without the sender's token", got)
	}
}

func decodeOne(t *testing.T, a *police.Adapter, body []byte) canonical.Message {
	t.Helper()
	d, err := a.Decode(body, police.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(d.Messages) != 1 {
		t.Fatalf("Decode returned %d messages, want 1", len(d.Messages))
	}
	return d.Messages[0]
}

func TestAadhaarInFreeTextMasked(t *testing.T) {
	a := newAdapter(t)
	body := editDocument(t, "final_report_bns", []edit{
		{"/brief_facts", "The accused gave his Aadhaar as 5863 0172 9436 at the station."},
		{"/witnesses/1/names/0/full", "Joseph 4918-7362-5403 Varghese"},
		{"/witnesses/1/identifiers", []any{
			map[string]any{"type": "other", "number": "4918 7362 5403"},
			map[string]any{"type": "ration_card", "number": "586301729436"},
		}},
	})
	d, err := a.Decode(body, police.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	sheet := d.Messages[0].Chargesheet
	if want := "The accused gave his Aadhaar as XXXXXXXX9436 at the station."; sheet.BriefFacts != want {
		t.Errorf("BriefFacts = %q, want %q", sheet.BriefFacts, want)
	}
	if got := sheet.Witnesses[1].Names[0].Full; got != "Joseph XXXXXXXX5403 Varghese" {
		t.Errorf("witness name = %q, want the number masked", got)
	}
	ids := sheet.Witnesses[1].Identifiers
	if ids[0].Value != "XXXXXXXX5403" || ids[1].Value != "XXXXXXXX9436" {
		t.Errorf("identifiers = %+v, want both values masked", ids)
	}
	if ids[0].Type != "other" || ids[1].Type != canonical.IDRationCard {
		t.Errorf("identifier types = %q, %q, want them kept", ids[0].Type, ids[1].Type)
	}
	decoded, _ := json.Marshal(d.Messages)
	for _, n := range []string{"5863 0172 9436", "4918 7362 5403"} {
		for _, form := range digitForms(n) {
			if bytes.Contains(decoded, []byte(form)) {
				t.Errorf("decoded message contains Aadhaar %q", form)
			}
			if bytes.Contains(d.Journal, []byte(form)) {
				t.Errorf("Journal contains Aadhaar %q", form)
			}
		}
	}
	if !json.Valid(d.Journal) {
		t.Error("Journal is not valid JSON")
	}
}

func TestAadhaarCheckOnlyForAadhaarType(t *testing.T) {
	a := newAdapter(t)
	// 4918 7362 5404 fails the check digit, so it is no Aadhaar number:
	// in free text and under another type it is kept.
	body := editDocument(t, "fir", []edit{
		{"/first_information", "Receipt 4918 7362 5404 was torn."},
		{"/complainant/identifiers/1", map[string]any{"type": "other", "number": "491873625404"}},
	})
	m := decodeOne(t, a, body)
	if got := m.FIR.FirstInformation; got != "Receipt 4918 7362 5404 was torn." {
		t.Errorf("FirstInformation = %q, want it unchanged", got)
	}
	if got := m.FIR.Complainant.Identifiers[1].Value; got != "491873625404" {
		t.Errorf("identifier value = %q, want it unchanged", got)
	}
}

func TestAadhaarMaskingSparesMessageIDs(t *testing.T) {
	// 586301729436 passes the Aadhaar check but, inside the sender's
	// message id, is part of the key the hub deduplicates by.
	body := editDocument(t, "arrest", []edit{{"/message_id", "EKM0412-586301729436"}})
	d, err := newAdapter(t).Decode(body, police.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got := d.Messages[0].SenderMessageID; got != "EKM0412-586301729436" {
		t.Errorf("SenderMessageID = %q, want it as sent", got)
	}
}
