package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// fakeStore records the committer's calls. A row named "dup"
// is a duplicate; a group holding a row named "bad" fails, and so does
// that row alone.
type fakeStore struct {
	mu       sync.Mutex
	groups   [][]string
	ones     []string
	hold     chan struct{} // when set, Group waits on it
	inGroup  chan struct{} // when set, Group signals it on entry
	failWith error
}

func (f *fakeStore) store() Store[string] {
	return Store[string]{
		Group: func(ctx context.Context, rows []string) ([]bool, error) {
			if f.inGroup != nil {
				f.inGroup <- struct{}{}
			}
			if f.hold != nil {
				<-f.hold
			}
			f.mu.Lock()
			f.groups = append(f.groups, slices.Clone(rows))
			f.mu.Unlock()
			if slices.Contains(rows, "bad") {
				return nil, errors.New("group failed")
			}
			inserted := make([]bool, len(rows))
			for i, r := range rows {
				inserted[i] = r != "dup"
			}
			return inserted, nil
		},
		One: func(ctx context.Context, row string) (journal.Receipt, error) {
			f.mu.Lock()
			f.ones = append(f.ones, row)
			f.mu.Unlock()
			if row == "bad" {
				return journal.Receipt{}, errors.New("bad row")
			}
			return journal.Receipt{MessageID: row}, nil
		},
		New: func(row string) journal.Receipt { return journal.Receipt{MessageID: row} },
		Original: func(ctx context.Context, row string) (journal.Receipt, error) {
			return journal.Receipt{MessageID: "original", Duplicate: true}, nil
		},
	}
}

// submitAll submits rows at once while the first group is held, so the
// rest gather into later groups, and returns the receipts and errors.
func submitAll(t *testing.T, f *fakeStore, c *Committer[string], rows []string) ([]journal.Receipt, []error) {
	t.Helper()
	receipts := make([]journal.Receipt, len(rows))
	errs := make([]error, len(rows))
	var wg sync.WaitGroup
	for i, r := range rows {
		wg.Go(func() { receipts[i], errs[i] = c.Submit(context.Background(), r) })
	}
	<-f.inGroup
	// The held group lets no other row through, so the other submitters
	// queue up meanwhile.
	time.Sleep(50 * time.Millisecond)
	close(f.hold)
	wg.Wait()
	return receipts, errs
}

func TestRowsWaitingTogetherShareAGroup(t *testing.T) {
	f := &fakeStore{hold: make(chan struct{}), inGroup: make(chan struct{}, 100)}
	c := Start(f.store(), Config{Workers: 1, MaxGroup: 100})
	defer c.Stop()

	rows := make([]string, 30)
	for i := range rows {
		rows[i] = fmt.Sprintf("row-%02d", i)
	}
	rows[5] = "dup"
	receipts, errs := submitAll(t, f, c, rows)

	for i, r := range rows {
		if errs[i] != nil {
			t.Errorf("Submit(%s): %v", r, errs[i])
		}
		want := journal.Receipt{MessageID: r}
		if r == "dup" {
			want = journal.Receipt{MessageID: "original", Duplicate: true}
		}
		if receipts[i] != want {
			t.Errorf("Submit(%s) = %+v, want %+v", r, receipts[i], want)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	total := 0
	for _, g := range f.groups {
		total += len(g)
	}
	if total != len(rows) || len(f.groups) >= len(rows) {
		t.Errorf("%d rows went in groups %v; want every row once, in fewer groups than rows",
			len(rows), f.groups)
	}
	if len(f.ones) != 0 {
		t.Errorf("rows written alone: %v, want none", f.ones)
	}
}

func TestFailedGroupIsWrittenRowByRow(t *testing.T) {
	f := &fakeStore{hold: make(chan struct{}), inGroup: make(chan struct{}, 100)}
	c := Start(f.store(), Config{Workers: 1})
	defer c.Stop()

	rows := []string{"first", "a", "bad", "b", "c"}
	receipts, errs := submitAll(t, f, c, rows)
	for i, r := range rows {
		if r == "bad" {
			if errs[i] == nil {
				t.Errorf("Submit(bad) succeeded, want its own error")
			}
			continue
		}
		if errs[i] != nil || receipts[i].MessageID != r {
			t.Errorf("Submit(%s) = %+v, %v; want its own receipt", r, receipts[i], errs[i])
		}
	}
}

func TestSubmitAfterStop(t *testing.T) {
	f := &fakeStore{}
	c := Start(f.store(), Config{})
	c.Stop()
	if _, err := c.Submit(context.Background(), "late"); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Stop: error = %v, want ErrClosed", err)
	}
}

func TestSubmitWaitsForTakenRowWhateverItsContext(t *testing.T) {
	f := &fakeStore{hold: make(chan struct{}), inGroup: make(chan struct{}, 1)}
	c := Start(f.store(), Config{})
	defer c.Stop()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Submit(ctx, "row")
		done <- err
	}()
	<-f.inGroup
	cancel()
	close(f.hold)
	if err := <-done; err != nil {
		t.Errorf("Submit of a row already taken: error = %v, want its written outcome", err)
	}
}
