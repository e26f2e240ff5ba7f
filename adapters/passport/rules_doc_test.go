package passport

import (
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/internal/doccheck"
)

// TestRulesDocumented checks that README.md lists each rule of the
// passport checks where it describes the passport flow, and that the
// OpenAPI document names each one among the inbound 400 rules.
func TestRulesDocumented(t *testing.T) {
	doccheck.PassportRules(t, "../..",
		ruleCheckDigit, ruleMRZDate, ruleMRZFormat, ruleMRZMatch, ruleMRZPassport, ruleFresh, ruleCases,
		ruleDueRange, jsondoc.RuleEarliest, jsondoc.RuleBirthDate)
}
