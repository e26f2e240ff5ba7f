//go:build unix

package outbound_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/routes"
)

// mkfifo makes a named pipe at dir/name, which no process writes to.
func mkfifo(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("making a named pipe: %v", err)
	}
	return path
}

// returnsWithin runs f and fails t when f has not returned after a
// minute, as an open of a named pipe without a writer would not.
func returnsWithin[T any](t *testing.T, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("%s still waits for a writer to a named pipe after a minute", what)
		panic("unreachable")
	}
}

func TestCheckRejectsNamedPipes(t *testing.T) {
	dir := t.TempDir()
	c, err := routes.Parse([]byte("destinations:\n" +
		"  - {name: d1, agency: courts, url: 'http://127.0.0.1:9/', bearer_token_file: " +
		mkfifo(t, dir, "token") + "}\n" +
		"  - {name: d2, agency: courts, url: 'http://127.0.0.1:9/', basic_auth: {username: hub, " +
		"password_file: " + mkfifo(t, dir, "password") + "}}\n" +
		"  - {name: d3, agency: courts, url: 'https://127.0.0.1:9/', tls: {ca_file: " +
		mkfifo(t, dir, "ca.pem") + "}}\n" +
		"  - {name: d4, agency: courts, url: 'https://127.0.0.1:9/', tls: {cert_file: " +
		mkfifo(t, dir, "c.pem") + ", key_file: " + mkfifo(t, dir, "k.pem") + "}}\n" +
		"routes:\n  - {name: r, when: 'true', to: [d1, d2, d3, d4]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	checkErr := returnsWithin(t, "Check", func() error { return outbound.Check(c, nil) })

	want := map[string]string{
		"/destinations/0/bearer_token_file":        filepath.Join(dir, "token"),
		"/destinations/1/basic_auth/password_file": filepath.Join(dir, "password"),
		"/destinations/2/tls/ca_file":              filepath.Join(dir, "ca.pem"),
		"/destinations/3/tls/cert_file":            filepath.Join(dir, "c.pem"),
		"/destinations/3/tls/key_file":             filepath.Join(dir, "k.pem"),
	}
	problems := routes.Problems(checkErr)
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(problems), len(want), checkErr)
	}
	for _, p := range problems {
		path, ok := want[p.Pointer]
		if !ok {
			t.Errorf("unexpected problem at %s: %s", p.Pointer, p.Message)
			continue
		}
		if p.Rule != routes.RuleFile {
			t.Errorf("%s: rule %q, want %q", p.Pointer, p.Rule, routes.RuleFile)
		}
		if msg := path + " is a named pipe, not a regular file"; !strings.Contains(p.Message, msg) {
			t.Errorf("%s: message %q, want it to contain %q", p.Pointer, p.Message, msg)
		}
	}
}

func TestTokenReplacedByNamedPipe(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "token", "first-token\n")
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+path+"\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, dir, "token")

	e, _ := set.Endpoint("d1")
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", nil)
	err = returnsWithin(t, "Authorize", func() error {
		_, err := e.Authorize(req)
		return err
	})
	want := "bearer_token_file: " + path + " is a named pipe, not a regular file"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Authorize with a named pipe at the path: error %v, want %q", err, want)
	}
	if got := req.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q after a failed read, want none", got)
	}
}
