package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/problem"
)

// TestInboundIdentifierHiddenCharacters posts an FIR whose general diary
// reference holds a right-to-left override and whose officer's service
// number holds a zero-width space: 400 lists each at its pointer with
// rule pattern, writes the character as an escape, and nothing is
// journaled.
func TestInboundIdentifierHiddenCharacters(t *testing.T) {
	f := newFixture(t, 0)
	body := firBody(t, "HIDDEN-ID-1", func(doc map[string]any) {
		doc["information_received"].(map[string]any)["general_diary_ref"] = "GD 17/2025\u202e at 10:20"
		doc["registered_by"].(map[string]any)["service_number"] = "KP-\u200b4471"
	})
	r := f.post(t, "/api/v1/inbound/police", body)
	p := wantProblem(t, r, problem.Invalid)
	want := []string{
		"/information_received/general_diary_ref pattern",
		"/registered_by/service_number pattern",
	}
	if got := pointersAndRules(p.Errors); !slices.Equal(got, want) {
		t.Errorf("errors at %q, want %q", got, want)
	}
	for _, v := range p.Errors {
		if !strings.Contains(v.Message, `\u202e`) && !strings.Contains(v.Message, `\u200b`) {
			t.Errorf("message %q does not show the character as an escape", v.Message)
		}
	}
	f.wantNothingJournaled(t)
}
