package police_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// edit changes one value of a JSON document: it sets the value at the
// pointer, or deletes it when value is deleteValue.
type edit struct {
	pointer string
	value   any
}

var deleteValue = jsondoctest.Delete

type violation = jsondoctest.Violation

func TestDecodeInvalid(t *testing.T) {
	tests := []struct {
		name  string
		input string
		edits []edit
		want  []violation
	}{
		{"missing accused", "final_report_bns", []edit{{"/accused", deleteValue}},
			[]violation{{"/accused", "required"}}},
		{"chargesheet without accused", "final_report_bns", []edit{{"/accused", []any{}}},
			[]violation{{"/accused", "minItems"}}},
		{"chargesheet charging no one", "final_report_bns", []edit{
			{"/accused/0/charged", false}, {"/accused/1/charged", false},
		}, []violation{{"/accused", "charged"}}},
		{"untraced report charging someone", "final_report_bns", []edit{
			{"/kind", "untraced"},
		}, []violation{{"/accused/0/charged", "const"}, {"/accused/1/charged", "const"}}},
		{"lower-case district code", "final_report_bns", []edit{{"/fir/district", "ekm"}},
			[]violation{{"/fir/district", "pattern"}}},
		{"bad date", "final_report_bns", []edit{{"/report_date", "2025-02-30"}},
			[]violation{{"/report_date", "format"}}},
		{"date-time without offset", "fir", []edit{{"/registered_at", "2025-09-14T10:45:00"}},
			[]violation{{"/registered_at", "format"}}},
		{"unknown IPC section", "final_report_ipc", []edit{{"/sections/0/section", "602"}},
			[]violation{{"/sections/0/section", "section"}}},
		{"malformed BNS section", "fir", []edit{{"/sections/1/section", "3-5"}},
			[]violation{{"/sections/1/section", "section"}}},
		{"BNS for a 2023 offence", "final_report_ipc", []edit{{"/sections/0/act", "BNS"},
			{"/sections/0/section", "103(1)"}},
			[]violation{{"/sections/0/act", "code-in-force"}}},
		{"BNS in a 2023 FIR without occurrence", "final_report_ipc", []edit{
			{"/occurrence", deleteValue}, {"/sections/1/act", "BNS"}, {"/sections/1/section", "238"},
		}, []violation{{"/sections/1/act", "code-in-force"}}},
		{"IPC for a 2025 offence", "fir", []edit{{"/sections/0/act", "IPC"},
			{"/sections/0/section", "379"}},
			[]violation{{"/sections/0/act", "code-in-force"}}},
		{"IPC in an arrest after BNS", "arrest", []edit{{"/sections/1/act", "IPC"},
			{"/sections/1/section", "34"}},
			[]violation{{"/sections/1/act", "code-in-force"}}},
		{"bad aadhaar check digit", "fir", []edit{
			{"/complainant/identifiers/0/number", "4918 7362 5404"},
		}, []violation{{"/complainant/identifiers/0/number", "aadhaar"}}},
		{"aadhaar of 11 digits", "arrest", []edit{{"/accused/identifiers/0/number", "5863017294"}},
			[]violation{{"/accused/identifiers/0/number", "aadhaar"}}},
		{"FIR before occurrence", "fir", []edit{{"/occurrence/from", "2025-09-14T11:00:00+05:30"},
			{"/occurrence/to", deleteValue}},
			[]violation{{"/information_received/at", "chronology"}, {"/registered_at", "chronology"}}},
		{"occurrence ends before it begins", "fir", []edit{
			{"/occurrence/to", "2025-09-13T19:00:00+05:30"},
		}, []violation{{"/occurrence/to", "chronology"}}},
		{"FIR year differs from registration", "fir", []edit{{"/fir/year", 2024}},
			[]violation{{"/fir/year", "fir-year"}}},
		{"FIR year is the UTC year of registration", "fir", []edit{
			{"/registered_at", "2025-12-31T20:00:00Z"}, {"/sent_at", "2025-12-31T20:05:00Z"},
			{"/sent_to_court_at", deleteValue},
		}, []violation{{"/fir/year", "fir-year"}}},
		{"future dates", "fir", []edit{
			{"/sent_to_court_at", "2027-01-01T10:00:00+05:30"},
			{"/complainant/age/as_of", "2026-07-01"},
		}, []violation{{"/complainant/age/as_of", "future"}, {"/sent_to_court_at", "future"}}},
		{"blank name", "arrest", []edit{{"/accused/names/1/full", " \t "}},
			[]violation{{"/accused/names/1/full", "blank"}}},
		{"birth year in the future", "final_report_ipc", []edit{{"/accused/0/person/birth_year", 2999}},
			[]violation{{"/accused/0/person/birth_year", "future"}}},
		{"birth year against date of birth", "arrest", []edit{{"/accused/birth_year", 1998}},
			[]violation{{"/accused/birth_year", "birth-year"}}},
		{"name of zero-width spaces", "arrest", []edit{{"/accused/names/1/full", "\u200b\u200b"}},
			[]violation{{"/accused/names/1/full", "name-text"}}},
		{"name of combining marks", "fir", []edit{{"/complainant/names/0/full", "\u0301\u0308"}},
			[]violation{{"/complainant/names/0/full", "name-text"}}},
		{"name that reverses text", "arrest", []edit{{"/accused/names/1/full", "Rajan\u202eevil"}},
			[]violation{{"/accused/names/1/full", "name-text"}}},
		{"unknown accused without description", "fir", []edit{{"/accused/0/description", deleteValue}},
			[]violation{{"/accused/0/description", "required"}}},
		{"informed relative unnamed", "arrest", []edit{{"/relative_informed/name", deleteValue}},
			[]violation{{"/relative_informed/name", "required"}}},
		{"relative named but not informed", "arrest", []edit{{"/relative_informed/informed", false}},
			[]violation{{"/relative_informed/name", "not-allowed"}}},
		{"supplementary without number", "final_report_untraced", []edit{
			{"/supplementary_number", deleteValue},
		}, []violation{{"/supplementary_number", "required"}}},
		{"bad envelope fields", "arrest", []edit{{"/sent_at", "20 Sept 2025"}, {"/message_id", ""}},
			[]violation{{"/message_id", "minLength"}, {"/sent_at", "format"}}},
		{"sent at the zero instant", "arrest", []edit{{"/sent_at", "0001-01-01T00:00:00Z"}},
			[]violation{{"/sent_at", "earliest"}}},
		{"arrested at the zero instant in IST", "arrest", []edit{{"/arrested_at", "0001-01-01T05:30:00+05:30"}},
			[]violation{{"/arrested_at", "earliest"}}},
		{"arrested at offset +24:00", "arrest", []edit{{"/arrested_at", "0001-01-01T00:00:00+24:00"}},
			[]violation{{"/arrested_at", "format"}}},
		{"occurrence from at offset +24:00 after the arrest", "arrest", []edit{
			{"/occurrence/from", "2025-09-21T19:30:00+24:00"},
		}, []violation{{"/occurrence/from", "format"}}},
		{"registered at offset +24:00 and a bad FIR year", "fir", []edit{
			{"/registered_at", "2025-09-14T10:45:00+24:00"}, {"/fir/year", 2024},
		}, []violation{{"/registered_at", "format"}}},
		{"registered before 1900", "fir", []edit{{"/registered_at", "1899-12-31T23:59:59+05:30"}},
			[]violation{{"/registered_at", "earliest"}}},
		{"occurrence from 1857", "fir", []edit{{"/occurrence/from", "1857-05-10T17:00:00+05:30"}},
			[]violation{{"/occurrence/from", "earliest"}}},
		{"arrested before 1900", "arrest", []edit{{"/arrested_at", "1899-11-30T16:30:00Z"}},
			[]violation{{"/arrested_at", "earliest"}}},
		{"sent in the future", "arrest", []edit{{"/sent_at", "2026-06-30T13:00:00+05:30"}},
			[]violation{{"/sent_at", "future"}}},
		{"unknown field", "arrest", []edit{{"/arrest_time", "16:30"}},
			[]violation{{"/arrest_time", "not-allowed"}}},
		{"unknown act", "fir", []edit{{"/sections/0/act", "XYZ"}},
			[]violation{{"/sections/0/act", "act"}}},
		{"IPC by name for a 2025 offence", "fir", []edit{{"/sections/0/act", "Indian Penal Code"},
			{"/sections/0/section", "379"}},
			[]violation{{"/sections/0/act", "code-in-force"}}},
		{"lower-case ipc with unknown section", "final_report_ipc", []edit{{"/sections/0/act", " ipc"},
			{"/sections/0/section", "602"}},
			[]violation{{"/sections/0/section", "section"}}},
		{"message id with NUL", "fir", []edit{{"/message_id", "EKM0412-FIR\x00-1"}},
			[]violation{{"/message_id", "pattern"}}},
		{"message id with newline", "fir", []edit{{"/message_id", "EKM0412-FIR\n-1"}},
			[]violation{{"/message_id", "pattern"}}},
		{"message id of 129 characters", "fir", []edit{{"/message_id", strings.Repeat("m", 129)}},
			[]violation{{"/message_id", "maxLength"}}},
		{"message id of 129 characters ending in a space", "fir",
			[]edit{{"/message_id", strings.Repeat("m", 128) + " "}},
			[]violation{{"/message_id", "maxLength"}, {"/message_id", "pattern"}}},
		{"in_reply_to with a space", "arrest", []edit{{"/in_reply_to", "EKM0412 FIR"}},
			[]violation{{"/in_reply_to", "in-reply-to"}}},
		{"in_reply_to on an FIR", "fir", []edit{{"/in_reply_to", "EKM0412-GD-17"}},
			[]violation{{"/in_reply_to", "in-reply-to"}}},
		{"in_reply_to on a final report", "final_report_bns", []edit{{"/in_reply_to", "01K6H9B2WQ"}},
			[]violation{{"/in_reply_to", "in-reply-to"}}},
		{"hub fields on an FIR", "fir", []edit{
			{"/hub_message_id", "01K6H9B2WQ"}, {"/source_agency", "courts"},
		}, []violation{{"/hub_message_id", "hub-only"}, {"/source_agency", "hub-only"}}},
		{"hub_message_id on an arrest", "arrest", []edit{{"/hub_message_id", "01K6H9B2WQ"}},
			[]violation{{"/hub_message_id", "hub-only"}}},
		{"source_agency on a final report", "final_report_bns", []edit{{"/source_agency", "police"}},
			[]violation{{"/source_agency", "hub-only"}}},
		{"unknown state", "arrest", []edit{{"/fir/state", "XX"}},
			[]violation{{"/fir/state", "state"}}},
		{"born before 1900", "arrest", []edit{{"/accused/date_of_birth", "1899-12-31"}},
			[]violation{{"/accused/date_of_birth", "date-of-birth"}}},
		{"born after the arrest", "arrest", []edit{{"/accused/date_of_birth", "2025-09-21"}},
			[]violation{{"/accused/date_of_birth", "date-of-birth"}}},
		{"witness born after the report", "final_report_bns", []edit{
			{"/witnesses/1/date_of_birth", "2025-12-02"},
		}, []violation{{"/witnesses/1/date_of_birth", "date-of-birth"}}},
		{"birth year before 1900", "fir", []edit{{"/complainant/birth_year", 1899}},
			[]violation{{"/complainant/birth_year", "minimum"}}},
		{"arrest sent before the arrest", "arrest", []edit{{"/sent_at", "2025-09-20T16:00:00+05:30"}},
			[]violation{{"/sent_at", "chronology"}}},
		{"FIR sent before registration", "fir", []edit{{"/sent_at", "2025-09-14T10:00:00+05:30"}},
			[]violation{{"/sent_at", "chronology"}}},
		{"national FIR id with a space", "fir", []edit{{"/fir/national_id", "32EKM0412 202501187"}},
			[]violation{{"/fir/national_id", "pattern"}}},
		{"national FIR id of 12 digits like an Aadhaar number", "fir",
			[]edit{{"/fir/national_id", "491873625403"}},
			[]violation{{"/fir/national_id", "aadhaar-like"}}},
		{"national FIR id like an Aadhaar number with hyphens", "fir",
			[]edit{{"/fir/national_id", "4918-7362-5403"}},
			[]violation{{"/fir/national_id", "aadhaar-like"}}},
		{"arrest's national FIR id like an Aadhaar number with slashes", "arrest",
			[]edit{{"/fir/national_id", "4918/7362/5403"}},
			[]violation{{"/fir/national_id", "aadhaar-like"}}},
		{"report's national FIR id like an Aadhaar number with dots", "final_report_bns",
			[]edit{{"/fir/national_id", "4918.7362.5403"}},
			[]violation{{"/fir/national_id", "aadhaar-like"}}},
		{"passport number with a hyphen", "fir", []edit{{"/complainant/identifiers/1/number", "T82-34561"}},
			[]violation{{"/complainant/identifiers/1/number", "pattern"}}},
		{"chargesheet without report number", "final_report_bns", []edit{{"/report_number", deleteValue}},
			[]violation{{"/report_number", "required"}}},
		{"report number like an Aadhaar number", "final_report_bns",
			[]edit{{"/report_number", "CS 4918 7362 5403"}},
			[]violation{{"/report_number", "aadhaar-like"}}},
		{"report number like an Aadhaar number after a word joiner", "final_report_bns",
			[]edit{{"/report_number", "CS\u2060491873625403"}},
			[]violation{{"/report_number", "aadhaar-like"}, {"/report_number", "pattern"}}},
		{"report number too long with a word joiner", "final_report_bns",
			[]edit{{"/report_number", "CS\u2060" + strings.Repeat("1", 64)}},
			[]violation{{"/report_number", "maxLength"}, {"/report_number", "pattern"}}},
		{"report number with a zero-width space", "final_report_bns",
			[]edit{{"/report_number", "CS 12\u200b/2025"}},
			[]violation{{"/report_number", "pattern"}}},
		{"report number with a right-to-left override", "final_report_bns",
			[]edit{{"/report_number", "CS \u202e12/2025"}},
			[]violation{{"/report_number", "pattern"}}},
		{"report number with a control character", "final_report_bns",
			[]edit{{"/report_number", "CS 12/2025\u0007"}},
			[]violation{{"/report_number", "pattern"}}},
		{"report number with a line break", "final_report_bns",
			[]edit{{"/report_number", "CS 12\n/2025"}},
			[]violation{{"/report_number", "pattern"}}},
		{"voter id with a zero-width space", "fir", []edit{
			{"/complainant/identifiers/1/type", "voter_id"},
			{"/complainant/identifiers/1/number", "KLA\u200b1234567"},
		}, []violation{{"/complainant/identifiers/1/number", "pattern"}}},
		{"ration card with a left-to-right mark", "arrest", []edit{
			{"/accused/identifiers/0/type", "ration_card"},
			{"/accused/identifiers/0/number", "1234\u200e567890"},
		}, []violation{{"/accused/identifiers/0/number", "pattern"}}},
		{"service number with a zero-width space", "fir",
			[]edit{{"/registered_by/service_number", "KP-\u200b4471"}},
			[]violation{{"/registered_by/service_number", "pattern"}}},
		{"arresting officer's service number with a control character", "arrest",
			[]edit{{"/arrested_by/service_number", "KP-4471\u0000"}},
			[]violation{{"/arrested_by/service_number", "pattern"}}},
		{"investigating officer's service number with an override", "final_report_bns",
			[]edit{{"/investigating_officer/service_number", "\u202eKP-4471"}},
			[]violation{{"/investigating_officer/service_number", "pattern"}}},
		{"general diary reference with an override", "fir",
			[]edit{{"/information_received/general_diary_ref", "GD 17/2025\u202e at 10:20"}},
			[]violation{{"/information_received/general_diary_ref", "pattern"}}},
		{"offence code with a soft hyphen", "fir",
			[]edit{{"/sections/0/offence_code", "THEFT\u00ad01"}},
			[]violation{{"/sections/0/offence_code", "pattern"}}},
		{"unknown kind", "final_report_bns", []edit{{"/kind", "closed"}},
			[]violation{{"/kind", "enum"}}},
		{"missing kind", "final_report_bns", []edit{{"/kind", deleteValue}},
			[]violation{{"/kind", "required"}}},
		{"201 sections", "fir", []edit{{"/sections", manySections(201)}},
			[]violation{{"/sections", "maxItems"}}},
		{"brief facts over 100,000 characters", "final_report_bns", []edit{
			{"/brief_facts", strings.Repeat("a", 100_001)},
		}, []violation{{"/brief_facts", "maxLength"}}},
		{"several errors at once", "final_report_bns", []edit{
			{"/accused/0/person/identifiers/0/number", "586301729437"},
			{"/sections/2/section", "999"},
			{"/sections/0/act", "IPC"},
			{"/report_date", "2027-01-02"},
			{"/court/establishment_code", "KL-ER-10"},
			{"/accused/1/status", "missing"},
		}, []violation{
			{"/accused/0/person/identifiers/0/number", "aadhaar"},
			{"/accused/1/status", "enum"},
			{"/court/establishment_code", "pattern"},
			{"/report_date", "future"},
			{"/sections/0/act", "code-in-force"},
			{"/sections/2/section", "section"},
		}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := editDocument(t, tt.input, tt.edits)
			_, err := a.Decode(body, police.ContentType)
			if err == nil {
				t.Fatalf("Decode accepted the document:\n%s", body)
			}
			if errors.Is(err, adapters.ErrMalformed) {
				t.Fatalf("Decode error = %v, want a validation error", err)
			}
			got := jsondoctest.Sorted(schemas.Violations(err))
			if !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v\nwant %v\nerror: %v", got, tt.want, err)
			}
		})
	}
}

