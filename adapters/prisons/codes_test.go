package prisons_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/schemas"
)

// TestCodeViolations checks that a prison code, a place's code, a
// prisoner number and a booking number each get every rule they break.
// The rules are pattern for an invisible character or a space at either
// end, aadhaar-like for an Aadhaar-like number and maxLength for more
// than 64 characters.
func TestCodeViolations(t *testing.T) {
	const hidden = "KL\u202e491873625403"
	tests := []struct {
		name  string
		doc   string
		edits map[string]any
		want  []violation
	}{
		{"prison code with an override before an Aadhaar-like number", "court_production",
			map[string]any{"/prisoner/prison_code": hidden, "/from/code": hidden},
			[]violation{{"/from/code", "pattern"}, {"/from/code", "aadhaar-like"},
				{"/prisoner/prison_code", "pattern"}, {"/prisoner/prison_code", "aadhaar-like"}}},
		{"to.code with an override before an Aadhaar-like number", "release_bail",
			map[string]any{"/to": map[string]any{"kind": "prison", "code": hidden}},
			[]violation{{"/to/code", "pattern"}, {"/to/code", "aadhaar-like"}}},
		{"prison code like an Aadhaar number", "court_production",
			map[string]any{"/prisoner/prison_code": "KL491873625403", "/from/code": "KL491873625403"},
			[]violation{{"/from/code", "aadhaar-like"}, {"/prisoner/prison_code", "aadhaar-like"}}},
		{"prisoner number of 70 characters ending in a space", "release_bail",
			map[string]any{"/prisoner/number": strings.Repeat("U", 69) + " "},
			[]violation{{"/prisoner/number", "maxLength"}, {"/prisoner/number", "pattern"}}},
		{"booking number of 71 characters ending in a space", "release_bail",
			map[string]any{"/prisoner/booking_number": strings.Repeat("B", 70) + " "},
			[]violation{{"/prisoner/booking_number", "maxLength"}, {"/prisoner/booking_number", "pattern"}}},
		{"prison code of 65 characters", "court_order_production",
			map[string]any{"/prisoner/prison_code": strings.Repeat("K", 65)},
			[]violation{{"/prisoner/prison_code", "maxLength"}}},
		{"booking number ending in a space", "release_bail",
			map[string]any{"/prisoner/booking_number": "B-2025 "},
			[]violation{{"/prisoner/booking_number", "pattern"}}},
		{"booking number starting with a space", "release_bail",
			map[string]any{"/prisoner/booking_number": " B-2025"},
			[]violation{{"/prisoner/booking_number", "pattern"}}},
		{"booking number with a no-break space", "release_bail",
			map[string]any{"/prisoner/booking_number": "B-2025\u00a01822"},
			[]violation{{"/prisoner/booking_number", "pattern"}}},
		{"other place's code ending in a space", "release_bail",
			map[string]any{"/to": map[string]any{"kind": "other", "code": "EKM0412 "}},
			[]violation{{"/to/code", "pattern"}}},
		{"court's code starting with a space", "court_production",
			map[string]any{"/to": map[string]any{"kind": "court", "code": " KLER10"}},
			[]violation{{"/to/code", "pattern"}}},
		{"prison code ending in a space in to", "release_bail",
			map[string]any{"/to": map[string]any{"kind": "prison", "code": "KLSJEKM "}},
			[]violation{{"/to/code", "pattern"}}},
		{"prison code with a slash in to", "release_bail",
			map[string]any{"/to": map[string]any{"kind": "prison", "code": "KL/SJEKM"}},
			[]violation{{"/to/code", "pattern"}}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Decode(edit(t, tt.doc, tt.edits), prisons.ContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}

// TestCodeMessagesNameFault checks that each pattern message of a code
// or number names the fault it found, and writes an Aadhaar-like number
// masked.
func TestCodeMessagesNameFault(t *testing.T) {
	tests := []struct {
		pointer string
		value   any
		want    string
	}{
		{"/prisoner/prison_code", "KL\u202e491873625403",
			`prison code "KL\u202eXXXXXXXX5403" has U+202E at byte 2`},
		{"/prisoner/number", "\u202eUT491873625403",
			`prisoner number "\u202eUTXXXXXXXX5403" has U+202E at byte 0`},
		{"/prisoner/number", "UT491873625403\u200b",
			`prisoner number "UTXXXXXXXX5403\u200b" has U+200B at byte 14`},
		{"/prisoner/number", strings.Repeat("U", 69) + " ", "ends with a space, U+0020 at byte 69"},
		{"/prisoner/booking_number", "B-2025 ", `booking number "B-2025 " ends with a space`},
		{"/prisoner/booking_number", " B-2025", `booking number " B-2025" starts with a space`},
		{"/prisoner/booking_number", "B-2025\u00a01822", `has U+00A0 at byte 6, a space other than U+0020`},
		{"/to", map[string]any{"kind": "other", "code": "EKM0412 "}, `to.code "EKM0412 " ends with a space`},
		{"/to", map[string]any{"kind": "prison", "code": "KL/SJEKM"}, `to.code "KL/SJEKM" has a slash at byte 2`},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		_, err := a.Decode(edit(t, "release_bail", map[string]any{tt.pointer: tt.value}), prisons.ContentType)
		found := false
		for _, v := range schemas.Violations(err) {
			if v.Rule != "pattern" {
				continue
			}
			found = true
			if !strings.Contains(v.Message, tt.want) {
				t.Errorf("%s %+q: message %q does not contain %q", tt.pointer, tt.value, v.Message, tt.want)
			}
			if strings.Contains(v.Message, "73625403") {
				t.Errorf("%s %+q: message %q shows the number in clear", tt.pointer, tt.value, v.Message)
			}
		}
		if !found {
			t.Errorf("%s %+q: %v, want a pattern violation", tt.pointer, tt.value, err)
		}
	}
}

// TestCodesWithSlashAccepted checks that a booking number and the code
// of a place other than a prison may contain a slash and inner spaces.
// A NIEM booking report's booking number may contain them, and so may
// the movement that the hub writes from it.
func TestCodesWithSlashAccepted(t *testing.T) {
	a := newAdapter(t)
	body := edit(t, "release_bail", map[string]any{
		"/prisoner/booking_number": "B/2025 1822",
		"/to":                      map[string]any{"kind": "other", "code": "EKM/0412"},
	})
	d, err := a.Decode(body, prisons.ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if _, err := a.Encode(&d.Messages[0]); err != nil {
		t.Errorf("Encode: %v", err)
	}

	report := strings.Replace(string(inputs(t, ".xml")["booking_report"]),
		">B-2025-1822<", ">B/2025 1822<", 1)
	d, err = a.Decode([]byte(report), prisons.XMLContentType)
	if err != nil {
		t.Fatalf("Decode booking report: %v", err)
	}
	if got := d.Messages[0].Movement.Prisoner.BookingNumber; got != "B/2025 1822" {
		t.Fatalf("booking number %q, want B/2025 1822", got)
	}
	if _, err := a.Encode(&d.Messages[0]); err != nil {
		t.Errorf("Encode booking report: %v", err)
	}
}
