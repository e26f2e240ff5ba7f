package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sangam-hub/sangam/internal/sqlite"
)

func TestWriteLockSharedPerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	ctx := context.Background()

	first, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = first.Close() }()
	second, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = second.Close() }()
	other := openTemp(t, "other.db")

	lock, err := sqlite.WriteLockFor(ctx, first)
	if err != nil {
		t.Fatalf("WriteLockFor(first): %v", err)
	}
	same, err := sqlite.WriteLockFor(ctx, second)
	if err != nil {
		t.Fatalf("WriteLockFor(second): %v", err)
	}
	different, err := sqlite.WriteLockFor(ctx, other)
	if err != nil {
		t.Fatalf("WriteLockFor(other): %v", err)
	}

	if lock != same {
		t.Error("two handles on one file got different locks")
	}
	if lock == different {
		t.Error("two files got the same lock")
	}
}

func TestWriteLockWaitEndsWithContext(t *testing.T) {
	db := openTemp(t, "lock.db")
	lock, err := sqlite.WriteLockFor(context.Background(), db)
	if err != nil {
		t.Fatalf("WriteLockFor: %v", err)
	}

	if err := lock.Lock(context.Background()); err != nil {
		t.Fatalf("first Lock: %v", err)
	}

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := lock.Lock(canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock while held with a canceled context: error = %v, want context.Canceled", err)
	}

	lock.Unlock()
	if err := lock.Lock(context.Background()); err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	lock.Unlock()
}

func TestWriteLockUnlockUnlockedPanics(t *testing.T) {
	db := openTemp(t, "panic.db")
	lock, err := sqlite.WriteLockFor(context.Background(), db)
	if err != nil {
		t.Fatalf("WriteLockFor: %v", err)
	}

	defer func() {
		if recover() == nil {
			t.Error("Unlock of an unlocked WriteLock did not panic")
		}
	}()
	lock.Unlock()
}

func TestMainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer func() { _ = db.Close() }()

	file, err := sqlite.MainFile(context.Background(), db)
	if err != nil {
		t.Fatalf("MainFile: %v", err)
	}
	if file != path {
		t.Errorf("MainFile = %q, want %q", file, path)
	}
}
