package police_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// stationReport is a station's adverse report on a verification request.
const stationReport = `{
  "message_id": "EKM0420-PVR-2025-000219",
  "document_type": "verification_report",
  "sent_at": "2025-10-25T12:40:00+05:30",
  "in_reply_to": "01K6H9B2WQ",
  "file_number": "CO1075118391125",
  "outcome": "adverse",
  "cases": [{"fir": {"state": "KL", "district": "EKM", "police_station": "EKM0420",
    "year": 2023, "number": 402}, "cnr": "KLER120004022023"}],
  "police_station": "EKM0420",
  "officer": {"name": "Deepa S.", "rank": "Inspector of Police", "service_number": "KP-2209"},
  "reported_at": "2025-10-25T12:30:00+05:30"
}`

func TestDecodeVerificationReport(t *testing.T) {
	d, err := newAdapter(t).Decode([]byte(stationReport), "application/json")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	m := d.Messages[0]
	if m.Type != canonical.TypeVerificationReport {
		t.Fatalf("type = %s, want verification_report", m.Type)
	}
	if m.CorrelationID != "01K6H9B2WQ" {
		t.Errorf("correlation id = %q, want in_reply_to", m.CorrelationID)
	}
	if m.CaseKey != "PASSPORT/CO1075118391125" {
		t.Errorf("case key = %q", m.CaseKey)
	}
	r := m.VerificationReport
	if r.Outcome != canonical.VerificationAdverse || len(r.Cases) != 1 || r.Cases[0].CNR == "" {
		t.Errorf("report = %+v, want adverse with the case", r)
	}
	if r.ReportedOn != "2025-10-25" || r.Officer.ID != "KP-2209" {
		t.Errorf("report = %+v, want dated 2025-10-25 by KP-2209", r)
	}
}

func TestDecodeVerificationReportInvalid(t *testing.T) {
	cases := map[string]struct {
		from, to      string
		pointer, rule string
	}{
		"adverse without cases": {`"cases": [{"fir": {"state": "KL", "district": "EKM", "police_station": "EKM0420",
    "year": 2023, "number": 402}, "cnr": "KLER120004022023"}],`, ``, "/cases", "required"},
		"future report": {`"reported_at": "2025-10-25T12:30:00+05:30"`,
			`"reported_at": "2027-10-25T12:30:00+05:30"`, "/reported_at", "future"},
		"bad file number": {`"file_number": "CO1075118391125"`, `"file_number": "co/1"`,
			"/file_number", "pattern"},
		"late set": {`"reported_at": "2025-10-25T12:30:00+05:30"`,
			`"reported_at": "2025-10-25T12:30:00+05:30", "late": true`, "/late", "hub-only"},
		"late false": {`"reported_at": "2025-10-25T12:30:00+05:30"`,
			`"reported_at": "2025-10-25T12:30:00+05:30", "late": false`, "/late", "hub-only"},
		"hub message id": {`"in_reply_to": "01K6H9B2WQ",`,
			`"in_reply_to": "01K6H9B2WQ", "hub_message_id": "01K6H9B2WQ",`, "/hub_message_id", "hub-only"},
		"message id with a right-to-left override": {`"EKM0420-PVR-2025-000219"`,
			`"EKM0420-PVR\u202e-2025-000219"`, "/message_id", "pattern"},
		"message id with a space": {`"EKM0420-PVR-2025-000219"`,
			`"EKM0420 PVR-2025-000219"`, "/message_id", "pattern"},
		"in_reply_to with a zero-width space": {`"in_reply_to": "01K6H9B2WQ"`,
			`"in_reply_to": "01K6\u200bH9B2WQ"`, "/in_reply_to", "pattern"},
		"in_reply_to with a control character": {`"in_reply_to": "01K6H9B2WQ"`,
			`"in_reply_to": "01K6H9B2WQ\u0007"`, "/in_reply_to", "pattern"},
		"officer's service number with a zero-width space": {`"KP-2209"`, `"KP-\u200b2209"`,
			"/officer/service_number", "pattern"},
		"source agency": {`"in_reply_to": "01K6H9B2WQ",`,
			`"in_reply_to": "01K6H9B2WQ", "source_agency": "passport",`, "/source_agency", "hub-only"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			body := strings.Replace(stationReport, c.from, c.to, 1)
			if body == stationReport {
				t.Fatal("edit changed nothing")
			}
			_, err := newAdapter(t).Decode([]byte(body), "application/json")
			for _, v := range schemas.Violations(err) {
				if v.Pointer == c.pointer && v.Rule == c.rule {
					return
				}
			}
			t.Errorf("err = %v, want %s at %s", err, c.rule, c.pointer)
		})
	}
}

// TestVerificationReportLongIDWithSpace sends a message id over 128
// characters with a space inside, which the passport schema allows and a
// station's ids do not: both violations are reported at once.
func TestVerificationReportLongIDWithSpace(t *testing.T) {
	body := strings.Replace(stationReport, `"EKM0420-PVR-2025-000219"`,
		`"EKM0420 PVR-`+strings.Repeat("0", 120)+`"`, 1)
	_, err := newAdapter(t).Decode([]byte(body), "application/json")
	var got []string
	for _, v := range schemas.Violations(err) {
		got = append(got, v.Pointer+" "+v.Rule)
	}
	want := []string{"/message_id maxLength", "/message_id pattern"}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q\n%v", got, want, err)
	}
}

