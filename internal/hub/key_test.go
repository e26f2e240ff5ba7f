package hub

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestKeyCreatedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	first, created, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("the first call did not report the key as created")
	}
	if len(first) != 32 {
		t.Errorf("key has %d bytes, want 32", len(first))
	}
	info, err := os.Stat(filepath.Join(dir, "aadhaar.key"))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode = %o, want 600", mode)
	}
	second, created, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Error("the second call reported the key as created")
	}
	if string(first) != string(second) {
		t.Error("a second start read a different key")
	}
}

func TestMissingKeyBesideJournalStopsHub(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, journalFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), Config{DataDir: dir, Listen: "127.0.0.1:0", Log: quietLog()})
	if err == nil {
		t.Fatal("Open created a new key beside an existing journal")
	}
	if !strings.Contains(err.Error(), "aadhaar.key is missing") {
		t.Errorf("error %q does not name the missing key", err)
	}
}

func TestOtherKeyOnSameJournalStopsHub(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DataDir: dir, Listen: "127.0.0.1:0", Log: quietLog(),
		AadhaarKey: []byte(strings.Repeat("a", 32))}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open with the first key: %v", err)
	}
	stop(t, h)

	cfg.AadhaarKey = []byte(strings.Repeat("b", 32))
	_, err = Open(context.Background(), cfg)
	if !errors.Is(err, journal.ErrKeyMismatch) {
		t.Fatalf("Open with another key: error = %v, want ErrKeyMismatch", err)
	}
	if !strings.Contains(err.Error(), "SANGAM_AADHAAR_KEY") {
		t.Errorf("error %q does not say how to give the key", err)
	}

	cfg.AadhaarKey = []byte(strings.Repeat("a", 32))
	h, err = Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open with the first key again: %v", err)
	}
	stop(t, h)
}

// TestRefusedNewKeyNotLeftBehind starts a second replica of a PostgreSQL
// journal with an empty data folder and no key: the key it makes is
// refused, and must not stay in the folder to be refused again.
func TestRefusedNewKeyNotLeftBehind(t *testing.T) {
	cfg := Config{PostgresDSN: postgresDSN(t), DataDir: t.TempDir(), Listen: "127.0.0.1:0",
		Log: quietLog(), AadhaarKey: []byte(strings.Repeat("a", 32))}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open with the first key: %v", err)
	}
	stop(t, h)

	cfg.AadhaarKey, cfg.DataDir = nil, t.TempDir()
	if _, err := Open(context.Background(), cfg); !errors.Is(err, journal.ErrKeyMismatch) {
		t.Fatalf("Open with a new key file: error = %v, want ErrKeyMismatch", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "aadhaar.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused key file: Stat error = %v, want it removed", err)
	}
}

// stop runs h with a context that has already ended, which shuts it down
// and closes its journal.
func stop(t *testing.T, h *Hub) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Run(ctx); err != nil {
		t.Fatalf("stopping the hub: %v", err)
	}
}
