package police_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// text returns s repeated up to n characters (code points), so that
// multi-byte characters count as the schemas count them.
func text(s string, n int) string {
	r := []rune(strings.Repeat(s, n/len([]rune(s))+1))
	return string(r[:n])
}

// registrationAtLimits returns a court registration whose every field is
// as long or as large as the canonical form allows, with the characters
// a court may write: spaces, Malayalam and punctuation.
func registrationAtLimits() canonical.Message {
	fir := canonical.FIRRef{
		State: "KL", District: text("EKM_", 32), PoliceStation: text("EKM-0412", 32),
		Year: 9999, Number: 99999999, NationalID: text("KL/EKM.12_3-", 64),
	}
	return canonical.Message{
		ID: text("hub-", 256), Type: canonical.TypeCourtRegistration, Source: text("courts", 64),
		SenderMessageID: text("KLER01 CB/2024 #", 256), CorrelationID: text("EF 2024 ", 256),
		CaseKey: fir.Key(), OccurredAt: time.Date(2024, 9, 3, 15, 4, 5, 999, jsondoc.IST),
		ReceivedAt:    time.Date(2024, 9, 3, 9, 40, 0, 0, time.UTC),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: "KLER010001232024",
			Court: canonical.Court{
				Code: text("JFCM-1 Ernakulam ", 64), Name: text("ജുഡീഷ്യൽ ഫസ്റ്റ് ക്ലാസ് ", 512),
				District: text("Ernakulam ", 256),
			},
			FilingNumber: text("CC 123/2024 ", 128), FiledOn: "2024-09-03", NextHearing: "2024-10-01",
			FIR: &fir, TrackingID: text("RC-05/2024 ", 256), Title: text("State of Kerala v. ", 1024),
			Status: text("returned for defects ", 64), Reason: text("സാക്ഷി മൊഴി ഇല്ല. ", 4000),
		},
	}
}

// TestNotificationSentAtIsReceipt encodes a court registration with a
// sender's time. The notification's sent_at is the hub's receipt time,
// as the notification schema defines it.
func TestNotificationSentAtIsReceipt(t *testing.T) {
	m := registrationAtLimits()
	m.SentAt = time.Date(2024, 9, 3, 15, 5, 0, 0, jsondoc.IST)
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SentAt string `json:"sent_at"`
	}
	if err := json.Unmarshal(enc.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SentAt != "2024-09-03T09:40:00Z" {
		t.Errorf("sent_at = %s, want the receipt time 2024-09-03T09:40:00Z", doc.SentAt)
	}
}

// limitCases name each bounded field of registrationAtLimits and how to
// take it one past its canonical limit.
var limitCases = []struct {
	name string
	over func(m *canonical.Message)
}{
	{"sender_message_id", func(m *canonical.Message) { m.SenderMessageID += "x" }},
	{"correlation_id", func(m *canonical.Message) { m.CorrelationID += "x" }},
	{"id", func(m *canonical.Message) { m.ID += "x" }},
	{"source", func(m *canonical.Message) { m.Source += "x" }},
	{"court code", func(m *canonical.Message) { m.CourtRegistration.Court.Code += "x" }},
	{"court name", func(m *canonical.Message) { m.CourtRegistration.Court.Name += "x" }},
	{"court district", func(m *canonical.Message) { m.CourtRegistration.Court.District += "x" }},
	{"filing_number", func(m *canonical.Message) { m.CourtRegistration.FilingNumber += "x" }},
	{"tracking_id", func(m *canonical.Message) { m.CourtRegistration.TrackingID += "x" }},
	{"title", func(m *canonical.Message) { m.CourtRegistration.Title += "x" }},
	{"status", func(m *canonical.Message) { m.CourtRegistration.Status += "x" }},
	{"reason", func(m *canonical.Message) { m.CourtRegistration.Reason += "x" }},
	{"fir district", func(m *canonical.Message) { m.CourtRegistration.FIR.District += "x" }},
	{"fir police_station", func(m *canonical.Message) { m.CourtRegistration.FIR.PoliceStation += "x" }},
	{"fir number", func(m *canonical.Message) { m.CourtRegistration.FIR.Number++ }},
	{"fir year", func(m *canonical.Message) { m.CourtRegistration.FIR.Year++ }},
	{"fir national_id", func(m *canonical.Message) { m.CourtRegistration.FIR.NationalID += "x" }},
}

