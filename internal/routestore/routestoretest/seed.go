package routestoretest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/internal/routestore"
)

func testSeed(t *testing.T, h Harness, _ Open) {
	ctx := context.Background()
	doc := documentN(1)

	v, differs, err := routestore.Seed(ctx, h.Store, doc, "hub start-up")
	if err != nil {
		t.Fatalf("Seed on an empty store: %v", err)
	}
	if v.Number != 1 || differs {
		t.Errorf("Seed on an empty store = version %d, differs %t; want version 1, false",
			v.Number, differs)
	}
	if v.By != "hub start-up" || v.Comment != routestore.SeedComment {
		t.Errorf("seeded version by %q with comment %q, want %q and %q",
			v.By, v.Comment, "hub start-up", routestore.SeedComment)
	}

	v, differs, err = routestore.Seed(ctx, h.Store, doc, "hub start-up")
	if err != nil {
		t.Fatalf("Seed with the same document: %v", err)
	}
	if v.Number != 1 || differs {
		t.Errorf("Seed with the same document = version %d, differs %t; want version 1, false",
			v.Number, differs)
	}

	v, differs, err = routestore.Seed(ctx, h.Store, documentN(2), "hub start-up")
	if err != nil {
		t.Fatalf("Seed with another document: %v", err)
	}
	if v.Number != 1 || !differs {
		t.Errorf("Seed with another document = version %d, differs %t; want version 1, true",
			v.Number, differs)
	}
	if !bytes.Equal(v.Document, doc) {
		t.Errorf("Seed with another document returned document %q, want the stored %q",
			v.Document, doc)
	}
	if n := len(list(t, h.Store, 10)); n != 1 {
		t.Errorf("List after three Seeds has %d versions, want 1", n)
	}
}

func testSeedInvalid(t *testing.T, h Harness, _ Open) {
	_, _, err := routestore.Seed(context.Background(), h.Store,
		document("bad", `message.type ==`), "hub start-up")
	if !errors.Is(err, routestore.ErrInvalid) {
		t.Fatalf("Seed with an invalid document: error = %v, want ErrInvalid", err)
	}
	if _, err := h.Store.Current(context.Background()); !errors.Is(err, routestore.ErrEmpty) {
		t.Errorf("Current after a rejected Seed: error = %v, want ErrEmpty", err)
	}
}

// testSeedConcurrent seeds one empty store from two instances at once, as
// hub replicas starting together would.
func testSeedConcurrent(t *testing.T, h Harness, open Open) {
	other := open(t, h.Storage)
	stores := []routestore.Store{h.Store, other.Store}

	const seeders = 6
	versions := make([]routestore.Version, seeders)
	errs := make([]error, seeders)
	var wg sync.WaitGroup
	for i := range seeders {
		s := stores[i%len(stores)]
		wg.Go(func() {
			versions[i], _, errs[i] = routestore.Seed(context.Background(), s, documentN(1), "hub")
		})
	}
	wg.Wait()

	for i := range seeders {
		if errs[i] != nil {
			t.Errorf("Seed %d: %v", i, errs[i])
			continue
		}
		if versions[i].Number != 1 {
			t.Errorf("Seed %d returned version %d, want 1", i, versions[i].Number)
		}
	}
	if n := len(list(t, h.Store, 10)); n != 1 {
		t.Errorf("List after concurrent Seeds has %d versions, want 1", n)
	}
}
