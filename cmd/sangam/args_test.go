package main

import (
	"bytes"
	"net/http/httptest"
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
	run([]string{"replay", "delivery-1", "--force", "--hub", srv.URL, "delivery-2"}, &stdout, &stderr)
	want := []string{"/api/v1/deliveries/delivery-1/replay", "/api/v1/deliveries/delivery-2/replay"}
	if strings.Join(hub.paths, " ") != strings.Join(want, " ") {
		t.Fatalf("requests %v, want %v; stderr: %s", hub.paths, want, stderr.String())
	}
	for i, body := range hub.bodies {
		if !body.Force {
			t.Errorf("request %d: force not set", i+1)
		}
	}
}
