package routestoretest

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/routestore"
)

func testEmpty(t *testing.T, h Harness, _ Open) {
	ctx := context.Background()
	if _, err := h.Store.Current(ctx); !errors.Is(err, routestore.ErrEmpty) {
		t.Errorf("Current error = %v, want ErrEmpty", err)
	}
	if _, err := h.Store.Get(ctx, 1); !errors.Is(err, routestore.ErrNotFound) {
		t.Errorf("Get(1) error = %v, want ErrNotFound", err)
	}
	if infos := list(t, h.Store, 10); len(infos) != 0 {
		t.Errorf("List = %v, want none", infos)
	}
}

func testSaveAndRead(t *testing.T, h Harness, _ Open) {
	before := time.Now().Truncate(time.Microsecond)
	v := save(t, h.Store, routestore.Change{
		Document: documentN(1),
		By:       "admin@kerala",
		Comment:  "first routes",
	})
	after := time.Now()

	want := routestore.Version{
		Info: routestore.Info{
			Number: 1, By: "admin@kerala", Comment: "first routes", CreatedAt: v.CreatedAt,
		},
		Document: documentN(1),
	}
	if d := diffVersion(v, want); d != "" {
		t.Errorf("Save returned %s", d)
	}
	if v.CreatedAt.Before(before) || v.CreatedAt.After(after) {
		t.Errorf("CreatedAt %s is not between %s and %s", v.CreatedAt, before, after)
	}

	if d := diffVersion(current(t, h.Store), want); d != "" {
		t.Errorf("Current returned %s", d)
	}
	got, err := h.Store.Get(context.Background(), 1)
	if err != nil {
		t.Fatalf("Get(1): %v", err)
	}
	if d := diffVersion(got, want); d != "" {
		t.Errorf("Get(1) returned %s", d)
	}
	infos := list(t, h.Store, 10)
	if len(infos) != 1 {
		t.Fatalf("List returned %d versions, want 1", len(infos))
	}
	if d := diffInfo(infos[0], want.Info); d != "" {
		t.Errorf("List returned %s", d)
	}
}

func testHistoryKept(t *testing.T, h Harness, _ Open) {
	saved := saveN(t, h.Store, 3)

	for _, want := range saved {
		got, err := h.Store.Get(context.Background(), want.Number)
		if err != nil {
			t.Fatalf("Get(%d): %v", want.Number, err)
		}
		if d := diffVersion(got, want); d != "" {
			t.Errorf("Get(%d) returned %s", want.Number, d)
		}
	}
	if got := current(t, h.Store).Number; got != 3 {
		t.Errorf("Current is version %d, want 3", got)
	}
	if got := numbers(list(t, h.Store, 10)); !slices.Equal(got, []int{3, 2, 1}) {
		t.Errorf("List(10) = versions %v, want [3 2 1]", got)
	}
	if got := numbers(list(t, h.Store, 2)); !slices.Equal(got, []int{3, 2}) {
		t.Errorf("List(2) = versions %v, want [3 2]", got)
	}
	if _, err := h.Store.Get(context.Background(), 4); !errors.Is(err, routestore.ErrNotFound) {
		t.Errorf("Get(4) error = %v, want ErrNotFound", err)
	}
}

func testRestore(t *testing.T, h Harness, _ Open) {
	saved := saveN(t, h.Store, 3)

	v := save(t, h.Store, routestore.Change{
		Document:     saved[0].Document,
		Comment:      "back to the first routes",
		RestoredFrom: 1,
		Expect:       3,
	})
	if v.Number != 4 || v.RestoredFrom != 1 {
		t.Errorf("restore saved version %d restored from %d, want version 4 restored from 1",
			v.Number, v.RestoredFrom)
	}
	if d := diffVersion(current(t, h.Store), v); d != "" {
		t.Errorf("Current after restore returned %s", d)
	}

	infos := list(t, h.Store, 10)
	if got := numbers(infos); !slices.Equal(got, []int{4, 3, 2, 1}) {
		t.Fatalf("List = versions %v, want [4 3 2 1]", got)
	}
	if infos[0].RestoredFrom != 1 {
		t.Errorf("List: version 4 restored from %d, want 1", infos[0].RestoredFrom)
	}
	if infos[1].RestoredFrom != 0 {
		t.Errorf("List: version 3 restored from %d, want 0", infos[1].RestoredFrom)
	}
	first, err := h.Store.Get(context.Background(), 1)
	if err != nil {
		t.Fatalf("Get(1): %v", err)
	}
	if d := diffVersion(first, saved[0]); d != "" {
		t.Errorf("version 1 after restore: %s", d)
	}
}

