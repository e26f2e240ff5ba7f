package police_test

import (
	"os"
	"strings"
	"testing"
)

// TestHubFieldRulesDocumented checks that README.md and the OpenAPI
// document name the rules of the members a station may not set.
func TestHubFieldRulesDocumented(t *testing.T) {
	for _, path := range []string{"../../README.md", "../../internal/api/openapi.yaml"} {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, rule := range []string{"hub-only", "in-reply-to"} {
			if !strings.Contains(string(doc), "`"+rule+"`") {
				t.Errorf("%s does not name rule %s", path, rule)
			}
		}
	}
}
