package routestore

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/sangam-hub/sangam/routes"
)

// diffContext is the number of unchanged lines Diff shows around each
// change, as diff -u does.
const diffContext = 3

// noNewline is the marker that diff -u writes after a last line that has
// no newline.
const noNewline = "\n\\ No newline at end of file\n"

// Diff returns the unified diff of two routes documents, with nameA and
// nameB in the --- and +++ header lines, or "" when they are identical.
func Diff(a, b []byte, nameA, nameB string) string {
	out, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        splitLines(string(a)),
		B:        splitLines(string(b)),
		FromFile: nameA,
		ToFile:   nameB,
		Context:  diffContext,
	})
	if err != nil {
		// difflib writes to a bytes.Buffer, which does not fail.
		panic(fmt.Sprintf("routestore: writing diff: %v", err))
	}
	return out
}

// splitLines splits s after each newline. A last line without a newline
// gets one, followed by the marker diff -u writes for it, so that a
// difference in the final newline alone still shows in the diff.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	last := len(lines) - 1
	if lines[last] == "" {
		return lines[:last]
	}
	lines[last] += noNewline
	return lines
}

// Action is the kind of change to a route or a destination.
type Action string

// Actions of an Item.
const (
	Added   Action = "added"
	Removed Action = "removed"
	Changed Action = "changed"
)

// Item is one agency, route or destination that differs between two
// documents.
type Item struct {
	// Kind is "agency", "destination" or "route".
	Kind string
	// Name is the route's or destination's name.
	Name string
	// Action is Added, Removed or Changed.
	Action Action
	// Fields lists, for Changed, the YAML keys whose values differ, in
	// document order, with "condition" for a route's `when`.
	Fields []string
}

// String returns the item as a line such as
// `route "to-court": condition changed`.
func (it Item) String() string {
	if it.Action == Changed {
		return fmt.Sprintf("%s %q: %s changed", it.Kind, it.Name, strings.Join(it.Fields, ", "))
	}
	if it.Kind == "agency" && it.Action == Removed {
		return fmt.Sprintf("agency %q: removed: its posts will be rejected with 404", it.Name)
	}
	return fmt.Sprintf("%s %q: %s", it.Kind, it.Name, it.Action)
}

// Summary lists what differs between two routes documents, by name.
type Summary struct {
	// LabelFrom and LabelTo are the documents' version labels, the
	// `version` key or the label routes.Parse derives from the bytes.
	LabelFrom, LabelTo string
	// Agencies differ in the same order as Destinations. An empty list
	// lets every agency post, so a list that becomes empty sets
	// AgenciesOpened instead.
	Agencies []Item
	// AgenciesOpened reports that the first document lists agencies and
	// the second none, which lets every agency the hub has an adapter
	// for post.
	AgenciesOpened bool
	// Destinations differ in the order: changed and added ones in the
	// second document's order, then removed ones in the first's.
	Destinations []Item
	// Routes differ in the same order as Destinations.
	Routes []Item
	// RoutesReordered reports whether the routes that both documents
	// contain appear in another order. Order matters because
	// routes.Targets credits each destination to the first route that
	// selected it.
	RoutesReordered bool
}

// Empty reports whether the documents have the same routes and
// destinations in the same order. Comments, formatting and the version
// label may still differ.
func (s Summary) Empty() bool {
	return len(s.Agencies) == 0 && !s.AgenciesOpened && len(s.Destinations) == 0 &&
		len(s.Routes) == 0 && !s.RoutesReordered
}

// Lines returns the summary as lines for a person, one per item, with
// the label change first when the labels differ.
func (s Summary) Lines() []string {
	var lines []string
	if s.LabelFrom != s.LabelTo {
		lines = append(lines, fmt.Sprintf("version label: %q becomes %q", s.LabelFrom, s.LabelTo))
	}
	if s.AgenciesOpened {
		lines = append(lines, "agencies: list removed: every agency the hub has an adapter for may post")
	}
	for _, it := range s.Agencies {
		lines = append(lines, it.String())
	}
	for _, it := range s.Destinations {
		lines = append(lines, it.String())
	}
	for _, it := range s.Routes {
		lines = append(lines, it.String())
	}
	if s.RoutesReordered {
		lines = append(lines, "routes: order changed")
	}
	return lines
}

// Summarize parses both documents with routes.Parse, which fills
// defaults, and lists the routes and destinations added, removed and
// changed. A field left out in one document and set to its default in the
// other is therefore not a change. It fails when a document does not
// parse or validate.
func Summarize(a, b []byte) (Summary, error) {
	ca, err := routes.Parse(a)
	if err != nil {
		return Summary{}, fmt.Errorf("summarizing changes: first document: %w", err)
	}
	cb, err := routes.Parse(b)
	if err != nil {
		return Summary{}, fmt.Errorf("summarizing changes: second document: %w", err)
	}

	s := Summary{LabelFrom: ca.Version, LabelTo: cb.Version}
	if len(ca.Agencies) > 0 && len(cb.Agencies) == 0 {
		s.AgenciesOpened = true
	} else {
		s.Agencies = compareNamed("agency", ca.Agencies, cb.Agencies,
			func(a routes.Agency) string { return a.Name })
	}
	destName := func(d routes.Destination) string { return d.Name }
	routeName := func(r routes.Route) string { return r.Name }
	s.Destinations = compareNamed("destination", ca.Destinations, cb.Destinations, destName)
	s.Routes = compareNamed("route", ca.Routes, cb.Routes, routeName)
	s.RoutesReordered = reordered(names(ca.Routes, routeName), names(cb.Routes, routeName))
	return s, nil
}

// compareNamed returns the items of b that a lacks or has with other
// fields, then the items of a that b lacks.
func compareNamed[T any](kind string, a, b []T, name func(T) string) []Item {
	inA := map[string]T{}
	for _, x := range a {
		inA[name(x)] = x
	}
	inB := map[string]bool{}

	var items []Item
	for _, y := range b {
		inB[name(y)] = true
		x, ok := inA[name(y)]
		if !ok {
			items = append(items, Item{Kind: kind, Name: name(y), Action: Added})
			continue
		}
		if fields := changedFields(x, y); len(fields) > 0 {
			items = append(items, Item{Kind: kind, Name: name(y), Action: Changed, Fields: fields})
		}
	}
	for _, x := range a {
		if !inB[name(x)] {
			items = append(items, Item{Kind: kind, Name: name(x), Action: Removed})
		}
	}
	return items
}

// changedFields returns the YAML keys of the struct fields whose values
// differ between a and b, which have the same struct type. Comparing by
// reflection keeps fields that routes adds later in the summary.
func changedFields(a, b any) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var fields []string
	for i := range va.NumField() {
		if reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			continue
		}
		fields = append(fields, fieldLabel(va.Type().Field(i)))
	}
	return fields
}

// fieldLabel returns the YAML key of f, or "condition" for a route's
// `when`.
func fieldLabel(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "" {
		key = strings.ToLower(f.Name)
	}
	if key == "when" {
		return "condition"
	}
	return key
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

// reordered reports whether the names that a and b share appear in a
// different relative order.
func reordered(a, b []string) bool {
	common := func(xs, other []string) []string {
		var out []string
		for _, x := range xs {
			if slices.Contains(other, x) {
				out = append(out, x)
			}
		}
		return out
	}
	return !slices.Equal(common(a, b), common(b, a))
}