func testRestoreInvalid(t *testing.T, h Harness, _ Open) {
	saved := saveN(t, h.Store, 2)
	cases := map[string]struct {
		change routestore.Change
		want   string
	}{
		"unknown version": {
			routestore.Change{Document: documentN(7), RestoredFrom: 9, Expect: 2},
			"restored_from: version 9 not found",
		},
		"other document": {
			routestore.Change{Document: documentN(7), RestoredFrom: 1, Expect: 2},
			"restored_from: the document differs from version 1's",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.change.By = "admin@test"
			_, err := h.Store.Save(context.Background(), tc.change)
			if !errors.Is(err, routestore.ErrInvalid) {
				t.Fatalf("Save error = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	if d := diffVersion(current(t, h.Store), saved[1]); d != "" {
		t.Errorf("Current after rejected restores returned %s", d)
	}
}

func testStaleExpect(t *testing.T, h Harness, _ Open) {
	ctx := context.Background()
	_, err := h.Store.Save(ctx, routestore.Change{Document: documentN(1), By: "a", Expect: 1})
	requireConflict(t, err, 1, 0)

	saveN(t, h.Store, 2)
	_, err = h.Store.Save(ctx, routestore.Change{Document: documentN(3), By: "a", Expect: 1})
	requireConflict(t, err, 1, 2)
	for _, want := range []string{"based on version 1", "current version is 2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	_, err = h.Store.Save(ctx, routestore.Change{Document: documentN(3), By: "a", Expect: 5})
	requireConflict(t, err, 5, 2)

	if got := numbers(list(t, h.Store, 10)); !slices.Equal(got, []int{2, 1}) {
		t.Errorf("List after conflicts = versions %v, want [2 1]", got)
	}
}

// testConcurrentSaves races Saves based on the same version through two
// store instances, as two hub replicas would.
func testConcurrentSaves(t *testing.T, h Harness, open Open) {
	other := open(t, h.Storage)
	saveN(t, h.Store, 1)
	stores := []routestore.Store{h.Store, other.Store}

	const savers = 8
	errs := make([]error, savers)
	var wg sync.WaitGroup
	for i := range savers {
		s := stores[i%len(stores)]
		wg.Go(func() {
			_, errs[i] = s.Save(context.Background(), routestore.Change{
				Document: documentN(10 + i), By: "admin@test", Expect: 1,
			})
		})
	}
	wg.Wait()

	winners := 0
	for i, err := range errs {
		var conflict *routestore.ConflictError
		switch {
		case err == nil:
			winners++
		case !errors.As(err, &conflict):
			t.Errorf("saver %d: error = %v, want a *ConflictError", i, err)
		case conflict.Expect != 1 || conflict.Current != 2:
			t.Errorf("saver %d: conflict = expect %d, current %d; want expect 1, current 2",
				i, conflict.Expect, conflict.Current)
		}
	}
	if winners != 1 {
		t.Errorf("%d of %d Saves with the same Expect succeeded, want 1", winners, savers)
	}
	if got := numbers(list(t, other.Store, 10)); !slices.Equal(got, []int{2, 1}) {
		t.Errorf("List = versions %v, want [2 1]", got)
	}
}

func testUnchanged(t *testing.T, h Harness, _ Open) {
	saved := saveN(t, h.Store, 1)
	ctx := context.Background()

	_, err := h.Store.Save(ctx, routestore.Change{Document: documentN(1), By: "a", Expect: 1})
	if !errors.Is(err, routestore.ErrUnchanged) {
		t.Errorf("Save of the current document: error = %v, want ErrUnchanged", err)
	}
	_, err = h.Store.Save(ctx, routestore.Change{
		Document: documentN(1), By: "a", Expect: 1, RestoredFrom: 1,
	})
	if !errors.Is(err, routestore.ErrUnchanged) {
		t.Errorf("restore of the current version: error = %v, want ErrUnchanged", err)
	}
	if got := numbers(list(t, h.Store, 10)); !slices.Equal(got, []int{saved[0].Number}) {
		t.Errorf("List = versions %v, want [1]", got)
	}
}

func testListBefore(t *testing.T, h Harness, _ Open) {
	ctx := context.Background()
	for i := range 5 {
		cur := 0
		if i > 0 {
			cur = current(t, h.Store).Number
		}
		if _, err := h.Store.Save(ctx, routestore.Change{Document: documentN(i), By: "t", Expect: cur}); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	// Past the range of a 32-bit integer, as past the newest version.
	for before, want := range map[int][]int{0: {5, 4}, 4: {3, 2}, 2: {1}, 1: nil, 99: {5, 4},
		math.MaxInt32 + 1: {5, 4}, math.MaxInt64: {5, 4}} {
		infos, err := h.Store.List(ctx, 2, before)
		if err != nil {
			t.Fatalf("List(2, %d): %v", before, err)
		}
		if got := numbers(infos); !slices.Equal(got, want) {
			t.Errorf("List(2, %d) = versions %v, want %v", before, got, want)
		}
	}
	for _, n := range []int{math.MaxInt32 + 1, math.MaxInt64} {
		if _, err := h.Store.Get(ctx, n); !errors.Is(err, routestore.ErrNotFound) {
			t.Errorf("Get(%d) error %v, want ErrNotFound", n, err)
		}
	}
	if _, err := h.Store.List(ctx, 2, -1); err == nil || !strings.Contains(err.Error(), "before") {
		t.Errorf("List(2, -1) error %v, want one naming before", err)
	}
}

func testListLimit(t *testing.T, h Harness, _ Open) {
	for _, limit := range []int{0, -1, routestore.MaxListLimit + 1} {
		_, err := h.Store.List(context.Background(), limit, 0)
		if err == nil {
			t.Errorf("List(%d) succeeded, want an error", limit)
			continue
		}
		if !strings.Contains(err.Error(), "limit") {
			t.Errorf("List(%d) error %q does not name the limit", limit, err)
		}
	}
}
