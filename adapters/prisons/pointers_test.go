package prisons_test

import (
	"bytes"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// decodeOne decodes body, failing t unless it is one message.
func decodeOne(t *testing.T, body []byte, contentType string) *canonical.Message {
	t.Helper()
	decoded, err := newAdapter(t).Decode(body, contentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(decoded.Messages) != 1 {
		t.Fatalf("Decode returned %d messages, want 1", len(decoded.Messages))
	}
	return &decoded.Messages[0]
}

// violationAt returns the pointer of the violation of rule that Decode
// reports for body, failing t when there is none.
func violationAt(t *testing.T, body []byte, rule string) string {
	t.Helper()
	_, err := newAdapter(t).Decode(body, "")
	for _, v := range schemas.Violations(err) {
		if v.Rule == rule {
			return v.Pointer
		}
	}
	t.Fatalf("Decode: %v, want a violation of rule %s", err, rule)
	return ""
}

func TestBodyPointerJSONMovement(t *testing.T) {
	body := inputs(t, ".json")["release_bail"]
	m := decodeOne(t, body, "")
	doc := adapters.Document{Body: body, ContentType: "application/json"}
	for pointer, want := range map[string]string{
		"/prisoner_movement/at":                   "/at",
		"/prisoner_movement/prisoner/prison_code": "/prisoner/prison_code",
		"/prisoner_movement/prisoner/number":      "/prisoner/number",
		"/prisoner_movement/from/code":            "/from/code",
		"/correlation_id":                         "/in_reply_to",
	} {
		if got, ok := newAdapter(t).BodyPointer(doc, m, pointer); got != want || !ok {
			t.Errorf("BodyPointer(%s) = %q, %v; want %q", pointer, got, ok, want)
		}
	}
	for _, pointer := range []string{"/prisoner_movement/home_police_station",
		"/prisoner_movement/prisoner/cases/0/court/code", "/prisoner_movement/atx", "/case_key"} {
		if got, ok := newAdapter(t).BodyPointer(doc, m, pointer); ok {
			t.Errorf("BodyPointer(%s) = %q, want no pointer", pointer, got)
		}
	}
}

// TestBodyPointerNIEMReport compares each pointer into a NIEM report
// with the one the decoder gives a violation of the same field.
func TestBodyPointerNIEMReport(t *testing.T) {
	for name, c := range map[string]struct {
		sample, pointer, rule string
		from, to              string // the edit that breaks the field
	}{
		"release time": {"release_report", "/prisoner_movement/at", "future",
			"2025-10-18T17:45:00+05:30", "2099-10-18T17:45:00+05:30"},
		"booking time": {"booking_report", "/prisoner_movement/at", "future",
			"2025-09-21T19:10:00+05:30", "2099-09-21T19:10:00+05:30"},
		"prison": {"booking_report", "/prisoner_movement/prisoner/prison_code", "code",
			"\n        KLDJEKM\n", "\n        KLDJ/EKM\n"},
		"prisoner": {"release_report", "/prisoner_movement/prisoner/number", "pattern",
			"UT-2240-2025", "UT/2240"},
	} {
		t.Run(name, func(t *testing.T) {
			body := inputs(t, ".xml")[c.sample]
			broken := bytes.Replace(body, []byte(c.from), []byte(c.to), 1)
			if bytes.Equal(broken, body) {
				t.Fatalf("%q not in %s", c.from, c.sample)
			}
			want := violationAt(t, broken, c.rule)

			m := decodeOne(t, body, "")
			got, ok := newAdapter(t).BodyPointer(adapters.Document{Body: body}, m, c.pointer)
			if got != want || !ok {
				t.Errorf("BodyPointer(%s) = %q, %v; want %q", c.pointer, got, ok, want)
			}
		})
	}
}

func TestBodyPointerNIEMCorrelationID(t *testing.T) {
	body := inputs(t, ".xml")["release_report"]
	m := decodeOne(t, body, "")
	doc := adapters.Document{Body: body, ContentType: "application/xml"}
	if got, ok := newAdapter(t).BodyPointer(doc, m, "/correlation_id"); ok {
		t.Errorf("BodyPointer(/correlation_id) = %q, want no pointer: a NIEM report has no in_reply_to", got)
	}
}
