package hub

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyCreatedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	first, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
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
	second, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
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
