package passport_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/passport/mrz"
)

// aadhaarZone returns the zone of the old passport in
// testdata/request_reissue.json with the Aadhaar number 234567890124 as
// its personal number, and every check digit computed over it.
func aadhaarZone(t *testing.T) []string {
	t.Helper()
	return zoneWithOptionalData(t, "234567890124")
}

// zoneWithOptionalData returns the zone of aadhaarZone with optional as
// its personal number.
func zoneWithOptionalData(t *testing.T, optional string) []string {
	t.Helper()
	d := mrz.Document{
		Format: mrz.TD3, DocumentCode: "P", IssuingState: "IND", DocumentNumber: "K4821906",
		Nationality: "IND", DateOfBirth: time.Date(1990, 7, 14, 0, 0, 0, 0, time.UTC),
		ExpiresOn: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), Sex: "F",
		PrimaryIdentifier: "MENON", SecondaryIdentifier: "ANJALI", OptionalData: optional,
	}
	lines, err := d.Lines()
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestMRZAadhaarMasked decodes a reissue request whose old passport has
// an Aadhaar number as its personal number. The canonical zone and the
// journal copy have it masked, the journal copy decodes to the same
// message, and the zone the station receives has '<' for the check
// digits over the masked number.
func TestMRZAadhaarMasked(t *testing.T) {
	a := newAdapter(t)
	zone := aadhaarZone(t)
	body := edit(t, "request_reissue", map[string]any{"/old_passport/mrz": []any{zone[0], zone[1]}})
	d, err := a.Decode(body, passport.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	z := d.Messages[0].VerificationRequest.OldPassport
	if z.OptionalData != "XXXXXXXX0124" {
		t.Errorf("canonical optional data = %q, want XXXXXXXX0124", z.OptionalData)
	}
	if d.Journal == nil {
		t.Fatal("Journal is nil, want the document with the zone masked")
	}
	if strings.Contains(string(d.Journal), "234567890124") {
		t.Errorf("Journal keeps the Aadhaar number in clear:\n%s", d.Journal)
	}
	const maskedLine = "K4821906<4IND9007149F2503099XXXXXXXX0124<<<<"
	if got := zoneOf(t, d.Journal); len(got) != 2 || got[0] != zone[0] || got[1] != maskedLine {
		t.Errorf("Journal zone = %q, want line 1 as sent and line 2 %s", got, maskedLine)
	}

	wantJournalDecodesAlike(t, a, d)

	m := d.Messages[0]
	m.ID, m.Source, m.ReceivedAt = "hub-1", "passport", m.OccurredAt.Add(time.Minute)
	m.VerificationRequest.PoliceStation = "EKM0412"
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if got := zoneOf(t, enc.Body); len(got) != 2 || got[1] != maskedLine {
		t.Errorf("station receives zone %q, want line 2 %s", got, maskedLine)
	}
}

// zoneOf returns the old passport's zone in the request document body.
func zoneOf(t *testing.T, body []byte) []string {
	t.Helper()
	var doc struct {
		OldPassport struct {
			MRZ []string `json:"mrz"`
		} `json:"old_passport"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.OldPassport.MRZ
}

// TestMRZAadhaarInGroupsMasked writes the Aadhaar number in groups, with
// the zone's filler '<' where text has a space: it is masked as the
// number written whole is.
func TestMRZAadhaarInGroupsMasked(t *testing.T) {
	zone := zoneWithOptionalData(t, "2345<6789<0124")
	body := edit(t, "request_reissue", map[string]any{"/old_passport/mrz": []any{zone[0], zone[1]}})
	d, err := newAdapter(t).Decode(body, passport.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got := d.Messages[0].VerificationRequest.OldPassport.OptionalData; got != "XXXXXXXX0124" {
		t.Errorf("canonical optional data = %q, want XXXXXXXX0124", got)
	}
	if d.Journal == nil || strings.Contains(string(d.Journal), "6789") {
		t.Errorf("Journal keeps the Aadhaar number in clear:\n%s", d.Journal)
	}
}

// wantJournalDecodesAlike fails t unless d's journal copy, decoded by a,
// gives the message that d holds.
func wantJournalDecodesAlike(t *testing.T, a *passport.Adapter, d adapters.Decoded) {
	t.Helper()
	again, err := a.Decode(d.Journal, passport.ContentType)
	if err != nil {
		t.Fatalf("decoding the journal copy: %v", err)
	}
	got, _ := json.Marshal(jsondoctest.Comparable(again.Messages[0]))
	want, _ := json.Marshal(jsondoctest.Comparable(d.Messages[0]))
	if string(got) != string(want) {
		t.Errorf("journal copy decodes to another message\ngot  %s\nwant %s", got, want)
	}
}
