package passport_test

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/passport"
)

// TestApplicantBornAfterRequest checks that an applicant's date of
// birth after the day of requested_at in IST gets a message naming
// both dates, and that one on that day passes.
func TestApplicantBornAfterRequest(t *testing.T) {
	a := newAdapter(t)
	body := edit(t, "request_fresh", map[string]any{"/applicant/date_of_birth": "2025-10-01"})
	_, err := a.Decode(body, passport.ContentType)
	want := "date of birth 2025-10-01 is after the request's date (requested_at), 2025-09-30"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}

	body = edit(t, "request_fresh", map[string]any{"/applicant/date_of_birth": "2025-09-30"})
	if _, err := a.Decode(body, passport.ContentType); err != nil {
		t.Errorf("born on the day of the request: %v", err)
	}
}
