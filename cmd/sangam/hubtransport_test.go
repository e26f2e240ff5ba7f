package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hubClientCommands returns the command lines of every command that calls
// the hub at hub, with a sample file for send.
func hubClientCommands(t *testing.T, hub string) [][]string {
	t.Helper()
	return [][]string{
		{"send", "--hub", hub, "--agency", "police", "--retries", "0", writeSample(t, "fir-kaloor-snatching")},
		{"replay", "--hub", hub, deadID1},
		{"replay", "--hub", hub, deadID1, deadID2},
		{"replay", "--hub", hub, "--all"},
		{"routes", "history", "--hub", hub},
		{"routes", "export", "--hub", hub},
		{"routes", "restore", "--hub", hub, "1"},
	}
}

// TestHubTLSMismatchExitsTwo calls a plain HTTP server, and a TCP server
// that replies with text, through https URLs: each command exits 2 with
// an error that names --hub and the problem, where "hub unavailable"
// would tell the operator to try again later.
func TestHubTLSMismatchExitsTwo(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "plain", http.StatusTeapot)
	}))
	t.Cleanup(plain.Close)
	text := serveLoopback(t, func(conn net.Conn) {
		_, _ = conn.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n\r\n"))
		_ = conn.Close()
	})

	cases := []struct{ hub, want string }{
		{strings.Replace(plain.URL, "http://", "https://", 1),
			"the server answered the TLS handshake in plain HTTP: use an http:// URL"},
		{"https://" + text, "the server's answer to the TLS handshake is not TLS"},
	}
	for _, c := range cases {
		for _, args := range hubClientCommands(t, c.hub) {
			code, _, errOut := runCLI(t, args...)
			if code != exitSetup {
				t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitSetup, errOut)
			}
			if want := "--hub " + c.hub + ": " + c.want; !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
			}
			if strings.Contains(errOut, "unavailable") || strings.Contains(errOut, "not stored") {
				t.Errorf("%v: stderr tells to try again later:\n%s", args, errOut)
			}
		}
	}
}

// TestHubUntrustedCertificateExitsTwo calls a TLS server whose
// certificate this machine does not trust: each command exits 2 and
// names --hub and the failed verification.
func TestHubUntrustedCertificateExitsTwo(t *testing.T) {
	hub := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unexpected", http.StatusTeapot)
	}))
	t.Cleanup(hub.Close)
	for _, args := range hubClientCommands(t, hub.URL) {
		code, _, errOut := runCLI(t, args...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitSetup, errOut)
		}
		if want := "--hub " + hub.URL + ": the hub's TLS certificate failed verification"; !strings.Contains(errOut, want) {
			t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
		}
	}
}

// TestHubRefusedStaysUnavailable checks that a refused connection to an
// https URL still exits 3, because the hub may come up.
func TestHubRefusedStaysUnavailable(t *testing.T) {
	for _, args := range hubClientCommands(t, "https://"+closedPort(t)) {
		if code, _, errOut := runCLI(t, args...); code != exitNotStored {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitNotStored, errOut)
		}
	}
}
