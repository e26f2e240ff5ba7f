package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/routes"
)

// newTokenFile returns a token for each agency in agencies, by agency,
// and a token file that grants each its agency.
func newTokenFile(t *testing.T, agencies ...string) (map[string]string, *auth.Tokens) {
	t.Helper()
	tokens := map[string]string{}
	var file strings.Builder
	file.WriteString("tokens:\n")
	for _, agency := range agencies {
		token, digest, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		tokens[agency] = token
		fmt.Fprintf(&file, "  - {name: %q, agency: %s, sha256: %s}\n", "mock-"+agency, agency, digest)
	}
	parsed, err := auth.Parse([]byte(file.String()))
	if err != nil {
		t.Fatalf("token file: %v\n%s", err, file.String())
	}
	return tokens, parsed
}

// TestMocksPostWithTokens runs the mock agencies as sangam mocks does,
// with a courts and a police token, against a hub that requires tokens.
// The hub accepts the court's docketing callback and a station's
// verification report, which a mock without a token could not post.
func TestMocksPostWithTokens(t *testing.T) {
	tokens, tokenFile := newTokenFile(t, "courts", "police", "passport")
	mocks, err := listenMocks(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mocks.close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hubURL := startMocksHub(t, hub.Config{
		Routes:     mocks.routes(),
		Tokens:     tokenFile,
		AadhaarKey: []byte("mocks tokens test key of 32 bytes!"),
		Log:        log,
	})
	ctx, cancel := context.WithCancel(context.Background())
	mocksDone := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		mocksDone <- serveMocks(ctx, mocks, hubURL, t.TempDir(),
			mockTokens{courts: tokens["courts"], police: tokens["police"]}, log, &out)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-mocksDone; err != nil {
			t.Errorf("serveMocks: %v", err)
		}
	})

	client := &http.Client{Timeout: 10 * time.Second}
	postAs := func(agency string, body []byte) {
		t.Helper()
		status, answer, _, err := post(client, hubURL+"/api/v1/inbound/"+agency, "application/json",
			tokens[agency], body)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusAccepted {
			t.Fatalf("posting as %s: status %d, want 202: %s", agency, status, answer)
		}
	}
	for _, s := range storyOrder(police.Samples()) {
		if !s.Invalid && (strings.HasPrefix(s.Name, "fir") || s.Name == "chargesheet-2025-bns-malayalam") {
			postAs("police", s.Body)
		}
	}
	for _, s := range passport.Samples() {
		if s.Name == "request-fresh" {
			postAs("passport", s.Body)
		}
	}

	err = poll(context.Background(), 30*time.Second, func() (bool, error) {
		regs := mocks.court.Registrations()
		return len(regs) == 1 && regs[0].Callback != court.CallbackPending, nil
	})
	if err != nil {
		t.Fatalf("the court's callback was not settled: %v; registrations %+v", err,
			mocks.court.Registrations())
	}
	if reg := mocks.court.Registrations()[0]; reg.Callback != court.CallbackDelivered {
		t.Errorf("court callback %q, want %q: the hub did not accept the court's token",
			reg.Callback, court.CallbackDelivered)
	}

	var reports []police.SentReport
	err = poll(context.Background(), 30*time.Second, func() (bool, error) {
		reports = append(mocks.stations[0].Reports(), mocks.stations[1].Reports()...)
		return len(reports) > 0, nil
	})
	if err != nil {
		t.Fatalf("no station reported on the verification request: %v", err)
	}
	for _, r := range reports {
		if r.HubMessageID == "" || r.Error != "" {
			t.Errorf("report %+v was not accepted: the hub did not accept the station's token", r)
		}
	}
	if !strings.Contains(out.String(), "posting to the hub at "+hubURL) {
		t.Errorf("serveMocks output does not name the hub:\n%s", out.String())
	}
}

func TestMocksTokenFileErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.token")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--police-token-file", ""}, "--police-token-file"},
		{[]string{"--courts-token-file", empty}, "--courts-token-file " + empty + ": the file is empty"},
		{[]string{"--police-token-file", filepath.Join(t.TempDir(), "missing")}, "--police-token-file: "},
		{[]string{"--hub", "127.0.0.1:8400"}, "--hub: invalid URL"},
	}
	for _, tc := range tests {
		code, out, errOut := runCLI(t, append([]string{"mocks"}, tc.args...)...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d", tc.args, code, exitSetup)
		}
		if out != "" {
			t.Errorf("%v: printed %q, want nothing: no mock may start", tc.args, out)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: stderr %q, want it to contain %q", tc.args, errOut, tc.want)
		}
	}
}

// TestMocksPrintRoutes prints the default routes for mocks on 19201 to
// 19208: every destination URL names one of those ports, and the
// document is the one the demo builds for mocks on those ports.
func TestMocksPrintRoutes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"mocks", "--print-routes", "--mock-port", "19201"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	config, err := routes.Parse(stdout.Bytes())
	if err != nil {
		t.Fatalf("printed routes do not parse: %v", err)
	}
	urls := 0
	for _, d := range config.Destinations {
		if d.URL == "" {
			continue
		}
		urls++
		u, err := url.Parse(d.URL)
		if err != nil {
			t.Fatalf("destination %s: %v", d.Name, err)
		}
		port, err := strconv.Atoi(u.Port())
		if err != nil || u.Hostname() != "127.0.0.1" || port < 19201 || port > 19201+len(demoAgencies)-1 {
			t.Errorf("destination %s has URL %s, want 127.0.0.1 on a port from 19201 to %d",
				d.Name, d.URL, 19201+len(demoAgencies)-1)
		}
	}
	if urls == 0 {
		t.Fatal("printed routes have no destination URL")
	}

	m := &demoMocks{}
	for i := range demoAgencies {
		m.listeners = append(m.listeners, fakeListener{port: 19201 + i})
	}
	if stdout.String() != string(m.routes()) {
		t.Error("printed routes differ from the routes of a demo with mocks on the same ports")
	}
}

// TestMocksPrintRoutesFreePorts rejects --print-routes with --mock-port
// 0, whose ports are not known until the mocks start.
func TestMocksPrintRoutesFreePorts(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"mocks", "--print-routes", "--mock-port", "0"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "--mock-port") {
		t.Errorf("stderr = %q, want it to name --mock-port", stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}
