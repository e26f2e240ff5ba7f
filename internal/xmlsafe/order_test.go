package xmlsafe

import (
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

func TestSortInDocumentOrder(t *testing.T) {
	doc, err := Parse([]byte(`<r><a><b/></a><c/><c><d/></c><e/></r>`), Limits{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	vs := []schemas.Violation{
		{Pointer: "/elsewhere/x", Rule: "outside"},
		{Pointer: "/r/e", Rule: "e"},
		{Pointer: "/r/c[2]/d", Rule: "d"},
		{Pointer: "/r/c[2]/missing", Rule: "missing-in-c2"},
		{Pointer: "/r/c[1]", Rule: "c1"},
		{Pointer: "/r/a/missing/deeper", Rule: "missing-in-a"},
		{Pointer: "/r/a/b", Rule: "b"},
		{Pointer: "", Rule: "document"},
		{Pointer: "/r/a", Rule: "a"},
	}
	SortInDocumentOrder(doc.Root(), vs)

	var got []string
	for _, v := range vs {
		got = append(got, v.Rule)
	}
	want := []string{"document", "a", "b", "missing-in-a", "c1", "d", "missing-in-c2", "e", "outside"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}
