package passport

import (
	"os"
	"strings"
	"testing"
)

// TestRulesDocumented checks that README.md lists each rule of the
// passport checks where it describes the passport flow, and that the
// OpenAPI document names each one among the inbound 400 rules.
func TestRulesDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "The passport flow rejects a document with these rules"
	_, list, found := strings.Cut(string(readme), heading)
	if !found {
		t.Fatalf("README.md lacks the passport rules list that starts %q", heading)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	openapi, err := os.ReadFile("../../internal/api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{
		ruleCheckDigit, ruleMRZDate, ruleMRZFormat, ruleMRZMatch, ruleMRZPassport, ruleFresh, ruleCases,
	} {
		if !strings.Contains(list, "- `"+rule+"` (") {
			t.Errorf("README.md's passport rules list lacks %s", rule)
		}
		if !strings.Contains(string(openapi), "`"+rule+"`") {
			t.Errorf("openapi.yaml does not name rule %s", rule)
		}
	}
}
