package police

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// TestSchemaArraysBounded requires a maxItems on every array and a
// maxLength on every free string of the police schemas. Strings bounded
// by a pattern, a format, an enum or a const need none.
func TestSchemaArraysBounded(t *testing.T) {
	for _, name := range schemas.Names() {
		if !strings.HasPrefix(name, "police/") {
			continue
		}
		src, _ := schemas.Source(name)
		var root any
		if err := json.Unmarshal(src, &root); err != nil {
			t.Fatal(err)
		}
		walkSchemas(root, "", func(at string, s map[string]any) {
			switch s["type"] {
			case "array":
				if _, ok := s["maxItems"]; !ok {
					t.Errorf("%s%s: array without maxItems", name, at)
				}
			case "string":
				_, length := s["maxLength"]
				_, pattern := s["pattern"]
				_, format := s["format"]
				if !length && !pattern && !format {
					t.Errorf("%s%s: string without maxLength", name, at)
				}
			}
		})
	}
}

func walkSchemas(node any, at string, visit func(string, map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		visit(at, n)
		for k, child := range n {
			walkSchemas(child, at+"/"+k, visit)
		}
	case []any:
		for _, child := range n {
			walkSchemas(child, at, visit)
		}
	}
}
