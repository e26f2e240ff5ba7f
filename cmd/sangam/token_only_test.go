package main

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/auth"
)

// TestTokenOnlyPrintsToken checks that --token-only prints the token
// alone on standard output, so that a script can save it as a token
// file, and the entry that identifies it on standard error.
func TestTokenOnlyPrintsToken(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--name", "ci", "--agency", "police", "--token-only")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "\n") != 1 || strings.HasPrefix(out, "#") {
		t.Fatalf("stdout %q, want the token alone on one line", out)
	}
	file := filepath.Join(t.TempDir(), "ci.token")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}

	token, err := readTokenFlag("token-file", file, io.Discard)
	if err != nil {
		t.Fatalf("stdout is not a token file: %v", err)
	}
	if strings.Contains(errOut, token) {
		t.Errorf("stderr repeats the token:\n%s", errOut)
	}

	tokens, err := auth.Parse([]byte(errOut))
	if err != nil {
		t.Fatalf("stderr is not a token-file entry: %v\n%s", err, errOut)
	}
	req := httptest.NewRequest("POST", "/api/v1/inbound/police", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	p, err := tokens.Identify(req)
	if err != nil {
		t.Fatalf("the entry on stderr does not identify the token: %v", err)
	}
	if p.Name != "ci" {
		t.Errorf("principal %q, want ci", p.Name)
	}
}

func TestTokenHelpNamesTokenOnly(t *testing.T) {
	code, _, errOut := runCLI(t, "token", "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut, "-token-only") {
		t.Errorf("help does not list --token-only:\n%s", errOut)
	}
}
