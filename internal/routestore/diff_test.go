package routestore

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const diffBase = `version: v1
destinations:
  - name: ecourts
    agency: courts
    url: http://127.0.0.1:9/ecf
  - name: cctns
    agency: police
    url: http://127.0.0.1:9/notifications
routes:
  - name: to-court
    when: message.type == "chargesheet"
    to: [ecourts]
  - name: to-police
    when: message.type == "court_registration"
    to: [cctns]
`

// edit applies old-to-new replacements to diffBase, failing t when an old
// text is missing.
func edit(t *testing.T, pairs ...string) []byte {
	t.Helper()
	doc := diffBase
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("test document has no %q", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return []byte(doc)
}

func TestDiffIdentical(t *testing.T) {
	if d := Diff([]byte(diffBase), []byte(diffBase), "a", "b"); d != "" {
		t.Errorf("Diff of identical documents = %q, want empty", d)
	}
}

func TestDiffCondition(t *testing.T) {
	b := edit(t, `"court_registration"`, `"court_registration" && message.source == "courts"`)
	d := Diff([]byte(diffBase), b, "version 1", "proposed")

	for _, want := range []string{
		"--- version 1\n+++ proposed\n",
		"\n-    when: message.type == \"court_registration\"\n",
		"\n+    when: message.type == \"court_registration\" && message.source == \"courts\"\n",
		"\n     to: [cctns]\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff does not contain %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "url: http://127.0.0.1:9/ecf") {
		t.Errorf("diff shows a line more than 3 lines from the change:\n%s", d)
	}
}

func TestDiffFinalNewline(t *testing.T) {
	a := []byte(diffBase)
	b := a[:len(a)-1]
	d := Diff(a, b, "a", "b")
	if !strings.Contains(d, "+    to: [cctns]\n\\ No newline at end of file\n") {
		t.Errorf("diff does not mark the missing final newline:\n%s", d)
	}
}

func TestSummarizeCondition(t *testing.T) {
	b := edit(t, `"court_registration"`, `"court_registration" && message.source == "courts"`)
	s, err := Summarize([]byte(diffBase), b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`route "to-police": condition changed`}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if s.Empty() {
		t.Error("Empty = true for a changed condition")
	}
}

func TestSummarizeAddRemove(t *testing.T) {
	b := edit(t,
		"version: v1", "version: v2",
		"  - name: cctns\n    agency: police\n    url: http://127.0.0.1:9/notifications\n",
		"  - name: prisons\n    agency: prisons\n    url: http://127.0.0.1:9/prisons\n",
		"  - name: to-police\n    when: message.type == \"court_registration\"\n    to: [cctns]\n",
		"  - name: to-prisons\n    when: message.type == \"court_registration\"\n    to: [prisons]\n",
	)
	s, err := Summarize([]byte(diffBase), b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`version label: "v1" becomes "v2"`,
		`destination "prisons": added`,
		`destination "cctns": removed`,
		`route "to-prisons": added`,
		`route "to-police": removed`,
	}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSummarizeDestinationFields(t *testing.T) {
	b := edit(t,
		"url: http://127.0.0.1:9/ecf",
		"url: http://127.0.0.1:10/ecf\n    max_attempts: 3\n    policy:\n"+
			"      name: courts-only\n      types: [chargesheet]",
		"to: [cctns]", "to: [cctns, ecourts]",
	)
	s, err := Summarize([]byte(diffBase), b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`destination "ecourts": url, max_attempts, policy changed`,
		`route "to-police": to changed`,
	}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if len(s.Destinations) != 1 || s.Destinations[0].Action != Changed {
		t.Errorf("Destinations = %+v, want one change", s.Destinations)
	}
}

// TestSummarizeDefaultsNotChanges spells out a default and changes only
// comments, which the summary ignores and the diff shows.
func TestSummarizeDefaultsNotChanges(t *testing.T) {
	b := edit(t,
		"url: http://127.0.0.1:9/notifications",
		"url: http://127.0.0.1:9/notifications\n    timeout: 10s # the default",
	)
	s, err := Summarize([]byte(diffBase), b)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty() {
		t.Errorf("summary of a spelled-out default = %q, want empty", s.Lines())
	}
	if Diff([]byte(diffBase), b, "a", "b") == "" {
		t.Error("Diff is empty, want the added line")
	}
}

func TestSummarizeReordered(t *testing.T) {
	toCourt := "  - name: to-court\n    when: message.type == \"chargesheet\"\n    to: [ecourts]\n"
	b := strings.Replace(diffBase, toCourt, "", 1) + toCourt
	s, err := Summarize([]byte(diffBase), []byte(b))
	if err != nil {
		t.Fatal(err)
	}
	if !s.RoutesReordered {
		t.Error("RoutesReordered = false for swapped routes")
	}
	if got := s.Lines(); !slices.Equal(got, []string{"routes: order changed"}) {
		t.Errorf("Lines = %q, want the order change only", got)
	}
}

func TestSummarizeInvalid(t *testing.T) {
	_, err := Summarize([]byte(diffBase), []byte("routes: ["))
	if err == nil {
		t.Fatal("Summarize accepted a document that does not parse")
	}
	if !strings.Contains(err.Error(), "second document") {
		t.Errorf("error %q does not name the second document", err)
	}
}

func ExampleSummarize() {
	before := []byte(`version: v1
destinations:
  - {name: cctns, agency: police, url: "http://127.0.0.1:9/n"}
routes:
  - {name: to-police, when: 'message.type == "court_registration"', to: [cctns]}
`)
	after := []byte(`version: v2
destinations:
  - {name: cctns, agency: police, url: "http://127.0.0.1:9/n"}
routes:
  - {name: to-police, when: 'message.type == "chargesheet"', to: [cctns]}
`)
	s, err := Summarize(before, after)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range s.Lines() {
		fmt.Println(line)
	}
	// Output:
	// version label: "v1" becomes "v2"
	// route "to-police": condition changed
}

// TestSummarizeAgencies removes one listed agency, which makes the hub
// reject its posts, and then the whole list, which lets every agency
// post. The summary names both changes.
func TestSummarizeAgencies(t *testing.T) {
	listed := edit(t, "destinations:", "agencies:\n  - name: police\n  - name: passport\ndestinations:")
	fewer := edit(t, "destinations:", "agencies:\n  - name: police\ndestinations:")
	s, err := Summarize(listed, fewer)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`agency "passport": removed: its posts will be rejected with 404`}
	if got := s.Lines(); !slices.Equal(got, want) {
		t.Errorf("one agency removed: Lines = %q, want %q", got, want)
	}

	s, err = Summarize(listed, []byte(diffBase))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"agencies: list removed: every agency the hub has an adapter for may post"}
	if got := s.Lines(); !slices.Equal(got, want) || s.Empty() {
		t.Errorf("list removed: Lines = %q, Empty %v; want %q", got, s.Empty(), want)
	}
}
