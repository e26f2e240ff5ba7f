package courts

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// clockedAdapter is an adapter whose clock reads 1 December 2024, 12:00
// IST.
func clockedAdapter() *Adapter {
	now := time.Date(2024, 12, 1, 12, 0, 0, 0, ist)
	return &Adapter{AadhaarKey: []byte("courts test key"), Now: func() time.Time { return now }}
}

func hasViolation(vs []schemas.Violation, pointer, rule string) bool {
	for _, v := range vs {
		if v.Pointer == pointer && v.Rule == rule {
			return true
		}
	}
	return false
}

func TestDecodeRejectsFutureDates(t *testing.T) {
	cases := []struct {
		name, file, old, new, pointer string
	}{
		{"callback posted in 2099", "kochi_callback.xml", "2024-09-03T15:04:05", "2099-09-03T15:04:05",
			"/RecordDocketingCallbackMessage/DocumentPostDate"},
		{"callback filed in 2099", "kochi_callback.xml", "<nc:Date>2024-09-03</nc:Date>",
			"<nc:Date>2099-09-03</nc:Date>", "/RecordDocketingCallbackMessage/DocumentFiledDate"},
		{"report filed in 2099", "kochi_chargesheet.xml", "<nc:Date>2024-09-02</nc:Date>",
			"<nc:Date>2099-09-02</nc:Date>", "/CoreFilingMessage/FilingLeadDocument/DocumentFiledDate"},
		{"born in 2099", "kochi_chargesheet.xml", "1985-04-12", "2099-04-12",
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonBirthDate"},
		{"offence two days ahead", "kochi_chargesheet.xml", "2024-08-01T21:15:00", "2024-12-03T21:15:00",
			"/CoreFilingMessage/CriminalCase/CaseCharge[1]/ChargeOffense/ActivityDate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clockedAdapter().Decode(replaced(t, c.file, c.old, c.new), ContentType)
			if vs := schemas.Violations(err); !hasViolation(vs, c.pointer, "future") {
				t.Errorf("Decode error = %v, want a future violation at %s", err, c.pointer)
			}
		})
	}
}

func TestDecodeAllowsDateWithinSkew(t *testing.T) {
	// Posted 20 hours after the clock: within the default skew of a day,
	// as a date written in another zone may be.
	body := replaced(t, "kochi_callback.xml", "2024-09-03T15:04:05", "2024-12-02T08:00:00")
	if _, err := clockedAdapter().Decode(body, ContentType); err != nil {
		t.Errorf("Decode: %v", err)
	}
}

func TestCallbackKeepsDocketAndTracking(t *testing.T) {
	body := callbackWith("<nc:CaseTrackingID>CR070123</nc:CaseTrackingID>" +
		"<nc:CaseDocketID>CC 5/2024</nc:CaseDocketID>")
	got := decodeOne(t, &Adapter{}, body)
	reg := got.CourtRegistration
	if reg.FilingNumber != "CC 5/2024" {
		t.Errorf("FilingNumber = %q, want the docket id CC 5/2024", reg.FilingNumber)
	}
	if reg.TrackingID != "CR070123" {
		t.Errorf("TrackingID = %q, want the court's tracking id CR070123", reg.TrackingID)
	}
	if reg.CNR != "" {
		t.Errorf("CNR = %q, want empty", reg.CNR)
	}

	again, err := EncodeCallback(&got)
	if err != nil {
		t.Fatal(err)
	}
	if back := decodeOne(t, &Adapter{}, again).CourtRegistration; *back != *reg {
		t.Errorf("encode and decode changed the registration\ngot  %+v\nwant %+v", *back, *reg)
	}
}

func TestCallbackWithFIRKeepsCourtTracking(t *testing.T) {
	m := kochiRegistration()
	m.CourtRegistration.CNR = ""
	m.CourtRegistration.TrackingID = "CR070123"
	body, err := EncodeCallback(&m)
	if err != nil {
		t.Fatal(err)
	}
	reg := decodeOne(t, &Adapter{}, body).CourtRegistration
	if reg.TrackingID != "CR070123" || reg.FilingNumber != "CC 123/2024" || reg.FIR == nil {
		t.Errorf("registration = %+v, want tracking CR070123, filing CC 123/2024 and the FIR", *reg)
	}
}

