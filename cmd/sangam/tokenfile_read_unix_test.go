//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadableTokenFileWarns checks that a client token file that others
// may read gets a warning naming the flag and the fix, and one readable
// by its owner alone gets none.
func TestReadableTokenFileWarns(t *testing.T) {
	for _, c := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o604, true}} {
		file := filepath.Join(t.TempDir(), "ci.token")
		if err := os.WriteFile(file, []byte("sgm_token\n"), c.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, c.mode); err != nil { // not masked by the umask
			t.Fatal(err)
		}
		var stderr strings.Builder
		token, err := readTokenFlag("token-file", file, &stderr)
		if err != nil || token != "sgm_token" {
			t.Fatalf("mode %v: token %q, error %v", c.mode, token, err)
		}
		got := stderr.String()
		if warned := strings.Contains(got, "warning: --token-file "+file+": the file is readable by its group or others") &&
			strings.Contains(got, "chmod 600"); warned != c.warn {
			t.Errorf("mode %v: stderr %q, want a warning: %t", c.mode, got, c.warn)
		}
		if strings.Contains(got, "sgm_token") {
			t.Errorf("mode %v: the warning quotes the token: %q", c.mode, got)
		}
	}
}
