package prisons_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/adaptertest"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

const (
	bookingSample = "BookingReport-Pima.xml"
	releaseSample = "CustodyReleaseReport-Pima.xml"
)

// readSample reads a prison sample from the folder SANGAM_SAMPLES names,
// skipping the test when it is unset.
func readSample(t *testing.T, file string) []byte {
	t.Helper()
	dir := os.Getenv("SANGAM_SAMPLES")
	if dir == "" {
		t.Skip("SANGAM_SAMPLES is not set; set it to the samples folder to run this test")
	}
	data, err := os.ReadFile(filepath.Join(dir, "prisons", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeSample(t *testing.T, file string) canonical.Message {
	t.Helper()
	d, err := newAdapter(t).Decode(readSample(t, file), prisons.XMLContentType)
	if err != nil {
		t.Fatalf("Decode %s: %v", file, err)
	}
	if len(d.Messages) != 1 {
		t.Fatalf("Decode %s returned %d messages, want 1", file, len(d.Messages))
	}
	return d.Messages[0]
}

// releasedAt is the release time that releasedSample adds to the Pima
// County release report, which gives none.
var releasedAt = time.Date(2016, 1, 2, 10, 0, 0, 0, time.UTC)

// releasedSample returns the Pima County release report with the
// nc:Release, and its time, that the hub requires.
func releasedSample(t *testing.T) []byte {
	t.Helper()
	body := readSample(t, releaseSample)
	const custody = "<crr-ext:Custody>"
	if !bytes.Contains(body, []byte(custody)) {
		t.Fatalf("%s lacks %s", releaseSample, custody)
	}
	release := custody + "<nc:Release><nc:ActivityDate><nc:DateTime>" +
		releasedAt.Format(time.RFC3339) + "</nc:DateTime></nc:ActivityDate></nc:Release>"
	return bytes.Replace(body, []byte(custody), []byte(release), 1)
}

func TestSamplesConformance(t *testing.T) {
	adaptertest.Run(t, adaptertest.Suite{
		Adapter:     newAdapter(t),
		Features:    adaptertest.Features{Decodes: true, XML: true},
		ContentType: prisons.XMLContentType,
		Inputs: map[string][]byte{
			bookingSample: readSample(t, bookingSample),
			releaseSample: releasedSample(t),
		},
	})
}

func TestSampleBooking(t *testing.T) {
	m := decodeSample(t, bookingSample)
	mv := m.Movement
	booked := time.Date(2016, 5, 12, 0, 36, 0, 0, time.UTC)
	if mv.Kind != canonical.MoveAdmission {
		t.Errorf("Kind = %q, want admission", mv.Kind)
	}
	if !mv.At.Equal(booked) || !m.OccurredAt.Equal(booked) || !mv.Prisoner.AdmittedAt.Equal(booked) {
		t.Errorf("At, OccurredAt, AdmittedAt = %s, %s, %s; want the booking time %s",
			mv.At, m.OccurredAt, mv.Prisoner.AdmittedAt, booked)
	}

	p := mv.Prisoner
	// The sample identifies its facility as "Pima County Adult Detention
	// Complex", and the hub's prison codes are upper case.
	facility := "PIMA COUNTY ADULT DETENTION COMPLEX"
	if p.PrisonCode != facility {
		t.Errorf("PrisonCode = %q, want %q", p.PrisonCode, facility)
	}
	if mv.To != (canonical.Location{Kind: canonical.LocationPrison, Code: facility}) {
		t.Errorf("To = %+v, want the facility", mv.To)
	}
	if mv.From != (canonical.Location{Kind: canonical.LocationOther, Name: "PCSD"}) {
		t.Errorf("From = %+v, want the arresting agency PCSD", mv.From)
	}
	if p.Number != "098765432" || p.BookingNumber != "234567890" {
		t.Errorf("Number, BookingNumber = %q, %q; want 098765432, 234567890", p.Number, p.BookingNumber)
	}
	if p.Housing != "TOWER POD 3D" || p.StatusDetail != "Weekender Release" {
		t.Errorf("Housing, StatusDetail = %q, %q", p.Housing, p.StatusDetail)
	}
	if m.CaseKey != "PRISONER/"+facility+"/098765432" {
		t.Errorf("CaseKey = %q", m.CaseKey)
	}

	wantName := canonical.Name{
		Full: "HOMER DONALD SIMPSON Jr.", Given: "HOMER", Middle: "DONALD", Family: "SIMPSON", Script: "Latn",
	}
	if len(p.Person.Names) != 1 || p.Person.Names[0] != wantName {
		t.Errorf("Names = %+v, want %+v", p.Person.Names, wantName)
	}
	if p.Person.DateOfBirth != "1969-01-01" || p.Person.Sex != canonical.SexUnknown {
		t.Errorf("DateOfBirth, Sex = %q, %q; want 1969-01-01, unknown", p.Person.DateOfBirth, p.Person.Sex)
	}
	wantIDs := []canonical.Identifier{{Type: "persistent_id", Value: "e807f1fcf82d132f9bb018ca6738a19f"}}
	if !reflect.DeepEqual(p.Person.Identifiers, wantIDs) {
		t.Errorf("Identifiers = %+v, want %+v", p.Person.Identifiers, wantIDs)
	}
	wantCharges := []canonical.Charge{{
		Sequence: 1, Act: "unstated", Section: "ARS13-1105", Description: "MURDER 1ST DEGREE",
	}}
	if !reflect.DeepEqual(p.Charges, wantCharges) {
		t.Errorf("Charges = %+v, want %+v", p.Charges, wantCharges)
	}

	// The JSON documents name no persistent_id type, so the identifier
	// travels as "other" with its type in front of the issuer. The
	// facility's upper-cased code passes the JSON movement's checks.
	again := reencode(t, m)
	wantIDs = []canonical.Identifier{{Type: "other", Value: wantIDs[0].Value, Issuer: "persistent_id"}}
	if got := again.Movement.Prisoner.Person.Identifiers; !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("Identifiers after JSON encode and decode = %+v, want %+v", got, wantIDs)
	}
	again.Movement.Prisoner.Person.Identifiers = p.Person.Identifiers
	if !jsonEqual(jsondoctest.Comparable(again), jsondoctest.Comparable(m)) {
		t.Errorf("JSON encode and decode changed the booking\ngot  %s\nwant %s",
			jsonOf(jsondoctest.Comparable(again)), jsonOf(jsondoctest.Comparable(m)))
	}
}

func jsonOf(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func TestSampleReleaseWithoutTimeRejected(t *testing.T) {
	_, err := newAdapter(t).Decode(readSample(t, releaseSample), prisons.XMLContentType)
	const want = "/CustodyReleaseReport/Custody/Release/ActivityDate"
	if !hasViolation(schemas.Violations(err), want, "required") {
		t.Errorf("Decode of a release report without nc:Release: %v, want required at %s", err, want)
	}
}

func TestSampleRelease(t *testing.T) {
	d, err := newAdapter(t).Decode(releasedSample(t), prisons.XMLContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	m := d.Messages[0]
	mv := m.Movement
	booked := time.Date(2015, 12, 23, 3, 2, 0, 0, time.UTC)
	if mv.Kind != canonical.MoveRelease {
		t.Errorf("Kind = %q, want release", mv.Kind)
	}
	if !mv.Prisoner.AdmittedAt.Equal(booked) {
		t.Errorf("AdmittedAt = %s, want the booking time %s", mv.Prisoner.AdmittedAt, booked)
	}
	if !mv.At.Equal(releasedAt) || !m.OccurredAt.Equal(releasedAt) {
		t.Errorf("At, OccurredAt = %s, %s; want the release time %s", mv.At, m.OccurredAt, releasedAt)
	}

	p := mv.Prisoner
	if p.PrisonCode != "PCSD" || mv.From != (canonical.Location{Kind: canonical.LocationPrison, Code: "PCSD"}) {
		t.Errorf("PrisonCode, From = %q, %+v; want the booking agency PCSD", p.PrisonCode, mv.From)
	}
	if p.Number != "151223012" || p.BookingNumber != "151223012" {
		t.Errorf("Number, BookingNumber = %q, %q; want the booking number twice", p.Number, p.BookingNumber)
	}
	if m.SenderMessageID != "CustodyReleaseReport/PCSD/151223012/20160102T100000Z" {
		t.Errorf("SenderMessageID = %q", m.SenderMessageID)
	}
	wantName := canonical.Name{Full: "bill a smith", Given: "bill", Middle: "a", Family: "smith", Script: "Latn"}
	if len(p.Person.Names) != 1 || p.Person.Names[0] != wantName {
		t.Errorf("Names = %+v, want %+v", p.Person.Names, wantName)
	}
	if p.Person.DateOfBirth != "1985-05-18" || p.Person.Sex != canonical.SexFemale {
		t.Errorf("DateOfBirth, Sex = %q, %q; want 1985-05-18, female", p.Person.DateOfBirth, p.Person.Sex)
	}
	if len(p.Charges) != 0 {
		t.Errorf("Charges = %+v, want none: the report lists none", p.Charges)
	}
	if _, err := newAdapter(t).Encode(&m); err != nil {
		t.Errorf("Encode: %v", err)
	}
}

// reencode encodes the movement m as a prison would post it, without
// the hub's id that a forwarded movement carries, and decodes the
// result.
func reencode(t *testing.T, m canonical.Message) canonical.Message {
	t.Helper()
	a := newAdapter(t)
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	d, err := a.Decode(enc.Body, enc.ContentType)
	if err != nil {
		t.Fatalf("Decode of encoded body: %v\n%s", err, enc.Body)
	}
	return d.Messages[0]
}

func hasViolation(vs []schemas.Violation, pointer, rule string) bool {
	for _, v := range vs {
		if v.Pointer == pointer && v.Rule == rule {
			return true
		}
	}
	return false
}
