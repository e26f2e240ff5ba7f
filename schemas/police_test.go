package schemas_test

import (
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

func TestEmbeddedSchemasCompile(t *testing.T) {
	if err := schemas.Check(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"police/document.json", "police/fir.json", "police/arrest.json",
		"police/final_report.json", "police/notification.json",
	} {
		if !slices.Contains(schemas.Names(), name) {
			t.Errorf("schema %s is not embedded", name)
		}
	}
}

func TestPoliceNotificationViolations(t *testing.T) {
	valid := `{"message_id":"KLER10-REG-2025-004512","document_type":"court_registration",` +
		`"sent_at":"2025-12-02T11:00:00+05:30","registered_at":"2025-12-02T10:40:00+05:30",` +
		`"cnr":"KLER100011872025","court":{"establishment_code":"KLER10"},"tracking_id":"T-1"}`
	if err := schemas.Validate("police/notification.json", []byte(valid)); err != nil {
		t.Fatalf("valid notification: %v", err)
	}

	broken := `{"message_id":"","document_type":"court_registration","sent_at":"2025-12-02",` +
		`"registered_at":"2025-12-02T10:40:00+05:30","cnr":"KLER100011872025",` +
		`"court":{"establishment_code":"KLER10"},"tracking_id":"T-1","hearing":"2026-01-15"}`
	got := violationsOf(t, schemas.Validate("police/notification.json", []byte(broken)))
	want := []wantViolation{
		{"/hearing", "not-allowed"}, {"/message_id", "minLength"}, {"/sent_at", "format"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
}

// TestDateTimeFormatHint checks that a date-time or date that the
// schema's format rejects gets a message with an example of a valid one.
func TestDateTimeFormatHint(t *testing.T) {
	doc := `{"message_id":"KLER10-REG-2025-004512","document_type":"court_registration",` +
		`"sent_at":"2025-12-02T11:00:00","registered_at":"2025-12-02T10:40:00+05:30",` +
		`"cnr":"KLER100011872025","court":{"establishment_code":"KLER10"},"tracking_id":"T-1"}`
	got := schemas.Violations(schemas.Validate("police/notification.json", []byte(doc)))
	want := "'2025-12-02T11:00:00' is not valid 'date-time': want RFC 3339, " +
		"such as 2025-10-03T09:30:00+05:30"
	if len(got) != 1 || got[0].Pointer != "/sent_at" || got[0].Rule != "format" {
		t.Fatalf("violations = %v, want one of rule format at /sent_at", got)
	}
	if got[0].Message != want {
		t.Errorf("message = %q, want %q", got[0].Message, want)
	}
}

func TestPoliceDocumentType(t *testing.T) {
	got := violationsOf(t, schemas.Validate("police/document.json", []byte(`{"document_type":"warrant"}`)))
	if want := []wantViolation{{"/document_type", "enum"}}; !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
	// Each missing field of the envelope and of the FIR is reported at
	// its own pointer.
	got = violationsOf(t, schemas.Validate("police/document.json", []byte(`{"document_type":"fir"}`)))
	want := []wantViolation{
		{"/accused", "required"}, {"/complainant", "required"}, {"/fir", "required"},
		{"/first_information", "required"}, {"/information_received", "required"},
		{"/message_id", "required"}, {"/occurrence", "required"}, {"/registered_at", "required"},
		{"/sections", "required"}, {"/sent_at", "required"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("FIR with only its type: violations = %v, want %v", got, want)
	}
	got = violationsOf(t, schemas.Validate("police/document.json",
		[]byte(`{"document_type":"court_registration"}`)))
	if want := []wantViolation{{"/document_type", "enum"}}; !slices.Equal(got, want) {
		t.Errorf("court registration: violations = %v, want %v", got, want)
	}
}
