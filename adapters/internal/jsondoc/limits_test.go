package jsondoc

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

func TestCheckLimits(t *testing.T) {
	manyItems := "[" + strings.Repeat("1,", MaxItems) + "1]"
	var members []string
	for i := range MaxMembers + 1 {
		members = append(members, fmt.Sprintf(`"m%d": 1`, i))
	}
	deep := strings.Repeat(`{"a":`, MaxDepth+4) + "1" + strings.Repeat("}", MaxDepth+4)
	for name, c := range map[string]struct {
		body string
		want []schemas.Violation
	}{
		"within the limits": {`{"a": [1, 2], "b": {"c": "text"}}`, nil},
		"duplicate key": {`{"a": {"b": 1, "b": 2}}`,
			[]schemas.Violation{{Pointer: "/a/b", Rule: RuleDuplicateKey}}},
		"too many items": {`{"list": ` + manyItems + `}`,
			[]schemas.Violation{{Pointer: "/list", Rule: "maxItems"}}},
		"too many members": {`{"o": {` + strings.Join(members, ",") + `}}`,
			[]schemas.Violation{{Pointer: "/o", Rule: "maxProperties"}}},
		"long string": {`{"a": [{"b~/c": "` + strings.Repeat("x", MaxString+1) + `"}]}`,
			[]schemas.Violation{{Pointer: "/a/0/b~0~1c", Rule: "maxLength"}}},
		"nested too deep": {deep, []schemas.Violation{{
			Pointer: strings.Repeat("/a", MaxDepth), Rule: RuleNesting}}},
	} {
		t.Run(name, func(t *testing.T) {
			got := CheckLimits([]byte(c.body))
			for i := range got {
				got[i].Message = ""
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("CheckLimits = %v, want %v", got, c.want)
			}
		})
	}
}

// TestLimitsCoverSchemas holds every bound in the JSON schemas of the
// agencies within the limits, so CheckLimits never rejects a document
// that a schema accepts for its bounds.
func TestLimitsCoverSchemas(t *testing.T) {
	for _, name := range schemas.Names() {
		if strings.HasPrefix(name, "canonical/") {
			continue
		}
		src, err := schemas.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		var root any
		if err := json.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		checkBounds(t, name, root)
	}
}

func checkBounds(t *testing.T, name string, node any) {
	switch n := node.(type) {
	case map[string]any:
		if v, ok := n["maxItems"].(float64); ok && v > MaxItems {
			t.Errorf("%s: maxItems %v exceeds the limit of %d", name, v, MaxItems)
		}
		if v, ok := n["maxLength"].(float64); ok && v > MaxString {
			t.Errorf("%s: maxLength %v exceeds the limit of %d", name, v, MaxString)
		}
		if props, ok := n["properties"].(map[string]any); ok && len(props) > MaxMembers {
			t.Errorf("%s: %d properties exceed the limit of %d", name, len(props), MaxMembers)
		}
		for _, child := range n {
			checkBounds(t, name, child)
		}
	case []any:
		for _, child := range n {
			checkBounds(t, name, child)
		}
	}
}

// TestCheckLimitsDeepMemory holds CheckLimits to a few allocations for
// a body nested a million levels deep: past MaxDepth it counts the
// levels without a container for each.
func TestCheckLimitsDeepMemory(t *testing.T) {
	const levels = 1_000_000
	body := []byte(`{"a": ` + strings.Repeat("[", levels) + strings.Repeat("]", levels) + `, "b": {"c": 1, "c": 2}}`)
	var got []schemas.Violation
	allocs := testing.AllocsPerRun(1, func() { got = CheckLimits(body) })
	if allocs > 100 {
		t.Errorf("CheckLimits made %.0f allocations, want at most 100", allocs)
	}
	for i := range got {
		got[i].Message = ""
	}
	want := []schemas.Violation{
		{Pointer: "/a" + strings.Repeat("/0", MaxDepth-1), Rule: RuleNesting},
		{Pointer: "/b/c", Rule: RuleDuplicateKey},
	}
	if !slices.Equal(got, want) {
		t.Errorf("CheckLimits = %v, want %v", got, want)
	}
}
