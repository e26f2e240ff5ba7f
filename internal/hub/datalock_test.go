//go:build unix

package hub

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/sqlite/sqlitetest"
)

func TestSecondHubOnDataFolderRejected(t *testing.T) {
	cfg := Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Log: quietLog(),
		AadhaarKey: []byte(strings.Repeat("a", 32))}
	first, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open of the first hub: %v", err)
	}

	second, err := Open(context.Background(), cfg)
	if err == nil {
		stop(t, second)
		stop(t, first)
		t.Fatal("a second hub opened the data folder that the first holds")
	}
	if !strings.Contains(err.Error(), "in use by another hub") {
		t.Errorf("error %q does not say that another hub uses the folder", err)
	}
	if !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("error %q does not name the holder's process id %d", err, os.Getpid())
	}
	if !strings.Contains(err.Error(), "--data") {
		t.Errorf("error %q does not say what to do", err)
	}

	stop(t, first)
	again, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open after the first hub stopped: %v", err)
	}
	stop(t, again)
}

func TestReadOnlyJournalFileRejected(t *testing.T) {
	cfg := Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Log: quietLog(),
		AadhaarKey: []byte(strings.Repeat("a", 32))}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	stop(t, h)

	path := filepath.Join(cfg.DataDir, journalFile)
	sqlitetest.MakeUnwritable(t, path)
	h, err = Open(context.Background(), cfg)
	if err == nil {
		stop(t, h)
		t.Fatal("Open succeeded on a read-only journal file")
	}
	if !strings.Contains(err.Error(), path+" is not writable") {
		t.Errorf("error %q does not name the read-only file %s", err, path)
	}
}
