package police_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// handBuiltMessages are canonical messages written in Go rather than
// decoded, for shapes the testdata lacks: a surrender with no relative
// informed.
func handBuiltMessages() []canonical.Message {
	ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1190}
	at := time.Date(2025, 10, 3, 11, 15, 0, 0, jsondoc.IST)
	surrender := canonical.Message{
		ID: "hub-2", Type: canonical.TypeArrest, Source: "police", SenderMessageID: "EKM0412-ARR-2025-000320",
		CaseKey: ref.Key(), OccurredAt: at, SchemaVersion: canonical.SchemaVersion,
		Arrest: &canonical.Arrest{
			FIR: ref, Surrender: true, At: at, Place: "JFCM Court II, Ernakulam",
			Person: canonical.Person{Names: []canonical.Name{{Full: "Nishad M.", Initials: "M.", Script: "Latn"}}},
			By:     canonical.Officer{Name: "Anil Kumar P."},
		},
	}
	return []canonical.Message{surrender}
}

// registrationMessages are court registrations as the hub receives them
// from a court: one for an FIR with every field the notification
// carries, and one that names its case by tracking id only.
func registrationMessages() []canonical.Message {
	ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	registered := time.Date(2025, 12, 2, 10, 40, 0, 0, jsondoc.IST)
	full := canonical.Message{
		ID: "01JD3K8Q", Type: canonical.TypeCourtRegistration, Source: "courts",
		SenderMessageID: "KLER10-REG-2025-004512", CorrelationID: "EKM0412-FR-2025-000089",
		CaseKey: ref.Key(), OccurredAt: registered,
		ReceivedAt:    time.Date(2025, 12, 2, 5, 31, 0, 0, time.UTC),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: "KLER100011872025",
			Court: canonical.Court{
				Code: "KLER10", Name: "Judicial First Class Magistrate Court II, Ernakulam",
			},
			FilingNumber: "CC 1187/2025", FiledOn: "2025-12-01", NextHearing: "2026-01-15",
			FIR: &ref, Title: "State of Kerala v. Shibu K. R. and another", Status: "accepted",
		},
	}
	tracked := canonical.Message{
		ID: "hub-3", Type: canonical.TypeCourtRegistration, Source: "courts",
		SenderMessageID: "KLER10-REG-2025-004513", CorrelationID: "EXT-77",
		CaseKey: canonical.CNRKey("KLER100011902025"), OccurredAt: registered, SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: "KLER100011902025", Court: canonical.Court{Code: "KLER10"},
			TrackingID: "EXT-77", Status: "rejected", Reason: "copy of the seizure mahazar missing",
		},
	}
	return []canonical.Message{full, tracked}
}

// TestEncodeNotificationGolden compares the encoded registration with
// testdata/encoded/court_registration.json. Run with -update to rewrite
// it after a deliberate change, and review the diff.
func TestEncodeNotificationGolden(t *testing.T) {
	m := registrationMessages()[0]
	enc, err := newAdapter(t).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	jsondoctest.CompareFile(t, "encoded registration",
		"testdata/encoded/court_registration.json", append(enc.Body, '\n'))
}

func TestDecodeRejectsNotification(t *testing.T) {
	a := newAdapter(t)
	for _, m := range registrationMessages() {
		enc, err := a.Encode(&m)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		_, err = a.Decode(enc.Body, police.ContentType)
		got := jsondoctest.Sorted(schemas.Violations(err))
		if want := []violation{{"/document_type", "enum"}}; !slices.Equal(got, want) {
			t.Errorf("Decode of a notification: violations = %v, want %v (error %v)", got, want, err)
		}
	}
}

