package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/sqlite/sqlitetest"
)

// TestProbeWriteAndWritesRecover makes the journal's file unwritable
// while the store is open, then writable again. The write probe must fail
// meanwhile and pass after, and the store must write again without being
// reopened, also on the connection opened during the fault.
func TestProbeWriteAndWritesRecover(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	db := openDB(t, path)
	ctx := context.Background()
	store, err := New(ctx, db, Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	if err := store.ProbeWrite(ctx); err != nil {
		t.Fatalf("ProbeWrite before the fault: %v", err)
	}
	// reservedConn keeps the database open, with its WAL, and leaves room
	// in the pool for one connection only, which the store opens during
	// the fault. A connection opened before the fault would keep its file
	// open for writing.
	reservedConn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reservedConn.Close()
	db.SetMaxOpenConns(2)

	restore := sqlitetest.MakeUnwritable(t, path)
	if err := store.ProbeWrite(ctx); err == nil {
		t.Error("ProbeWrite with the file unwritable returned nil, want an error")
	}
	const fingerprint = "probe-test-key"
	if err := store.CheckKey(ctx, fingerprint); err == nil {
		t.Error("CheckKey with the file unwritable stored the key, want an error")
	}
	restore()

	if err := store.ProbeWrite(ctx); err != nil {
		t.Errorf("ProbeWrite after the fault: %v", err)
	}
	if err := store.CheckKey(ctx, fingerprint); err != nil {
		t.Errorf("CheckKey after the fault: %v", err)
	}
	if err := store.CheckKey(ctx, "another-key"); err == nil {
		t.Error("CheckKey with another key after the fault passed, want the stored key to differ")
	}
}

// TestProbeWriteNeedsFreeSpace configures more free space than any file
// system has, so the probe fails and names the shortfall. With one byte
// configured it passes.
func TestProbeWriteNeedsFreeSpace(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		min  uint64
		pass bool
	}{{1 << 62, false}, {1, true}} {
		path := filepath.Join(t.TempDir(), "journal.db")
		store, err := New(ctx, openDB(t, path), Config{MinFreeBytes: c.min})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		err = store.ProbeWrite(ctx)
		switch {
		case c.pass && err != nil:
			t.Errorf("ProbeWrite asking for %d bytes free: %v", c.min, err)
		case !c.pass && (err == nil || !strings.Contains(err.Error(), "bytes free")):
			t.Errorf("ProbeWrite asking for %d bytes free: %v, want an error about the free space", c.min, err)
		}
		_ = store.Close()
	}
}

func TestProbeWriteLowSpaceIsNamed(t *testing.T) {
	ctx := context.Background()
	store, err := New(ctx, openDB(t, filepath.Join(t.TempDir(), "journal.db")), Config{MinFreeBytes: 1 << 62})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer store.Close()
	if err := store.ProbeWrite(ctx); !errors.Is(err, journal.ErrLowSpace) {
		t.Errorf("ProbeWrite = %v, want journal.ErrLowSpace", err)
	}
}
