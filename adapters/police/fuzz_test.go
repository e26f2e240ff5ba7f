package police_test

import (
	"encoding/json"
	"sort"
	"strconv"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/schemas"
)

// FuzzDecodeField sets one value of a valid document to a fuzzed string
// or number, which reaches the semantic checks far more often than
// mutating raw bytes. Every message Decode accepts must pass the
// canonical schema.
func FuzzDecodeField(f *testing.F) {
	a := newAdapter(f)
	docs := inputs(f)
	var names []string
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	f.Add(uint8(0), uint16(3), "2025-09-14T10:45:00+05:30", false)
	f.Add(uint8(1), uint16(40), "303(2)", false)
	f.Add(uint8(2), uint16(7), "2025", true)

	f.Fuzz(func(t *testing.T, doc uint8, leaf uint16, value string, asNumber bool) {
		var tree any
		if err := json.Unmarshal(docs[names[int(doc)%len(names)]], &tree); err != nil {
			t.Fatal(err)
		}
		leaves := leafPointers(tree, "")
		var v any = value
		if n, err := strconv.ParseFloat(value, 64); asNumber && err == nil {
			v = n
		}
		tree = jsondoctest.Set(t, tree, leaves[int(leaf)%len(leaves)], v)
		body, err := json.Marshal(tree)
		if err != nil {
			return
		}
		d, err := a.Decode(body, police.ContentType)
		if err != nil {
			return
		}
		for i := range d.Messages {
			if err := schemas.ValidateValue("canonical/message.json", d.Messages[i]); err != nil {
				t.Fatalf("accepted message fails the canonical schema: %v\n%s", err, body)
			}
		}
	})
}

// leafPointers returns the JSON pointers of every scalar in v, sorted.
func leafPointers(v any, at string) []string {
	var out []string
	switch n := v.(type) {
	case map[string]any:
		for k, child := range n {
			out = append(out, leafPointers(child, at+"/"+k)...)
		}
	case []any:
		for i, child := range n {
			out = append(out, leafPointers(child, at+"/"+strconv.Itoa(i))...)
		}
	default:
		out = append(out, at)
	}
	sort.Strings(out)
	return out
}
