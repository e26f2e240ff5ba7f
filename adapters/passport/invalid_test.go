package passport_test

import (
	"bytes"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/passport/mrz"
	"github.com/sangam-hub/sangam/schemas"
)

// edit returns the testdata document name with each pointer set to its
// value, or removed when the value is nil.
func edit(t *testing.T, name string, edits map[string]any) []byte {
	t.Helper()
	return jsondoctest.ApplyEdits(t, inputs(t)[name], edits)
}

type violation = jsondoctest.Violation

// The old passport's zone in testdata/request_reissue.json.
const (
	reissueLine1 = "P<INDMENON<<ANJALI<<<<<<<<<<<<<<<<<<<<<<<<<<"
	reissueLine2 = "K4821906<4IND9007149F2503099<<<<<<<<<<<<<<02"
)

func TestDecodeViolations(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		edits map[string]any
		want  []violation
	}{
		{"missing permanent address", "request_fresh", map[string]any{"/applicant/permanent_address": nil},
			[]violation{{"/applicant/permanent_address", "required"}}},
		{"message id with a zero-width space", "request_fresh",
			map[string]any{"/message_id": "RPO-COK-900009\u200b"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id with a direction override", "request_fresh",
			map[string]any{"/message_id": "RPO-COK-\u202e900009"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id starting with a space", "request_fresh", map[string]any{"/message_id": " RPO-COK-900009"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id of 129 characters ending in a space", "request_fresh",
			map[string]any{"/message_id": strings.Repeat("m", 128) + " "},
			[]violation{{"/message_id", "maxLength"}, {"/message_id", "pattern"}}},
		{"five-digit PIN", "request_fresh", map[string]any{"/applicant/present_address/pin": "68201"},
			[]violation{{"/applicant/present_address/pin", "pattern"}}},
		{"PIN with a letter", "request_fresh", map[string]any{"/applicant/permanent_address/pin": "6865O7"},
			[]violation{{"/applicant/permanent_address/pin", "pattern"}}},
		{"invalid Aadhaar", "request_fresh", map[string]any{
			"/applicant/identifiers/0/number": "2345 6789 0125",
		}, []violation{{"/applicant/identifiers/0/number", "aadhaar"}}},
		{"born in the future", "request_fresh", map[string]any{"/applicant/date_of_birth": "2026-07-01"},
			[]violation{{"/applicant/date_of_birth", "date-of-birth"}}},
		{"born in year 9999", "request_fresh", map[string]any{"/applicant/date_of_birth": "9999-12-31"},
			[]violation{{"/applicant/date_of_birth", "date-of-birth"}}},
		{"born the day after the request", "request_fresh",
			map[string]any{"/applicant/date_of_birth": "2025-10-01"},
			[]violation{{"/applicant/date_of_birth", "date-of-birth"}}},
		{"born in the future, request time invalid", "request_fresh", map[string]any{
			"/applicant/date_of_birth": "2026-07-01", "/requested_at": "2025-09-30",
		}, []violation{{"/applicant/date_of_birth", "future"}, {"/requested_at", "format"}}},
		{"due before request", "request_fresh", map[string]any{"/due_on": "2025-09-29"},
			[]violation{{"/due_on", "chronology"}}},
		{"due over a year after request", "request_fresh", map[string]any{"/due_on": "2026-10-01"},
			[]violation{{"/due_on", "range"}}},
		{"due in 2099", "request_fresh", map[string]any{"/due_on": "2099-01-01"},
			[]violation{{"/due_on", "range"}}},
		{"requested at the zero instant", "request_fresh",
			map[string]any{"/requested_at": "0001-01-01T00:00:00Z"},
			[]violation{{"/requested_at", "earliest"}}},
		{"requested at offset +24:00", "request_fresh",
			map[string]any{"/requested_at": "0001-01-01T00:00:00+24:00"},
			[]violation{{"/requested_at", "format"}}},
		{"requested at offset +24:00 a year before the due date", "request_fresh", map[string]any{
			"/requested_at": "2025-09-30T11:20:00+24:00", "/due_on": "2026-09-30",
		}, []violation{{"/requested_at", "format"}}},
		{"sent at offset +24:00 and due before request", "request_fresh", map[string]any{
			"/sent_at": "0001-01-01T00:00:00+24:00", "/due_on": "2025-09-29",
		}, []violation{{"/due_on", "chronology"}, {"/sent_at", "format"}}},
		{"sent at the zero instant in IST", "request_fresh",
			map[string]any{"/sent_at": "0001-01-01T05:30:00+05:30"},
			[]violation{{"/sent_at", "earliest"}}},
		{"requested before 1900", "request_fresh",
			map[string]any{"/requested_at": "1899-12-31T11:20:00+05:30"},
			[]violation{{"/requested_at", "earliest"}}},
		{"born before 1900", "request_fresh", map[string]any{"/applicant/date_of_birth": "1899-12-31"},
			[]violation{{"/applicant/date_of_birth", "date-of-birth"}}},
		{"fresh with old passport", "request_reissue", map[string]any{"/kind": "fresh"},
			[]violation{{"/old_passport", "fresh"}}},
		{"reissue without old passport", "request_reissue", map[string]any{"/old_passport": nil},
			[]violation{{"/old_passport", "required"}}},
		{"MRZ of one line", "request_reissue", map[string]any{"/old_passport/mrz": []any{reissueLine2}},
			[]violation{{"/old_passport/mrz", "minItems"}}},
		{"MRZ date of birth differs", "request_reissue", map[string]any{"/applicant/date_of_birth": "1990-07-15"},
			[]violation{{"/old_passport/mrz", "mrz-mismatch"}}},
		{"adverse without cases", "report_adverse", map[string]any{"/cases": nil},
			[]violation{{"/cases", "required"}}},
		{"clear with cases", "report_adverse", map[string]any{"/outcome": "clear"},
			[]violation{{"/cases", "cases"}}},
		{"not verified without reason", "report_not_verified", map[string]any{"/reason": nil},
			[]violation{{"/reason", "required"}}},
		{"report in the future", "report_clear", map[string]any{"/reported_at": "2026-07-01T10:00:00+05:30"},
			[]violation{{"/reported_at", "future"}}},
		{"file number with a slash", "report_clear", map[string]any{"/file_number": "CO1075/118204525"},
			[]violation{{"/file_number", "pattern"}}},
		{"request sent before it was made", "request_fresh", map[string]any{"/sent_at": "2025-09-29T11:25:00+05:30"},
			[]violation{{"/sent_at", "chronology"}}},
		{"report sent before it was made", "report_clear", map[string]any{"/sent_at": "2025-10-14T08:00:00+05:30"},
			[]violation{{"/sent_at", "chronology"}}},
		{"hub fields and due before request", "request_fresh", map[string]any{
			"/police_station": "EKM0412", "/district_office": "KOCHI-CITY", "/held_by": []any{"EKM0412"},
			"/escalated": true, "/due_on": "2025-09-29",
		}, []violation{
			{"/district_office", "hub-only"}, {"/due_on", "chronology"}, {"/escalated", "hub-only"},
			{"/held_by", "hub-only"}, {"/police_station", "hub-only"},
		}},
		{"hub field and invalid sex", "request_fresh", map[string]any{
			"/police_station": "EKM0412", "/applicant/sex": "M",
		}, []violation{{"/applicant/sex", "enum"}, {"/police_station", "hub-only"}}},
		{"matches of invalid items", "request_fresh", map[string]any{
			"/matches": []any{map[string]any{"case": map[string]any{}}},
		}, []violation{
			{"/matches", "hub-only"}, {"/matches/0/case/cnr", "required"},
			{"/matches/0/case/fir", "required"}, {"/matches/0/matched_by", "required"},
		}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Decode(edit(t, tt.doc, tt.edits), passport.ContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}

// TestDueDateAtLimit checks that a due date MaxDueDays after the day of
// the request passes.
func TestDueDateAtLimit(t *testing.T) {
	// testdata/request_fresh.json is requested on 2025-09-30 (IST).
	body := edit(t, "request_fresh", map[string]any{"/due_on": "2026-09-30"})
	if _, err := newAdapter(t).Decode(body, passport.ContentType); err != nil {
		t.Errorf("due date %d days after the request: %v", passport.MaxDueDays, err)
	}
}

// TestReportDateInIndia checks that a report's date is its day in
// India, whatever offset the station wrote its time in.
func TestReportDateInIndia(t *testing.T) {
	a := newAdapter(t)
	for at, want := range map[string]string{
		"2025-10-14T20:00:00Z":      "2025-10-15",
		"2025-10-14T00:30:00+14:00": "2025-10-13",
		"2025-10-14T16:00:00+05:30": "2025-10-14",
	} {
		body := edit(t, "report_clear", map[string]any{"/reported_at": at, "/sent_at": "2025-10-15T16:00:00+05:30"})
		d, err := a.Decode(body, passport.ContentType)
		if err != nil {
			t.Fatalf("reported_at %s: %v", at, err)
		}
		if got := d.Messages[0].VerificationReport.ReportedOn; got != want {
			t.Errorf("reported_at %s: reported_on %s, want %s", at, got, want)
		}
	}
}

// TestDecodeMRZCheckDigits breaks each check digit of the old passport's
// zone in turn. Each gives a violation at /old_passport/mrz with rule
// mrz-check-digit that names the field and position, and every one but
// the composite also breaks the composite.
func TestDecodeMRZCheckDigits(t *testing.T) {
	tests := []struct {
		field    string
		position int
	}{
		{"document number", 10}, {"date of birth", 20}, {"date of expiry", 28},
		{"optional data", 43}, {"composite", 44},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			line := []byte(reissueLine2)
			line[tt.position-1] = '7'
			body := edit(t, "request_reissue", map[string]any{
				"/old_passport/mrz": []any{reissueLine1, string(line)},
			})
			_, err := a.Decode(body, passport.ContentType)
			vs := schemas.Violations(err)
			if vs == nil {
				t.Fatalf("error = %v, want a validation error", err)
			}
			want := "line 2, position " + strconv.Itoa(tt.position) + ": " + tt.field + ": check digit is 7"
			found := false
			for _, v := range vs {
				if v.Pointer != "/old_passport/mrz" || v.Rule != "mrz-check-digit" {
					t.Errorf("violation %v, want only mrz-check-digit at /old_passport/mrz", v)
				}
				found = found || strings.HasPrefix(v.Message, want)
			}
			if !found {
				t.Errorf("violations %v do not name %q", vs, want)
			}
		})
	}
}

func TestDecodeMRZCenturyFromApplicant(t *testing.T) {
	// The zone of a man born in 1925: the two-digit year 25 alone reads
	// as 2025, and the applicant's date of birth settles the century.
	zone := mrz.Document{
		Format: mrz.TD3, DocumentCode: "P", IssuingState: "IND", DocumentNumber: "Z1234567",
		Nationality: "IND", DateOfBirth: time.Date(1925, 5, 17, 0, 0, 0, 0, time.UTC),
		ExpiresOn: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Sex: "M",
		PrimaryIdentifier: "KURIAN", SecondaryIdentifier: "MATHEW",
	}
	lines, err := zone.Lines()
	if err != nil {
		t.Fatal(err)
	}
	body := edit(t, "request_reissue", map[string]any{
		"/old_passport/mrz":        []any{lines[0], lines[1]},
		"/applicant/date_of_birth": "1925-05-17",
		"/applicant/sex":           "male",
		"/applicant/names/0":       map[string]any{"full": "Mathew Kurian"},
	})
	d, err := newAdapter(t).Decode(body, passport.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Messages[0].VerificationRequest.OldPassport.DateOfBirth; got != "1925-05-17" {
		t.Errorf("DateOfBirth = %s, want the applicant's 1925-05-17", got)
	}
}

func TestJournalMasksAadhaar(t *testing.T) {
	a := newAdapter(t)
	d, err := a.Decode(inputs(t)["request_fresh"], passport.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Journal == nil || strings.Contains(string(d.Journal), "2345 6789 0124") {
		t.Fatalf("Journal = %s, want the document with the Aadhaar number masked", d.Journal)
	}
	wantJournalDecodesAlike(t, a, d)

	d, err = a.Decode(inputs(t)["request_reissue"], passport.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Journal != nil {
		t.Error("Journal is set for a body without an Aadhaar number")
	}
}

// TestDecodeLimits checks that a document past the limits gets their
// violations before the schema validator decodes it, and that rejecting
// an array of a million numbers stays within a small allocation.
func TestDecodeLimits(t *testing.T) {
	a := newAdapter(t)
	dup := bytes.Replace(inputs(t)["report_clear"], []byte(`"outcome"`),
		[]byte(`"file_number": "CO1075118204525", "outcome"`), 1)
	_, err := a.Decode(dup, passport.ContentType)
	if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, []violation{{"/file_number", "duplicate-key"}}) {
		t.Errorf("duplicate file_number: violations = %v\n%v", got, err)
	}

	junk := bytes.Replace(inputs(t)["report_clear"], []byte(`"outcome"`),
		[]byte(`"junk": [`+strings.Repeat("1,", 1_000_000)+`1], "outcome"`), 1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = a.Decode(junk, passport.ContentType)
	runtime.ReadMemStats(&after)
	if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, []violation{{"/junk", "maxItems"}}) {
		t.Errorf("a million items: violations = %v", got)
	}
	// Decoding the body whole, as the schema validator does, allocates
	// over 100 MB for it.
	const budget = 16 << 20
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > budget {
		t.Errorf("Decode allocated %d bytes to reject a %d-byte body, want at most %d",
			allocated, len(junk), budget)
	}

	repeats := bytes.Replace(inputs(t)["report_clear"], []byte(`"outcome"`),
		[]byte(strings.Repeat(`"x": 1, `, 200_000)+`"outcome"`), 1)
	runtime.ReadMemStats(&before)
	_, err = a.Decode(repeats, passport.ContentType)
	runtime.ReadMemStats(&after)
	vs := schemas.Violations(err)
	if len(vs) != schemas.MaxViolations+1 || vs[schemas.MaxViolations].Rule != schemas.RuleTooManyErrors ||
		vs[schemas.MaxViolations].Omitted != 200_000-1-schemas.MaxViolations {
		t.Errorf("200,000 members x: %d violations, want %d and one counting the rest",
			len(vs), schemas.MaxViolations)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > budget {
		t.Errorf("Decode allocated %d bytes to reject %d repeated keys, want at most %d",
			allocated, 200_000, budget)
	}
}