// manySections returns n valid BNS sections.
func manySections(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"act": "BNS", "section": "303(2)"}
	}
	return out
}

// editDocument reads testdata/NAME.json and applies edits.
func editDocument(t *testing.T, name string, edits []edit) []byte {
	t.Helper()
	list := make([]jsondoctest.Edit, len(edits))
	for i, e := range edits {
		list[i] = jsondoctest.Edit{Pointer: e.pointer, Value: e.value}
	}
	return jsondoctest.Apply(t, readFile(t, "testdata/"+name+".json"), list...)
}

// TestNationalIDAadhaarLikeMasked checks that the violation of a national
// FIR id like an Aadhaar number does not repeat its digits in clear, and
// that ids of other lengths or check digits pass.
func TestNationalIDAadhaarLikeMasked(t *testing.T) {
	a := newAdapter(t)
	_, err := a.Decode(editDocument(t, "fir", []edit{{"/fir/national_id", "491873625403"}}), police.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("violations %v, want one", vs)
	}
	if strings.Contains(vs[0].Message, "49187362") {
		t.Errorf("message %q repeats the number in clear", vs[0].Message)
	}
	for _, want := range []string{"XXXXXXXX5403", "looks like an Aadhaar number", "CCTNS"} {
		if !strings.Contains(vs[0].Message, want) {
			t.Errorf("message %q lacks %q", vs[0].Message, want)
		}
	}
	for _, id := range []string{"491873625404", "32241012250001187", "4918736254031", "32/4918/2025/00123"} {
		if _, err := a.Decode(editDocument(t, "fir", []edit{{"/fir/national_id", id}}), police.ContentType); err != nil {
			t.Errorf("national_id %s: Decode: %v", id, err)
		}
	}
}

// TestNationalIDAadhaarRunRejected checks that an Aadhaar number with
// other characters attached to it is rejected as a whole one is.
func TestNationalIDAadhaarRunRejected(t *testing.T) {
	a := newAdapter(t)
	for _, id := range []string{"KL/4918/7362/5403", "32/491873625403", "491873625403/2025", "KL4918-7362-5403"} {
		_, err := a.Decode(editDocument(t, "fir", []edit{{"/fir/national_id", id}}), police.ContentType)
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != canonical.RuleAadhaarLike {
			t.Errorf("national_id %s: violations %v, want one of rule %s", id, vs, canonical.RuleAadhaarLike)
			continue
		}
		if strings.Contains(vs[0].Message, "7362") {
			t.Errorf("national_id %s: message %q repeats the number in clear", id, vs[0].Message)
		}
	}
}
