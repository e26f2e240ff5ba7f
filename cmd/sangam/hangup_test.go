package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sangam-hub/sangam/internal/auth"
)

// writeOperatorTokens writes a token file with one operator entry per
// name and returns the tokens in the same order.
func writeOperatorTokens(t *testing.T, path string, extra string, names ...string) []string {
	t.Helper()
	var doc strings.Builder
	doc.WriteString("tokens:\n")
	var tokens []string
	for _, name := range names {
		token, digest, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, token)
		fmt.Fprintf(&doc, "  - {name: %s, operator: true, sha256: %s}\n", name, digest)
	}
	doc.WriteString(extra)
	if err := os.WriteFile(path, []byte(doc.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return tokens
}

// statusWith returns the status of GET /api/v1/messages with token.
func statusWith(t *testing.T, hubURL, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, hubURL+"/api/v1/messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeReloadsTokensOnHangup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals the sangam binary; skipped in -short mode")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "tokens.yaml")
	first := writeOperatorTokens(t, file, "", "on-call")[0]
	addr := freeAddr(t)
	p := &hubProcess{t: t, url: "http://" + addr, args: []string{"serve", "--listen", addr,
		"--data", filepath.Join(dir, "data"), "--tokens", file}}
	p.start()
	defer p.kill()
	if got := statusWith(t, p.url, first); got != http.StatusOK {
		t.Fatalf("first token before the reload: status %d, want 200", got)
	}

	second := writeOperatorTokens(t, file, "", "next-shift")[0]
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the first token to be revoked", func() bool {
		return statusWith(t, p.url, first) == http.StatusUnauthorized
	})
	if got := statusWith(t, p.url, second); got != http.StatusOK {
		t.Errorf("second token after the reload: status %d, want 200", got)
	}

	// A file with an agency that has no adapter is not taken, and the
	// tokens in force stay.
	writeOperatorTokens(t, file, "  - {name: x, agency: nosuch, sha256: "+strings.Repeat("ab", 32)+"}\n",
		"third-shift")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the rejected reload to be logged", func() bool {
		return strings.Contains(p.log.String(), "token file not reloaded")
	})
	if !strings.Contains(p.log.String(), `unknown agency \"nosuch\"`) {
		t.Errorf("log does not name the unknown agency:\n%s", p.log.String())
	}
	if got := statusWith(t, p.url, second); got != http.StatusOK {
		t.Errorf("second token after a rejected reload: status %d, want 200", got)
	}
}

// hangupLog returns what reloadOnHangup logs for one SIGHUP to a hub
// that it never reaches, with the token file file and the routes file
// routesFile.
func hangupLog(file, routesFile string) string {
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, nil))
	ctx, cancel := context.WithCancel(context.Background())
	hangup := make(chan os.Signal)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reloadOnHangup(ctx, hangup, nil, file, routesFile, log)
	}()
	// The channel is unbuffered, so the second send returns only after
	// the first signal has been handled.
	hangup <- syscall.SIGHUP
	hangup <- syscall.SIGHUP
	cancel()
	<-done
	return out.String()
}

func TestHangupNamesRoutesFileNotReread(t *testing.T) {
	got := hangupLog("", "/etc/sangam/routes.yaml")
	if !strings.Contains(got, "SIGHUP does not read the routes file again") {
		t.Errorf("log %q does not say that the routes file is not read again", got)
	}
	if !strings.Contains(got, "sangam routes apply") {
		t.Errorf("log %q does not say how to change the routes", got)
	}
	if !strings.Contains(got, "file=/etc/sangam/routes.yaml") {
		t.Errorf("log %q does not name the routes file", got)
	}
	if !strings.Contains(got, `msg="SIGHUP ignored"`) {
		t.Errorf("log %q lacks the error of a hub without a token file", got)
	}
}
