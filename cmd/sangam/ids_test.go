package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Ids of dead letters that tests replay on fake hubs.
const (
	deadID1 = "0193c9e4-6f5e-7c3a-9b1d-000000000001"
	deadID2 = "0193c9e4-6f5e-7c3a-9b1d-000000000002"
	deadID3 = "0193c9e4-6f5e-7c3a-9b1d-000000000003"
)

// recordingHub returns a fake hub that records the path of each request
// and responds to each with no replays.
func recordingHub(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": []}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &paths
}

func TestIDsNotUUIDsAreUsageErrors(t *testing.T) {
	srv, paths := recordingHub(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--hub", srv.URL, "not-a-uuid"},
			`sangam replay: DELIVERY_ID: invalid id "not-a-uuid": want a UUID`},
		// The valid id before it is not replayed either.
		{[]string{"replay", "--hub", srv.URL, deadID1, "not-a-uuid"},
			`sangam replay: DELIVERY_ID: invalid id "not-a-uuid": want a UUID`},
		{[]string{"replay", "--hub", srv.URL, ".."},
			`sangam replay: DELIVERY_ID: invalid id "..": want a UUID`},
		{[]string{"routes", "explain", "--hub", srv.URL, "--message", "not-a-uuid"},
			`sangam routes: --message: invalid id "not-a-uuid": want a UUID`},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, tc.args...)
		if code != exitSetup {
			t.Errorf("%q: exit code %d, want %d", tc.args, code, exitSetup)
		}
		if !strings.HasPrefix(errOut, tc.want) {
			t.Errorf("%q: stderr %q, want it to start with %q", tc.args, errOut, tc.want)
		}
	}
	if len(*paths) != 0 {
		t.Errorf("requests %v, want none", *paths)
	}
}

func TestReplaySendsIDsInLowerCase(t *testing.T) {
	srv, paths := recordingHub(t)
	code, _, errOut := runCLI(t, "replay", "--hub", srv.URL, strings.ToUpper(deadID1))
	if code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, errOut)
	}
	want := "/api/v1/deliveries/" + deadID1 + "/replay"
	if len(*paths) != 1 || (*paths)[0] != want {
		t.Errorf("requests %v, want one to %s", *paths, want)
	}
}
