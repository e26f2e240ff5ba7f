package passport_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/passport/mrz"
	"github.com/sangam-hub/sangam/schemas"
)

// identityCardZone returns a TD1 identity card's zone for the applicant
// of testdata/request_reissue.json, with every check digit valid.
func identityCardZone(t *testing.T) []any {
	t.Helper()
	d := mrz.Document{
		Format: mrz.TD1, DocumentCode: "I", IssuingState: "IND", DocumentNumber: "K4821906",
		Nationality: "IND", DateOfBirth: time.Date(1990, 7, 14, 0, 0, 0, 0, time.UTC),
		ExpiresOn: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), Sex: "F",
		PrimaryIdentifier: "MENON", SecondaryIdentifier: "ANJALI",
	}
	lines, err := d.Lines()
	if err != nil {
		t.Fatal(err)
	}
	return []any{lines[0], lines[1], lines[2]}
}

// TestDecodeMRZMismatch edits the reissue request so that its old
// passport's zone contradicts the application in one field. Each edit
// gives one violation at /old_passport/mrz whose message names the
// field.
func TestDecodeMRZMismatch(t *testing.T) {
	tests := []struct {
		name  string
		edits map[string]any
		rule  string
		field string
	}{
		{"date of birth", map[string]any{"/applicant/date_of_birth": "1990-07-15"},
			"mrz-mismatch", "date of birth"},
		{"sex", map[string]any{"/applicant/sex": "male"}, "mrz-mismatch", "sex in the MRZ, F"},
		{"nationality", map[string]any{"/applicant/nationality": "NP"},
			"mrz-mismatch", "nationality in the MRZ, IND"},
		{"identity card", map[string]any{"/old_passport/mrz": identityCardZone(t)},
			"mrz-not-passport", "document code in the MRZ is I"},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Decode(edit(t, "request_reissue", tt.edits), passport.ContentType)
			vs := schemas.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("violations = %v, want one of rule %s", vs, tt.rule)
			}
			v := vs[0]
			if v.Pointer != "/old_passport/mrz" || v.Rule != tt.rule {
				t.Errorf("violation at %s with rule %s, want /old_passport/mrz and %s", v.Pointer, v.Rule, tt.rule)
			}
			if !strings.Contains(v.Message, tt.field) {
				t.Errorf("message %q does not contain %q", v.Message, tt.field)
			}
		})
	}
}

// TestDecodeMRZMatchesApplicant decodes reissue requests whose zone
// agrees with the application, or leaves a field out of the comparison.
func TestDecodeMRZMatchesApplicant(t *testing.T) {
	tests := map[string]map[string]any{
		"as in testdata":         nil,
		"nationality left out":   {"/applicant/nationality": nil},
		"transgender applicant":  {"/applicant/sex": "transgender"},
		"unassigned nationality": {"/applicant/nationality": "AA"},
	}
	a := newAdapter(t)
	for name, edits := range tests {
		if _, err := a.Decode(edit(t, "request_reissue", edits), passport.ContentType); err != nil {
			t.Errorf("%s: Decode: %v", name, err)
		}
	}
}

// TestDecodeMRZNationalityCodes checks ICAO codes that differ from the
// ISO 3166-1 alpha-3 code of the applicant's country.
func TestDecodeMRZNationalityCodes(t *testing.T) {
	a := newAdapter(t)
	for alpha2, code := range map[string]string{"DE": "D", "GB": "GBD", "IN": "IND"} {
		d := mrz.Document{
			Format: mrz.TD3, DocumentCode: "P", IssuingState: code, DocumentNumber: "K4821906",
			Nationality: code, DateOfBirth: time.Date(1990, 7, 14, 0, 0, 0, 0, time.UTC),
			ExpiresOn: time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), Sex: "F",
			PrimaryIdentifier: "MENON", SecondaryIdentifier: "ANJALI",
		}
		lines, err := d.Lines()
		if err != nil {
			t.Fatal(err)
		}
		body := edit(t, "request_reissue", map[string]any{
			"/applicant/nationality": alpha2, "/old_passport/mrz": []any{lines[0], lines[1]},
		})
		if _, err := a.Decode(body, passport.ContentType); err != nil {
			t.Errorf("nationality %s with MRZ code %s: %v", alpha2, code, err)
		}
	}
}
