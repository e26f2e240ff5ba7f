package police_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/schemas"
)

// decodeViolations decodes testdata/NAME.json with edits and returns the
// violations in the order Decode lists them.
func decodeViolations(t *testing.T, name string, edits ...edit) []schemas.Violation {
	t.Helper()
	body := editDocument(t, name, edits)
	_, err := newAdapter(t).Decode(body, police.ContentType)
	vs := schemas.Violations(err)
	if vs == nil {
		t.Fatalf("Decode error = %v, want a validation error", err)
	}
	return vs
}

func TestViolationMessages(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		edits   []edit
		want    schemas.Violation
		message string // the message, or a part of it when partial is set
		partial bool
	}{
		{"FIR number over the maximum", "fir", []edit{{"/fir/number", 100_000_000}},
			schemas.Violation{Pointer: "/fir/number", Rule: "maximum"},
			"must be at most 99999999, found 100000000", false},
		{"201 sections", "fir", []edit{{"/sections", manySections(201)}},
			schemas.Violation{Pointer: "/sections", Rule: "maxItems"},
			"must be at most 200 items, found 201", false},
		{"original report with a supplementary number", "final_report_bns",
			[]edit{{"/report_type", "original"}, {"/supplementary_number", 2}},
			schemas.Violation{Pointer: "/supplementary_number", Rule: schemas.RuleNotAllowed},
			"an original report has no supplementary number", true},
		{"IPC section with a sign", "final_report_ipc", []edit{{"/sections/0/section", "-5"}},
			schemas.Violation{Pointer: "/sections/0/section", Rule: "section"},
			`unknown IPC section "-5"`, true},
		{"report dated before the occurrence", "final_report_bns", []edit{
			{"/report_date", "2025-01-02"},
			{"/occurrence", map[string]any{"from": "2025-01-03T19:30:00+05:30"}},
		}, schemas.Violation{Pointer: "/report_date", Rule: "chronology"},
			"report date 2025-01-02 is before the day of /occurrence/from, 2025-01-03T19:30:00+05:30",
			false},
		{"arrest a nanosecond before the occurrence", "arrest", []edit{
			{"/occurrence/from", "2025-09-20T16:30:00.000000001+05:30"},
		}, schemas.Violation{Pointer: "/arrested_at", Rule: "chronology"},
			"2025-09-20T16:30:00+05:30 is before /occurrence/from, 2025-09-20T16:30:00.000000001+05:30",
			false},
		{"arrest sent a nanosecond too early", "arrest", []edit{
			{"/sent_at", "2025-09-20T10:50:00Z"}, {"/arrested_at", "2025-09-20T11:00:00.000000001Z"},
		}, schemas.Violation{Pointer: "/sent_at", Rule: "chronology"},
			"2025-09-20T10:50:00Z is before /arrested_at, 2025-09-20T11:00:00.000000001Z, " +
				"by more than the allowed clock skew of 10m0s",
			false},
		{"unknown member of an FIR", "fir", []edit{{"/remarks", "x"}},
			schemas.Violation{Pointer: "/remarks", Rule: schemas.RuleNotAllowed},
			"field not allowed here", false},
		{"unknown member of an FIR reference", "fir", []edit{{"/fir/remarks", "x"}},
			schemas.Violation{Pointer: "/fir/remarks", Rule: schemas.RuleNotAllowed},
			"field not allowed here", false},
		{"unknown member of an arrest", "arrest", []edit{{"/arrest_time", "16:30"}},
			schemas.Violation{Pointer: "/arrest_time", Rule: schemas.RuleNotAllowed},
			"field not allowed here", false},
		{"court registration from a station", "fir", []edit{{"/document_type", "court_registration"}},
			schemas.Violation{Pointer: "/document_type", Rule: "enum"},
			"send fir, arrest, final_report or verification_report", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := decodeViolations(t, tt.input, tt.edits...)
			if len(vs) != 1 {
				t.Fatalf("violations = %v, want one at %s", vs, tt.want.Pointer)
			}
			got := vs[0]
			if got.Pointer != tt.want.Pointer || got.Rule != tt.want.Rule {
				t.Errorf("violation at %s (%s), want %s (%s)", got.Pointer, got.Rule,
					tt.want.Pointer, tt.want.Rule)
			}
			if tt.partial && !strings.Contains(got.Message, tt.message) {
				t.Errorf("message %q, want it to contain %q", got.Message, tt.message)
			}
			if !tt.partial && got.Message != tt.message {
				t.Errorf("message %q, want %q", got.Message, tt.message)
			}
		})
	}
}

// TestOneViolationPerFieldInPointerOrder breaks two fields whose schema
// violation implies the adapter's own check, and one field before them
// that only the adapter checks.
func TestOneViolationPerFieldInPointerOrder(t *testing.T) {
	vs := decodeViolations(t, "fir",
		edit{"/sections/1/section", strings.Repeat("1", 80)},
		edit{"/fir/state", "kl"},
		edit{"/complainant/names/1/full", "Anitha\u202eMenon"},
	)
	var got []string
	for _, v := range vs {
		got = append(got, v.Pointer+" "+v.Rule)
	}
	want := []string{
		"/complainant/names/1/full name-text",
		"/fir/state pattern",
		"/sections/1/section maxLength",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
}

// TestStationTypesNamedAlike checks that the rejections of a document
// type a station does not send name the same types.
func TestStationTypesNamedAlike(t *testing.T) {
	registration := decodeViolations(t, "fir", edit{"/document_type", "court_registration"})
	unknown := decodeViolations(t, "fir", edit{"/document_type", "warrant"})
	_, wantTypes, _ := strings.Cut(unknown[0].Message, "send ")
	if !strings.HasSuffix(registration[0].Message, "send "+wantTypes) {
		t.Errorf("court_registration message %q, want it to end as %q does: send %s",
			registration[0].Message, unknown[0].Message, wantTypes)
	}
	if !bytes.Contains([]byte(wantTypes), []byte("verification_report")) {
		t.Errorf("types %q lack verification_report", wantTypes)
	}
}
