package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// authorizationRecorder is a hub that responds 400 to every request
// and records the Authorization header of each.
type authorizationRecorder struct {
	mu      sync.Mutex
	headers []string
}

func (h *authorizationRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.headers = append(h.headers, r.Header.Get("Authorization"))
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"type":"urn:sangam:problem:bad-request","title":"Request is invalid","status":400}`))
}

func (h *authorizationRecorder) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.headers...)
}

// writeTokenFile writes content to a file and returns its path.
func writeTokenFile(t *testing.T, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// hubCommandNames are the keys of hubCommands.
var hubCommandNames = []string{"send", "replay", "routes export"}

// hubCommands returns the command lines that call the hub at url, each
// without its token flags.
func hubCommands(t *testing.T, url string) map[string][]string {
	message := filepath.Join(t.TempDir(), "fir.json")
	if err := os.WriteFile(message, []byte(`{"message_id":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string][]string{
		"send":          {"send", "--agency", "police", "--retries", "0", "--hub", url, message},
		"replay":        {"replay", "--hub", url, deadID1},
		"routes export": {"routes", "export", "--hub", url},
	}
}

func TestTokenFileSendsToken(t *testing.T) {
	t.Setenv("SANGAM_TOKEN", "from-environment")
	file := writeTokenFile(t, "from-file\n")
	for _, name := range hubCommandNames {
		t.Run(name, func(t *testing.T) {
			hub := &authorizationRecorder{}
			srv := httptest.NewServer(hub)
			defer srv.Close()
			args := hubCommands(t, srv.URL)[name]
			var stdout, stderr bytes.Buffer
			run(append(args, "--token-file", file), &stdout, &stderr)
			got := hub.received()
			if len(got) == 0 {
				t.Fatalf("the hub received no request; output:\n%s%s", stdout.String(), stderr.String())
			}
			for _, header := range got {
				if header != "Bearer from-file" {
					t.Errorf("Authorization %q, want Bearer from-file", header)
				}
			}
		})
	}
}

func TestTokenFromEnvironment(t *testing.T) {
	t.Setenv("SANGAM_TOKEN", "from-environment")
	hub := &authorizationRecorder{}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	run(hubCommands(t, srv.URL)["routes export"], &stdout, &stderr)
	if got := hub.received(); len(got) != 1 || got[0] != "Bearer from-environment" {
		t.Errorf("Authorization headers %q, want one Bearer from-environment", got)
	}
}

func TestTokenFileRejected(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKEN")
	cases := []struct {
		name  string
		flags []string
		want  string
	}{
		{"with --token", []string{"--token", "x", "--token-file", writeTokenFile(t, "y\n")},
			"--token and --token-file are both set"},
		{"empty", []string{"--token-file", writeTokenFile(t, "\n")}, "the file is empty"},
		{"two lines", []string{"--token-file", writeTokenFile(t, "secret-one\nsecret-two\n")},
			"white space or a control character"},
		{"missing", []string{"--token-file", filepath.Join(t.TempDir(), "none")}, "--token-file"},
		{"empty flag", []string{"--token", "x", "--token-file", ""}, `--token-file: "" is invalid`},
	}
	for _, c := range cases {
		for _, name := range hubCommandNames {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				hub := &authorizationRecorder{}
				srv := httptest.NewServer(hub)
				defer srv.Close()
				args := hubCommands(t, srv.URL)[name]
				var stdout, stderr bytes.Buffer
				code := run(append(args, c.flags...), &stdout, &stderr)
				if code == exitOK {
					t.Errorf("exit code %d, want an error", code)
				}
				if !strings.Contains(stderr.String(), c.want) {
					t.Errorf("stderr %q, want it to contain %q", stderr.String(), c.want)
				}
				if strings.Contains(stderr.String(), "secret-") {
					t.Errorf("stderr %q quotes the file's contents", stderr.String())
				}
				if got := hub.received(); len(got) != 0 {
					t.Errorf("the hub received %d requests, want none", len(got))
				}
			})
		}
	}
}