// TestVerificationReportIDMasksAadhaar sends a message id with an
// Aadhaar number that a word joiner splits. The pattern violation quotes
// the id with the word joiner escaped, which text masking does not read,
// so the number must be masked before the quoting.
func TestVerificationReportIDMasksAadhaar(t *testing.T) {
	body := strings.Replace(stationReport, `"EKM0420-PVR-2025-000219"`,
		`"PVR-4918 7362\u20605403"`, 1)
	_, err := newAdapter(t).Decode([]byte(body), "application/json")
	for _, v := range schemas.Violations(err) {
		if v.Pointer != "/message_id" || v.Rule != "pattern" {
			continue
		}
		shown, _ := canonical.MaskAadhaarInText(v.Message)
		if !strings.Contains(shown, "XXXXXXXX5403") || strings.Contains(shown, "7362") {
			t.Errorf("message %q, want the number masked", shown)
		}
		return
	}
	t.Errorf("err = %v, want pattern at /message_id", err)
}

// TestFilingStationPointsIntoDocument maps the pointer of each document's
// filing station to the document, where it must find the same code.
func TestFilingStationPointsIntoDocument(t *testing.T) {
	a := newAdapter(t)
	docs := inputs(t)
	docs["station_report.json"] = []byte(stationReport)
	for name, body := range docs {
		d, err := a.Decode(body, "application/json")
		if err != nil {
			t.Fatalf("%s: Decode: %v", name, err)
		}
		m := &d.Messages[0]
		station, pointer, ok := m.FilingStation()
		if !ok {
			t.Errorf("%s: %s names no filing station", name, m.Type)
			continue
		}
		bodyPointer, ok := a.BodyPointer(adapters.Document{}, m, pointer)
		if !ok {
			t.Errorf("%s: BodyPointer(%s) found nothing", name, pointer)
			continue
		}
		var doc any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		for _, key := range strings.Split(strings.TrimPrefix(bodyPointer, "/"), "/") {
			obj, _ := doc.(map[string]any)
			doc = obj[key]
		}
		if doc != station {
			t.Errorf("%s: the document has %v at %s, want the filing station %q",
				name, doc, bodyPointer, station)
		}
	}
}

func TestBodyPointerOfFIR(t *testing.T) {
	a := newAdapter(t)
	for _, c := range []struct {
		typ      canonical.Type
		pointer  string
		want     string
		resolved bool
	}{
		{canonical.TypeFIR, "/fir/ref/police_station", "/fir/police_station", true},
		{canonical.TypeFIR, "/fir/ref", "/fir", true},
		{canonical.TypeFIR, "/fir/registered_at", "/registered_at", true},
		{canonical.TypeFIR, "/fir/complainant/names", "", false},
		{canonical.TypeFIR, "/type", "/document_type", true},
		{canonical.TypeChargesheet, "/chargesheet/brief_facts", "/brief_facts", true},
		{canonical.TypeChargesheet, "/chargesheet/lab_results/1", "/lab_results/1", true},
		{canonical.TypeChargesheet, "/chargesheet/filed_on", "/report_date", true},
		{canonical.TypeChargesheet, "/chargesheet/brief_facts_x", "", false},
		{canonical.TypeArrest, "/arrest/relative_informed", "/relative_informed/name", true},
		{canonical.TypeFIR, "/fir/reference", "", false},
		{canonical.TypeArrest, "/arrest/fir/year", "/fir/year", true},
		{canonical.TypeArrest, "/arrest/person", "", false},
		{canonical.TypeChargesheet, "/chargesheet/fir/police_station", "/fir/police_station", true},
		{canonical.TypeChargesheet, "/arrest/fir/police_station", "", false},
		{canonical.TypeCourtRegistration, "/court_registration/fir/police_station", "", false},
	} {
		got, ok := a.BodyPointer(adapters.Document{}, &canonical.Message{Type: c.typ}, c.pointer)
		if got != c.want || ok != c.resolved {
			t.Errorf("BodyPointer(%s, %s) = %q, %v; want %q, %v", c.typ, c.pointer, got, ok, c.want, c.resolved)
		}
	}
}

// TestVerificationReportKeepsFileNumber decodes a report on a 12-digit
// file number that passes the Aadhaar check digit. The number is the
// report's key to its request, so it stays as sent, while an Aadhaar
// number in the reason is masked.
func TestVerificationReportKeepsFileNumber(t *testing.T) {
	body := strings.Replace(stationReport, `"CO1075118391125"`, `"987654321106"`, 1)
	body = strings.Replace(body, `"outcome": "adverse"`,
		`"outcome": "not_verified", "reason": "Aadhaar 586301729436 is not the applicant's"`, 1)
	body = strings.Replace(body, `"cases": [{"fir": {"state": "KL", "district": "EKM", "police_station": "EKM0420",
    "year": 2023, "number": 402}, "cnr": "KLER120004022023"}],`, "", 1)
	d, err := newAdapter(t).Decode([]byte(body), "application/json")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	m := d.Messages[0]
	if got := m.VerificationReport.FileNumber; got != "987654321106" {
		t.Errorf("file number = %q, want 987654321106 as sent", got)
	}
	if m.CaseKey != "PASSPORT/987654321106" {
		t.Errorf("case key = %q, want PASSPORT/987654321106", m.CaseKey)
	}
	if got := m.VerificationReport.Reason; got != "Aadhaar XXXXXXXX9436 is not the applicant's" {
		t.Errorf("reason = %q, want the Aadhaar number masked", got)
	}
	if !strings.Contains(string(d.Journal), `"987654321106"`) {
		t.Errorf("journal copy lost the file number:\n%s", d.Journal)
	}
	if strings.Contains(string(d.Journal), "586301729436") {
		t.Errorf("journal copy keeps the Aadhaar number in clear:\n%s", d.Journal)
	}
}
