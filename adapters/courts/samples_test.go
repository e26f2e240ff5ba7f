package courts

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

const (
	filingSample   = "ECF-4.0-CoreFilingMessage-Criminal-Sample_1.xml"
	callbackSample = "ECF-4.0-RecordDocketingCallbackMessage.xml"
)

// readSample reads a court sample from the folder SANGAM_SAMPLES names,
// skipping the test when it is unset.
func readSample(t *testing.T, file string) []byte {
	t.Helper()
	dir := os.Getenv("SANGAM_SAMPLES")
	if dir == "" {
		t.Skip("SANGAM_SAMPLES is not set; set it to the samples folder to run this test")
	}
	data, err := os.ReadFile(filepath.Join(dir, "courts", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSampleFiling(t *testing.T) {
	m := decodeOne(t, &Adapter{}, readSample(t, filingSample))
	if err := schemas.ValidateValue("canonical/message.json", m); err != nil {
		t.Errorf("decoded filing fails the canonical schema: %v", err)
	}
	if m.SenderMessageID != "123456ABC" {
		t.Errorf("SenderMessageID = %q, want 123456ABC", m.SenderMessageID)
	}
	if m.CaseKey != "COURT/123456ABC" {
		t.Errorf("CaseKey = %q, want COURT/123456ABC", m.CaseKey)
	}
	cs := m.Chargesheet
	if cs.TrackingID != "123456ABC" {
		t.Errorf("TrackingID = %q, want 123456ABC", cs.TrackingID)
	}
	if cs.Court != (canonical.Court{Code: "1", Name: "Municipal Court"}) {
		t.Errorf("Court = %+v, want code 1, Municipal Court", cs.Court)
	}
	if len(cs.Accused) != 1 {
		t.Fatalf("got %d accused, want 1", len(cs.Accused))
	}
	p := cs.Accused[0].Person
	wantName := canonical.Name{Full: "John W. Doe", Given: "John", Middle: "W.", Family: "Doe", Script: "Latn"}
	if len(p.Names) != 1 || p.Names[0] != wantName {
		t.Errorf("Names = %+v, want %+v", p.Names, wantName)
	}
	if p.DateOfBirth != "1983-01-01" {
		t.Errorf("DateOfBirth = %q, want 1983-01-01", p.DateOfBirth)
	}
	if p.Sex != canonical.SexMale {
		t.Errorf("Sex = %q, want male", p.Sex)
	}
	wantIDs := []canonical.Identifier{
		{Type: canonical.IDDrivingLicence, Value: "1234-56-789"},
		{Type: canonical.IDTax, Value: "123-45-67890"},
	}
	if !reflect.DeepEqual(p.Identifiers, wantIDs) {
		t.Errorf("Identifiers = %+v, want %+v", p.Identifiers, wantIDs)
	}
	if len(p.Addresses) != 1 || p.Addresses[0].City != "Anytown" {
		t.Errorf("Addresses = %+v, want one in Anytown", p.Addresses)
	}

	wantCharges := []canonical.Charge{
		{Sequence: 1, Act: "455", OffenseID: "5-44-3-3(a)(1)", Description: "Resisting Law Enforcement"},
		{Sequence: 2, Act: "1279", OffenseID: "9-24-19-2", Description: "Driving While Suspended"},
		{Sequence: 3, Act: "1287", OffenseID: "9-30-5-2(a)",
			Description: "9-30-5-2(a): Operating a Vehicle While Intoxicated"},
		{Sequence: 4, Act: "1140", Description: "Operating a Vehicle with an ACE of .15 or More"},
	}
	if !reflect.DeepEqual(cs.Charges, wantCharges) {
		t.Errorf("Charges = %+v\nwant %+v", cs.Charges, wantCharges)
	}

	reencoded := reencodeFiling(t, m)
	if !reflect.DeepEqual(reencoded.Chargesheet, m.Chargesheet) {
		t.Errorf("encode and decode changed the chargesheet\ngot  %+v\nwant %+v",
			reencoded.Chargesheet, m.Chargesheet)
	}
	if reencoded.CaseKey != m.CaseKey {
		t.Errorf("CaseKey after encode and decode = %q, want %q", reencoded.CaseKey, m.CaseKey)
	}
}

// reencodeFiling encodes a decoded filing as the hub would forward it and
// decodes the result.
func reencodeFiling(t *testing.T, m canonical.Message) canonical.Message {
	t.Helper()
	m.ID = "hub-" + m.SenderMessageID
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return decodeOne(t, &Adapter{}, enc.Body)
}

func TestSampleCallback(t *testing.T) {
	m := decodeOne(t, &Adapter{}, readSample(t, callbackSample))
	if m.SenderMessageID != "001-f786e6d6-558c-448f-b249-067002d716a0" {
		t.Errorf("SenderMessageID = %q", m.SenderMessageID)
	}
	if m.CaseKey != "COURT/CR070123" {
		t.Errorf("CaseKey = %q, want COURT/CR070123", m.CaseKey)
	}
	want := canonical.CourtRegistration{
		Court:        canonical.Court{Code: "1", Name: "Arizona Supreme Court"},
		FilingNumber: "CR070123", FiledOn: "2007-06-06",
		Title:  "State of Arizona v Jack Smith",
		Status: "accepted", Reason: "Accepted without modification.",
	}
	if !reflect.DeepEqual(*m.CourtRegistration, want) {
		t.Errorf("CourtRegistration = %+v\nwant %+v", *m.CourtRegistration, want)
	}
	if got := m.OccurredAt.UTC().Format("2006-01-02T15:04:05Z"); got != "2007-06-06T14:20:46Z" {
		t.Errorf("OccurredAt = %s, want the post date 2007-06-06T14:20:46Z", got)
	}

	body, err := EncodeCallback(&m)
	if err != nil {
		t.Fatalf("EncodeCallback: %v", err)
	}
	again := decodeOne(t, &Adapter{}, body)
	if !reflect.DeepEqual(again.CourtRegistration, m.CourtRegistration) {
		t.Errorf("encode and decode changed the registration\ngot  %+v\nwant %+v",
			again.CourtRegistration, m.CourtRegistration)
	}
}

func TestSamplePrefixesDoNotMatter(t *testing.T) {
	cases := map[string]map[string]string{
		filingSample: {"core": "", "nc": "n", "j": "jx", "s": "st", "ecf": "e",
			"ojb-crim-ext": "ojb", "criminal": "cr"},
		callbackSample: {"": "cb", "nc": "n", "s": "st", "appellate": "ap", "ecf": "e"},
	}
	for file, renames := range cases {
		t.Run(file, func(t *testing.T) {
			original := readSample(t, file)
			want := decodeOne(t, &Adapter{}, original)
			got := decodeOne(t, &Adapter{}, reprefix(t, original, renames))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("prefixes changed the result\ngot  %+v\nwant %+v", got, want)
			}
		})
	}
}
