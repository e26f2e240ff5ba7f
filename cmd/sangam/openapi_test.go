package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRejectsOpenAPIOffLoopback(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKENS")
	for _, listen := range []string{"0.0.0.0:8400", ":8400", "[::]:8400", "192.0.2.1:8400", "hub.example:8400"} {
		_, err := parseHubFlags(t, "--listen", listen)
		if err == nil {
			t.Errorf("--listen %s without --tokens: no error", listen)
			continue
		}
		for _, flag := range []string{"--listen " + listen, "--tokens", "--allow-open-api"} {
			if !strings.Contains(err.Error(), flag) {
				t.Errorf("--listen %s without --tokens: error %q does not name %s", listen, err, flag)
			}
		}
	}
}

func TestServeAllowsOpenAPI(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKENS")
	for _, listen := range []string{"127.0.0.1:8400", "127.1.2.3:0", "[::1]:8400", "localhost:8400"} {
		if _, err := parseHubFlags(t, "--listen", listen); err != nil {
			t.Errorf("--listen %s without --tokens: %v, want no error on loopback", listen, err)
		}
	}
	if _, err := parseHubFlags(t, "--listen", "0.0.0.0:8400", "--allow-open-api"); err != nil {
		t.Errorf("--listen 0.0.0.0:8400 --allow-open-api: %v, want no error", err)
	}

	file := filepath.Join(t.TempDir(), "tokens.yaml")
	doc := "tokens:\n  - {name: ops, operator: true, sha256: " + strings.Repeat("ab", 32) + "}\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseHubFlags(t, "--listen", "0.0.0.0:8400", "--tokens", file); err != nil {
		t.Errorf("--listen 0.0.0.0:8400 --tokens: %v, want no error", err)
	}
	t.Setenv("SANGAM_TOKENS", file)
	if _, err := parseHubFlags(t, "--listen", "0.0.0.0:8400"); err != nil {
		t.Errorf("--listen 0.0.0.0:8400 with $SANGAM_TOKENS: %v, want no error", err)
	}
}

// TestDemoOpenAPIError checks the error for the demo through its flag
// set's name, without running the demo, which would listen beyond
// loopback if the check failed.
func TestDemoOpenAPIError(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKENS")
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	config := hubFlags(fs)
	if err := fs.Parse([]string{"--listen", "0.0.0.0:8400"}); err != nil {
		t.Fatal(err)
	}
	_, err := config()
	if err == nil {
		t.Fatal("demo --listen 0.0.0.0:8400: no error")
	}
	for _, want := range []string{"--listen 0.0.0.0:8400 is not a loopback address", "--allow-open-api",
		"the demo takes no token file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("demo --listen 0.0.0.0:8400: error %q, want it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "--tokens") {
		t.Errorf("demo --listen 0.0.0.0:8400: error %q names --tokens, which the demo does not take", err)
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "localhost": true, "LocalHost": true,
		"127.1": false, "0.0.0.0": false, "": false, "example.org": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