// TestNotificationCarriesCanonicalLimits checks that a court registration
// at every canonical limit encodes as a police notification, and that
// each limit is the canonical one: one more is invalid canonical form,
// so the hub never accepts a registration the notification cannot carry.
func TestNotificationCarriesCanonicalLimits(t *testing.T) {
	m := registrationAtLimits()
	if err := schemas.ValidateValue("canonical/message.json", &m); err != nil {
		t.Fatalf("registration at the limits is not valid canonical form: %v", err)
	}
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatal(err)
	}
	reg := m.CourtRegistration
	want := map[string]string{
		"message_id": m.SenderMessageID, "in_reply_to": m.CorrelationID, "hub_message_id": m.ID,
		"source_agency": m.Source, "filing_number": reg.FilingNumber, "tracking_id": reg.TrackingID,
		"case_title": reg.Title, "status": reg.Status, "reason": reg.Reason,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %.40q..., want the registration's %.40q...", k, got[k], v)
		}
	}
	court, _ := got["court"].(map[string]any)
	if court["establishment_code"] != reg.Court.Code || court["name"] != reg.Court.Name ||
		court["district"] != reg.Court.District {
		t.Errorf("court = %v, want the registration's court", court)
	}

	for _, c := range limitCases {
		t.Run(c.name, func(t *testing.T) {
			over := registrationAtLimits()
			c.over(&over)
			if err := schemas.ValidateValue("canonical/message.json", &over); schemas.Violations(err) == nil {
				t.Errorf("canonical form accepts %s past the limit the test covers (error %v): "+
					"widen the police notification and this test with it", c.name, err)
			}
		})
	}
}

// TestNotificationWithoutCNROrPoliceCase checks the smallest registration
// the canonical form allows: a court with no CNR, such as one that
// declined the filing, naming neither FIR, tracking id nor filing.
func TestNotificationWithoutCNROrPoliceCase(t *testing.T) {
	m := canonical.Message{
		ID: "hub-9", Type: canonical.TypeCourtRegistration, Source: "courts",
		SenderMessageID: "CB-9", CaseKey: "COURT/CC 9/2024",
		OccurredAt:    time.Date(2024, 9, 3, 15, 4, 5, 0, jsondoc.IST),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			Court: canonical.Court{Code: "1"}, FilingNumber: "CC 9/2024", Status: "rejected",
		},
	}
	if err := schemas.ValidateValue("canonical/message.json", &m); err != nil {
		t.Fatalf("registration is not valid canonical form: %v", err)
	}
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"cnr", "fir", "tracking_id", "in_reply_to", "court_filing_id"} {
		if v, ok := got[absent]; ok {
			t.Errorf("%s = %v, want it absent", absent, v)
		}
	}
	if got["filing_number"] != "CC 9/2024" {
		t.Errorf("filing_number = %v, want CC 9/2024", got["filing_number"])
	}
}

// TestNotificationOfUnknownFiling checks that a registration whose
// filing id names no final report of the hub carries that id as
// court_filing_id and leaves in_reply_to out, so that a station looking
// in_reply_to up always finds its own report.
func TestNotificationOfUnknownFiling(t *testing.T) {
	m := registrationMessages()[0]
	m.CorrelationID = "EF-KLER01-2024-0099"
	m.CourtRegistration.UnknownFiling = true
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatal(err)
	}
	if v, ok := got["in_reply_to"]; ok {
		t.Errorf("in_reply_to = %v, want it absent", v)
	}
	if got["court_filing_id"] != m.CorrelationID {
		t.Errorf("court_filing_id = %v, want %s", got["court_filing_id"], m.CorrelationID)
	}

	m.CourtRegistration.UnknownFiling = false
	if enc, err = newAdapter(t).Encode(&m); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got = nil
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got["in_reply_to"] != m.CorrelationID {
		t.Errorf("in_reply_to of a known filing = %v, want %s", got["in_reply_to"], m.CorrelationID)
	}
}
