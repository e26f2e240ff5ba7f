//go:build unix

package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWarnWritableTokenFile(t *testing.T) {
	const msg = "token file is writable by its group or others"
	file := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(file, []byte("tokens: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o640, false}, {0o620, true}, {0o602, true}, {0o666, true}} {
		// Chmod sets the mode whatever the process's umask.
		if err := os.Chmod(file, c.mode); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		warnWritableTokenFile(slog.New(slog.NewTextHandler(&out, nil)), file)
		if got := strings.Contains(out.String(), msg); got != c.warn {
			t.Errorf("mode %o: warned %v, want %v: %q", c.mode, got, c.warn, out.String())
		}
		if c.warn && !strings.Contains(out.String(), "level=WARN") {
			t.Errorf("mode %o: line %q is not at WARN", c.mode, out.String())
		}
	}
}

// TestHangupWarnsWritableTokenFile gives a directory as the token file,
// so the reload fails at reading it and never reaches the hub, which the
// test does not start.
func TestHangupWarnsWritableTokenFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.Mkdir(file, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o777); err != nil {
		t.Fatal(err)
	}
	got := hangupLog(file, "")
	if !strings.Contains(got, "token file is writable by its group or others") {
		t.Errorf("SIGHUP logged %q, want the warning", got)
	}
}
