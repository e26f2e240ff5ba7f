package api_test

import (
	"net/url"
	"slices"
	"testing"
)

// listPage fetches one page of a listing and returns its ids in order and
// its next cursor.
type listPage func(t *testing.T, path string) (ids []string, next string)

// checkPages pages through a listing of exactly five items at base, which
// already carries a query, and checks the page sizes, the next cursors and
// that the pages together return the unpaged listing.
func checkPages(t *testing.T, base string, list listPage) {
	t.Helper()
	all, next := list(t, base)
	if len(all) != 5 {
		t.Fatalf("GET %s: one page of every item has %d, want 5", base, len(all))
	}
	if next != "" {
		t.Errorf("GET %s: one page of every item: next %q, want none", base, next)
	}

	var paged []string
	var sizes []int
	path := base + "&limit=2"
	for range 5 {
		ids, next := list(t, path)
		paged = append(paged, ids...)
		sizes = append(sizes, len(ids))
		if next == "" {
			break
		}
		if last := ids[len(ids)-1]; next != last {
			t.Errorf("GET %s: next %q, want the last id of the page, %q", path, next, last)
		}
		path = base + "&limit=2&after=" + url.QueryEscape(next)
	}
	if !slices.Equal(paged, all) {
		t.Errorf("GET %s: items of pages of 2 = %v, want %v", base, paged, all)
	}
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("GET %s: page sizes = %v, want [2 2 1]", base, sizes)
	}

	// A full last page gets no next.
	last, next := list(t, base+"&limit=1&after="+url.QueryEscape(all[3]))
	if !slices.Equal(last, []string{all[4]}) {
		t.Errorf("GET %s: page after the 4th = %v, want the 5th", base, last)
	}
	if next != "" {
		t.Errorf("GET %s: full last page: next %q, want none", base, next)
	}
}
