package textcheck

import (
	"runtime"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// allocated returns the bytes that Check allocates for body, with the
// violations it returns.
func allocated(t *testing.T, body []byte, contentType string) (uint64, []schemas.Violation) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	violations := Check(body, contentType)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, violations
}

// checkBounded fails t when checking body allocates more than budget
// bytes or returns a violation whose pointer is longer than maxPointer.
func checkBounded(t *testing.T, name string, body []byte, contentType string, budget uint64) []schemas.Violation {
	t.Helper()
	bytes, violations := allocated(t, body, contentType)
	if bytes > budget {
		t.Errorf("%s: Check allocated %d bytes for a body of %d, want at most %d",
			name, bytes, len(body), budget)
	}
	for _, v := range violations {
		if len(v.Pointer) > maxPointer {
			t.Errorf("%s: pointer of %d bytes, want at most %d", name, len(v.Pointer), maxPointer)
		}
	}
	return violations
}

func TestDeepJSONBounded(t *testing.T) {
	const budget = 8 << 20
	deep := []byte(strings.Repeat("[", 8<<20-16))
	if got := checkBounded(t, "8 MiB of [", deep, "application/json", budget); len(got) != 0 {
		t.Errorf("8 MiB of [: violations %v, want none", got)
	}

	withControls := []byte(strings.Repeat("[", 4<<20) + strings.Repeat(`"\u0001",`, 100))
	got := checkBounded(t, "deep strings with controls", withControls, "application/json", budget)
	if len(got) == 0 || got[0].Rule != RuleControl || got[0].Pointer != "" {
		t.Errorf("deep strings with controls: violations %v, want control-character for the whole document",
			got[:min(len(got), 2)])
	}
}

func TestLongMemberNameBounded(t *testing.T) {
	body := []byte(`{"` + strings.Repeat("x", 2<<20) + `": "` + strings.Repeat(`\u0001 `, 50) + `"}`)
	got := checkBounded(t, "2 MiB member name", body, "application/json", 8<<20)
	if len(got) != 1 || got[0].Rule != RuleControl || got[0].Pointer != "" {
		t.Errorf("2 MiB member name: violations %v, want one control-character for the whole document", got)
	}
}

// TestXMLBeyondLimitsLeftToAdapter checks that documents which
// internal/xmlsafe rejects for their depth or attributes are not walked
// element by element when they contain a rejected character.
func TestXMLBeyondLimitsLeftToAdapter(t *testing.T) {
	const budget = 16 << 20
	deep := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<r>&#1;" + strings.Repeat("<a>", 2_796_000))
	if got := checkBounded(t, "deep XML", deep, "application/xml", budget); len(got) != 0 {
		t.Errorf("deep XML: violations %v, want none: the adapter rejects its depth", got)
	}

	var b strings.Builder
	b.WriteString(`<r><a`)
	for i := range 200_000 {
		b.WriteString(` a` + strings.Repeat("b", i%7) + string(rune('a'+i%26)) + `="1"`)
	}
	b.WriteString(`>&#1;</a></r>`)
	if got := checkBounded(t, "many attributes", []byte(b.String()), "application/xml", budget); len(got) != 0 {
		t.Errorf("many attributes: violations %v, want none: the adapter rejects them", got)
	}

	controls := []byte("<r>" + strings.Repeat("<a>\x01</a>", 200_000) + "</r>")
	got := checkBounded(t, "many controls", controls, "application/xml", budget)
	if len(got) != schemas.MaxViolations+1 || got[0].Pointer != "" ||
		got[schemas.MaxViolations].Rule != schemas.RuleTooManyErrors {
		t.Errorf("200,000 elements with controls: %d violations, want %d for the whole document "+
			"and one counting the rest", len(got), schemas.MaxViolations)
	}
	if omitted := got[len(got)-1].Omitted; omitted != 200_000-schemas.MaxViolations {
		t.Errorf("200,000 elements with controls: %d omitted, want %d", omitted, 200_000-schemas.MaxViolations)
	}
}

func TestXMLWithinLimitsPointed(t *testing.T) {
	body := []byte("<r>" + strings.Repeat("<a>x</a>", 1_000) + "<b>\x01</b></r>")
	got := checkBounded(t, "one control", body, "application/xml", 4<<20)
	if len(got) != 1 || got[0].Pointer != "/r/b" || got[0].Rule != RuleControl {
		t.Errorf("one control among 1,000 elements: violations %v, want control-character at /r/b", got)
	}
}

func TestRuleOfMatchesClassify(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		rule, what := classify(r)
		if ruleOf(r) != rule || (rule != "") != (what != "") {
			t.Fatalf("U+%04X: ruleOf %q, classify %q %q", r, ruleOf(r), rule, what)
		}
	}
}

func TestLongStringOfControlsBounded(t *testing.T) {
	body := []byte(`{"a": "` + strings.Repeat(`\u0001`, 1<<20) + `", "b": "` + strings.Repeat("\x02", 1<<20) + `"}`)
	got := checkBounded(t, "strings of controls", body, "application/json", 1<<20)
	if len(got) != 2 || got[0].Pointer != "/a" || got[1].Pointer != "/b" {
		t.Errorf("strings of controls: violations %v, want one at /a and one at /b", got)
	}
}