func TestDecodeMasksAadhaarInText(t *testing.T) {
	const clear = "5863 0172 9436" // passes the Aadhaar check
	body := replaced(t, "kochi_chargesheet.xml", "He was arrested on 3 August 2024.",
		"He gave Aadhaar "+clear+" and was arrested on 3 August 2024.")
	body = bytes.Replace(body, []byte("<nc:PersonFullName>Rajan K. Pillai</nc:PersonFullName>"),
		[]byte("<nc:PersonFullName>Rajan 5863<!-- split -->0172-9436 Pillai</nc:PersonFullName>"), 1)
	body = bytes.Replace(body, []byte("<nc:IdentificationID>K1234567</nc:IdentificationID>"),
		[]byte("<nc:IdentificationID>586301729436</nc:IdentificationID>"), 1)

	d, err := (&Adapter{}).Decode(body, ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	cs := d.Messages[0].Chargesheet
	if !strings.Contains(cs.BriefFacts, "Aadhaar XXXXXXXX9436 and") {
		t.Errorf("BriefFacts = %q, want the number masked", cs.BriefFacts)
	}
	p := cs.Accused[0].Person
	if p.Names[0].Full != "Rajan XXXXXXXX9436 Pillai" {
		t.Errorf("name = %q, want the number masked", p.Names[0].Full)
	}
	if p.Identifiers[1].Type != canonical.IDPassport || p.Identifiers[1].Value != "XXXXXXXX9436" {
		t.Errorf("passport identifier = %+v, want its value masked", p.Identifiers[1])
	}
	if d.Journal == nil {
		t.Fatal("Journal is nil: the input holding the clear numbers would be kept")
	}
	for _, form := range []string{clear, "586301729436", "0172-9436"} {
		if bytes.Contains(d.Journal, []byte(form)) {
			t.Errorf("Journal contains %q", form)
		}
	}
}

func TestMaskingSparesCaseNumbers(t *testing.T) {
	// A tracking id whose digits pass the Aadhaar check names the case,
	// so it is not masked, and is rejected at its element.
	body := callbackWith("<nc:CaseTrackingID>RC-586301729436</nc:CaseTrackingID>")
	_, err := (&Adapter{}).Decode(body, ContentType)
	const pointer = "/RecordDocketingCallbackMessage/AppellateCase/CaseTrackingID"
	if !hasViolation(schemas.Violations(err), pointer, canonical.RuleAadhaarLike) {
		t.Fatalf("Decode error = %v, want aadhaar-like at %s", err, pointer)
	}
}

func TestOffenceDateRoundTrip(t *testing.T) {
	m := kochiChargesheet()
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeOne(t, &Adapter{}, enc.Body).Chargesheet
	if !got.OccurredFrom.Equal(m.Chargesheet.OccurredFrom) {
		t.Errorf("OccurredFrom = %v, want %v", got.OccurredFrom, m.Chargesheet.OccurredFrom)
	}
	if !got.OccurredTo.IsZero() {
		t.Errorf("OccurredTo = %v, want it left out of the filing", got.OccurredTo)
	}
}

func TestOffenceDateRange(t *testing.T) {
	body := replaced(t, "kochi_chargesheet.xml",
		"<nc:ActivityDate>\n          <nc:DateTime>2024-08-01T21:15:00+05:30</nc:DateTime>\n        </nc:ActivityDate>",
		"<nc:ActivityDateRange><nc:StartDate><nc:Date>2024-07-30</nc:Date></nc:StartDate>"+
			"<nc:EndDate><nc:Date>2024-08-02</nc:Date></nc:EndDate></nc:ActivityDateRange>")
	cs := decodeOne(t, &Adapter{}, body).Chargesheet
	if want := time.Date(2024, 7, 30, 0, 0, 0, 0, ist); !cs.OccurredFrom.Equal(want) {
		t.Errorf("OccurredFrom = %v, want %v", cs.OccurredFrom, want)
	}
	if want := time.Date(2024, 8, 2, 0, 0, 0, 0, ist); !cs.OccurredTo.Equal(want) {
		t.Errorf("OccurredTo = %v, want %v", cs.OccurredTo, want)
	}
}
