package schemas

import (
	"slices"
	"strings"
)

// SortByPointer sorts vs by pointer, keeping the order of violations at
// one pointer. Array indices compare as numbers, so /sections/2 comes
// before /sections/10, and a field comes before the fields inside it.
func SortByPointer(vs []Violation) {
	slices.SortStableFunc(vs, func(a, b Violation) int {
		return ComparePointers(a.Pointer, b.Pointer)
	})
}

// ComparePointers compares two JSON pointers in the order SortByPointer
// sorts them, returning a negative number, zero or a positive number.
func ComparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := range min(len(as), len(bs)) {
		if c := compareTokens(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}

// compareTokens compares two reference tokens, as numbers when both are
// array indices.
func compareTokens(a, b string) int {
	if isIndex(a) && isIndex(b) && len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func isIndex(token string) bool {
	if token == "" {
		return false
	}
	for _, r := range token {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