func TestEncodeNotification(t *testing.T) {
	a := newAdapter(t)
	m := registrationMessages()[0]
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if err := schemas.Validate("police/notification.json", enc.Body); err != nil {
		t.Fatalf("notification fails its schema: %v\n%s", err, enc.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(enc.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"document_type":  "court_registration",
		"message_id":     "KLER10-REG-2025-004512",
		"hub_message_id": "01JD3K8Q",
		"source_agency":  "courts",
		"in_reply_to":    "EKM0412-FR-2025-000089",
		"sent_at":        "2025-12-02T05:31:00Z",
		"registered_at":  "2025-12-02T10:40:00+05:30",
		"cnr":            "KLER100011872025",
		"next_hearing":   "2026-01-15",
		"status":         "accepted",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if fir, _ := got["fir"].(map[string]any); fir["number"] != 1187.0 {
		t.Errorf("fir = %v, want FIR 1187", got["fir"])
	}
}

func TestEncodeHandBuiltValid(t *testing.T) {
	a := newAdapter(t)
	schemaOf := map[canonical.Type]string{
		canonical.TypeArrest:            "police/document.json",
		canonical.TypeCourtRegistration: "police/notification.json",
	}
	for _, m := range append(handBuiltMessages(), registrationMessages()...) {
		enc, err := a.Encode(&m)
		if err != nil {
			t.Fatalf("Encode %s: %v", m.Type, err)
		}
		if err := schemas.Validate(schemaOf[m.Type], enc.Body); err != nil {
			t.Errorf("%s: %v", m.Type, err)
		}
	}
}

func TestEncodeChargesheetWithoutFIR(t *testing.T) {
	a := newAdapter(t)
	m := decodeOne(t, a, inputs(t)["final_report_bns"])
	m.Chargesheet.FIR, m.Chargesheet.TrackingID = nil, "EXT-1"
	_, err := a.Encode(&m)
	if err == nil || !strings.Contains(err.Error(), "FIR") {
		t.Errorf("Encode error = %v, want one naming the missing FIR", err)
	}
}

func TestEncodeMasksClearAadhaar(t *testing.T) {
	a := newAdapter(t)
	m := handBuiltMessages()[0]
	m.Arrest.Person.Identifiers = []canonical.Identifier{{Type: canonical.IDAadhaar, Value: "7392 0461 8570"}}
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if strings.Contains(string(enc.Body), "0461") {
		t.Errorf("encoded body contains the clear Aadhaar number:\n%s", enc.Body)
	}
	if !strings.Contains(string(enc.Body), `"XXXXXXXX8570"`) {
		t.Errorf("encoded body lacks the masked number:\n%s", enc.Body)
	}

	m.Arrest.Person.Identifiers[0].Value = "7392 0461 8571"
	if _, err := a.Encode(&m); err == nil {
		t.Error("Encode accepted an Aadhaar value that is neither masked nor valid")
	}
}

func TestEncodeUnsupportedType(t *testing.T) {
	m := canonical.Message{Type: "warrant"}
	_, err := newAdapter(t).Encode(&m)
	if !errors.Is(err, adapters.ErrUnsupported) {
		t.Errorf("Encode error = %v, want ErrUnsupported", err)
	}
}

func TestEncodeMissingBody(t *testing.T) {
	m := canonical.Message{Type: canonical.TypeFIR}
	_, err := newAdapter(t).Encode(&m)
	if err == nil {
		t.Error("Encode accepted an FIR message without its body")
	}
}

func TestNewRejectsShortKey(t *testing.T) {
	_, err := police.New(police.Config{AadhaarKey: []byte("short")})
	if err == nil || !strings.Contains(err.Error(), "AadhaarKey") {
		t.Errorf("New error = %v, want one naming AadhaarKey", err)
	}
}

// TestDecodeUnknownDocumentType checks that a document type a station
// does not send gets one enum violation that lists every type it may
// send, the verification report included.
func TestDecodeUnknownDocumentType(t *testing.T) {
	_, err := newAdapter(t).Decode([]byte(`{"document_type": "chargesheet", "message_id": "X-1"}`),
		police.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Pointer != "/document_type" || vs[0].Rule != "enum" {
		t.Fatalf("violations = %v, want one enum violation at /document_type", vs)
	}
	for _, kind := range []string{"fir", "arrest", "final_report", "verification_report"} {
		if !strings.Contains(vs[0].Message, kind) {
			t.Errorf("message %q does not list %s", vs[0].Message, kind)
		}
	}
}
