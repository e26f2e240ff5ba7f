// Package doccheck lets tests check that the manual names the rules a
// package enforces: README.md's list of the passport flow's rules, and
// the OpenAPI document.
package doccheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PassportHeading starts README.md's list of the passport flow's rules.
const PassportHeading = "The passport flow rejects a document with these rules"

// PassportRules fails t for each of rules that README.md's passport
// rules list, an item "- `rule` (...", or internal/api/openapi.yaml does
// not name. root is the repository's folder, relative to the test's.
func PassportRules(t testing.TB, root string, rules ...string) {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, list, found := strings.Cut(string(readme), PassportHeading)
	if !found {
		t.Fatalf("README.md lacks the passport rules list that starts %q", PassportHeading)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	openapi, err := os.ReadFile(filepath.Join(root, "internal", "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range rules {
		if !strings.Contains(list, "- `"+rule+"` (") {
			t.Errorf("README.md's passport rules list lacks %s", rule)
		}
		if !strings.Contains(string(openapi), "`"+rule+"`") {
			t.Errorf("openapi.yaml does not name rule %s", rule)
		}
	}
}
