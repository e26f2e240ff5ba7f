package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagsOnlyCommandsRejectArguments(t *testing.T) {
	for _, command := range []string{"serve", "demo", "bench", "token"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{command, "extra", "--listen", "127.0.0.1:1"}, &stdout, &stderr)
		if code != exitSetup {
			t.Errorf("%s with an argument: exit code %d, want %d", command, code, exitSetup)
		}
		if !strings.Contains(stderr.String(), `unexpected argument "extra"`) {
			t.Errorf("%s with an argument: stderr %q, want it to name the argument", command, stderr.String())
		}
	}
}

func TestReplayReadsFlagsAfterIDs(t *testing.T) {
	hub := &replayHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	run([]string{"replay", deadID1, "--force", "--hub", srv.URL, deadID2}, &stdout, &stderr)
	want := []string{"/api/v1/deliveries/" + deadID1 + "/replay", "/api/v1/deliveries/" + deadID2 + "/replay"}
	if strings.Join(hub.paths, " ") != strings.Join(want, " ") {
		t.Fatalf("requests %v, want %v; stderr: %s", hub.paths, want, stderr.String())
	}
	for i, body := range hub.bodies {
		if !body.Force {
			t.Errorf("request %d: force not set", i+1)
		}
	}
}

func TestAdminCommandsExitNotNowWhenHubUnavailable(t *testing.T) {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"urn:sangam:problem:unavailable","title":"Journal unavailable","status":503}`))
	}))
	defer busy.Close()
	closed := "http://" + freeAddr(t)

	for _, hub := range []string{busy.URL, closed} {
		for _, args := range [][]string{
			{"replay", "--hub", hub, deadID1},
			{"replay", "--hub", hub, "--all"},
			{"routes", "history", "--hub", hub},
		} {
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != exitNotStored {
				t.Errorf("%v: exit code %d, want %d; stderr: %s", args, code, exitNotStored, stderr.String())
			}
		}
	}
}

func TestFileCommandsReadFlagsAfterFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cut.json")
	if err := os.WriteFile(file, []byte(`{"message_id": "X"`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"decode", file, "--agency", "police"}, &stdout, &stderr)
	// Exit 1 with the adapter's error shows --agency was read; without it
	// decode stops at a usage error.
	if code != exitInvalid || !strings.Contains(stderr.String(), "the body ends before the JSON object does") {
		t.Errorf("decode FILE --agency police: exit %d, stderr %q; want the police adapter's error", code, stderr.String())
	}
}

func TestRoutesListingsRejectArguments(t *testing.T) {
	for _, sub := range []string{"export", "history"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"routes", sub, "extra"}, &stdout, &stderr)
		if code != exitSetup || !strings.Contains(stderr.String(), `unexpected argument "extra"`) {
			t.Errorf("routes %s extra: exit %d, stderr %q; want 2 naming the argument", sub, code, stderr.String())
		}
	}
}
