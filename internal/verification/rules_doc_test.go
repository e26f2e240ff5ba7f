package verification

import (
	"testing"

	"github.com/sangam-hub/sangam/internal/doccheck"
)

// TestRulesDocumented checks that README.md lists each rule of the
// verification checks where it describes the passport flow, and that
// the OpenAPI document names each one.
func TestRulesDocumented(t *testing.T) {
	doccheck.PassportRules(t, "../..",
		RuleJurisdiction, RuleHubOnly, RuleOpenRequest, RuleOtherStation, RuleReportSource,
		RuleUnknownRequest, RuleReportBeforeRequest)
}
