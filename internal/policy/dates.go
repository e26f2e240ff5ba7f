package policy

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/sangam-hub/sangam/schemas"
)

var (
	datesOnce sync.Once
	dates     map[string]bool
)

// dateFields returns the names of the members written as a calendar
// date, YYYY-MM-DD: every property of the embedded canonical schemas that
// has "format": "date" or refers to a "date" definition. Dates are found
// by member name, so a name that is a date in one type is a date in all.
func dateFields() map[string]bool {
	datesOnce.Do(func() {
		dates = map[string]bool{}
		for _, name := range schemas.Names() {
			if !strings.HasPrefix(name, "canonical/") {
				continue
			}
			src, err := schemas.Source(name)
			if err != nil {
				continue
			}
			var doc any
			if json.Unmarshal(src, &doc) == nil {
				collectDates(doc, dates)
			}
		}
	})
	return dates
}

func collectDates(v any, found map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok {
			for name, p := range props {
				prop, _ := p.(map[string]any)
				ref, _ := prop["$ref"].(string)
				if prop["format"] == "date" || strings.HasSuffix(ref, "/$defs/date") {
					found[name] = true
				}
			}
		}
		for _, kv := range x {
			collectDates(kv, found)
		}
	case []any:
		for _, e := range x {
			collectDates(e, found)
		}
	}
}
