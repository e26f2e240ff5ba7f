package passport_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
)

// stationReport decodes testdata/report_clear.json, a station's report
// with sent_at 16:10 IST, as the hub receives it at 16:22:30 IST.
func stationReport(t *testing.T, a *passport.Adapter) canonical.Message {
	t.Helper()
	d, err := a.Decode(inputs(t)["report_clear"], passport.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	m := d.Messages[0]
	m.ID, m.Source = "hub-report", "police"
	m.ReceivedAt = time.Date(2025, 10, 14, 10, 52, 30, 497498000, time.UTC)
	return m
}

// encodedEnvelope encodes m and returns its sent_at and in_reply_to.
func encodedEnvelope(t *testing.T, a *passport.Adapter, m canonical.Message) (sentAt, inReplyTo string) {
	t.Helper()
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SentAt    string `json:"sent_at"`
		InReplyTo string `json:"in_reply_to"`
	}
	if err := json.Unmarshal(enc.Body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.SentAt, doc.InReplyTo
}

func TestReportKeepsStationSentAt(t *testing.T) {
	a := newAdapter(t)
	m := stationReport(t, a)
	want := time.Date(2025, 10, 14, 16, 10, 0, 0, jsondoc.IST)
	if !m.SentAt.Equal(want) {
		t.Fatalf("decoded SentAt = %s, want the station's %s", m.SentAt, want)
	}
	if sentAt, _ := encodedEnvelope(t, a, m); sentAt != "2025-10-14T16:10:00+05:30" {
		t.Errorf("sent_at = %s, want the station's 2025-10-14T16:10:00+05:30", sentAt)
	}

	// A message without the sender's time, such as one journaled before
	// the hub kept it, has the hub's receipt time.
	m.SentAt = time.Time{}
	if sentAt, _ := encodedEnvelope(t, a, m); sentAt != "2025-10-14T10:52:30.497498Z" {
		t.Errorf("sent_at without the sender's time = %s, want the receipt time", sentAt)
	}
}

func TestReportInReplyToOfficeRequestID(t *testing.T) {
	a := newAdapter(t)
	m := stationReport(t, a)
	m.CorrelationID = "hub-request"
	m.VerificationReport.RequestSenderMessageID = "RPO-KOCHI-2025-000417"
	if _, inReplyTo := encodedEnvelope(t, a, m); inReplyTo != "RPO-KOCHI-2025-000417" {
		t.Errorf("in_reply_to = %q, want the office's request id RPO-KOCHI-2025-000417", inReplyTo)
	}

	// A report journaled without the office's id keeps the hub's id.
	m.VerificationReport.RequestSenderMessageID = ""
	if _, inReplyTo := encodedEnvelope(t, a, m); inReplyTo != "hub-request" {
		t.Errorf("in_reply_to without the office's id = %q, want hub-request", inReplyTo)
	}
}
