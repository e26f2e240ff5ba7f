package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

// TestFlagRulesAreUsageErrors runs commands whose flags break a rule
// checked before any request. Each error is one line that names the
// flag, exits 2 and points at the command's help.
func TestFlagRulesAreUsageErrors(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKENS")
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	body := filepath.Join(dir, "body.json")
	for _, f := range []string{tokenFile, body} {
		if err := os.WriteFile(f, []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	limitRule := "--limit: invalid value %s: want a whole number from 1 to 1000, or leave --limit out for 100"
	for _, c := range []struct {
		command string
		args    []string
		want    string
	}{
		{"replay", []string{"replay", "--all", "--destination", "x"}, "--all replays every dead letter"},
		{"replay", []string{"replay", "--all", "--limit", "0"}, strings.Replace(limitRule, "%s", "0", 1)},
		{"replay", []string{"replay", "--all", "--limit", "1001"}, strings.Replace(limitRule, "%s", "1001", 1)},
		{"replay", []string{"replay", "--limit", "5", deadID1}, "--limit applies to a filter or --all only"},
		{"replay", []string{"replay", "--from", "yesterday"}, `--from: invalid time "yesterday"`},
		{"replay", []string{"replay", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z"},
			"--from 2026-01-02T00:00:00Z is not before --to"},
		{"send", []string{"send", "--agency", "police", "--token", "x", "--token-file", tokenFile, body},
			"--token and --token-file are both set"},
		{"token", []string{"token", "--name", "x", "--agency", "courts", "--stations", "EKM0412"},
			"--stations needs --agency police"},
		{"token", []string{"token", "--name", "x", "--agency", "police", "--stations", "ekm0412"}, "--stations: "},
		{"routes history", []string{"routes", "history", "--before", "0"}, `--before: invalid value "0": want a version number from 1`},
		{"routes history", []string{"routes", "history", "--before", "v+1"}, `--before: invalid value "v+1": want a version number such as 3 or v3`},
		{"routes apply", []string{"routes", "apply", "--expect", "v0", body}, `--expect: invalid value "v0": want a version number from 1`},
		{"mocks", []string{"mocks", "--mock-port", "99999"}, "--mock-port: 99999 is invalid"},
		{"mocks", []string{"mocks", "--courts-token-file", ""}, `--courts-token-file: "" is invalid`},
		{"replay", []string{"replay", "--all", "--limit", "abc"}, `--limit: invalid value "abc": want a whole number`},
		{"routes history", []string{"routes", "history", "--before", "abc"},
			`--before: invalid value "abc": want a version number such as 3 or v3`},
		{"send", []string{"send", "--agency", "police", "--timeout", "soon", body},
			`--timeout: invalid value "soon": want a duration such as 30s or 2m`},
		{"bench", []string{"bench", "--concurrency", "0"}, "--concurrency: invalid value 0: want a whole number from 1 to 64"},
		{"bench", []string{"bench", "--concurrency", "65"}, "--concurrency: invalid value 65"},
		{"bench", []string{"bench", "--rates", "250,0"}, `--rates: invalid rate "0" in "250,0"`},
		{"bench", []string{"bench", "--rates", "250,,1000"}, `--rates: invalid rate "" in "250,,1000"`},
		{"bench", []string{"bench", "--store", "mysql"}, `--store: invalid value "mysql"`},
		{"bench", []string{"bench", "--senders", "0"}, "--senders: invalid value 0"},
		{"bench", []string{"bench", "--steady", "-1"}, "--steady: invalid value -1"},
		{"bench", []string{"bench", "--max-messages", "-1"}, "--max-messages: invalid value -1"},
		{"bench", []string{"bench", "--duration", "0s"}, "--duration: invalid value 0s"},
		{"bench", []string{"bench", "--drain-timeout", "-1s"}, "--drain-timeout: invalid value -1s"},
		{"bench", []string{"bench", "--store", "postgres", "--postgres", "nonsense"},
			"--postgres: invalid connection string"},
		{"bench", []string{"bench", "--store", "postgres", "--postgres", "postgres://u:secret@10.0.0.1/x"},
			`--postgres: host "10.0.0.1" is not a loopback address`},
		{"serve", []string{"serve", "--data", dir, "--inbound-budget", "4"}, "--inbound-budget: 4 MiB is invalid"},
		{"serve", []string{"serve", "--data", dir, "--listen", "nope"}, `--listen: invalid value "nope": want a host:port address`},
		{"serve", []string{"serve", "--data", dir, "--listen", "127.0.0.1:99999"}, `--listen: invalid value "127.0.0.1:99999"`},
		{"serve", []string{"serve", "--data", dir, "--listen", "0.0.0.0:8400"}, "--listen 0.0.0.0:8400 is not a loopback address"},
		{"demo", []string{"demo", "--listen", "0.0.0.0:8400"}, "--listen 0.0.0.0:8400 is not a loopback address"},
		{"serve", []string{"serve", "--data", dir, "--kafka-session-timeout", "-1s"},
			"--kafka-session-timeout: invalid value -1s"},
		{"decode", []string{"decode", "--agency", "nope", body}, `--agency: unknown agency "nope": known agencies are courts, `},
		{"encode", []string{"encode", "--agency", "nope", body}, `--agency: unknown agency "nope"`},
		{"serve", []string{"serve", "--data", dir, "--resend-after", "5s"}, `--resend-after: "5s" is invalid`},
		{"serve", []string{"serve", "--data", dir, "--verification-deadline-days", "0"}, `--verification-deadline-days: "0" is invalid`},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			checkUsageError(t, c.args, c.command, c.want)
		})
	}
}

// TestMissingTokenFileIsSetupError checks that a token file that cannot
// be read exits 2 without the pointer to the help, which lists no fix
// for a missing file.
func TestMissingTokenFileIsSetupError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nofile")
	code, _, errOut := runCLI(t, "mocks", "--mock-port", "0", "--courts-token-file", missing)
	if code != exitSetup {
		t.Errorf("exit %d, want %d", code, exitSetup)
	}
	if !strings.Contains(errOut, "--courts-token-file: ") {
		t.Errorf("stderr = %q, want it to name --courts-token-file", errOut)
	}
	if strings.Contains(errOut, "-h' for the flags") {
		t.Errorf("stderr = %q, want no pointer to the help", errOut)
	}
}

// TestReplayNoneMatchedSaysWhy replays by a filter on a hub that
// replays nothing: output that no dead letter matched names no --force,
// and only dead letters left out as replayed before bring the hint at it.
func TestReplayNoneMatchedSaysWhy(t *testing.T) {
	var body string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(hub.Close)
	skipped := func(reason string) string {
		return `{"replays": [], "skipped": [{"destination": "courts", "dead_letters": 2, ` +
			`"reason": "` + reason + `"}]}`
	}
	for _, c := range []struct {
		args []string
		body string
		want string
	}{
		{[]string{"--all"}, `{"replays": []}`, "no dead letter to replay: the hub's journal has none\n"},
		{[]string{"--destination", "courts"}, `{"replays": []}`, "no dead letter matched the filter\n"},
		{[]string{"--from", "2030-01-01T00:00:00Z", "--dry-run"}, `{"replays": [], "dry_run": true}`,
			"no dead letter matched the filter\n"},
		{[]string{"--destination", "courts"}, skipped(api.SkippedReplayedBefore),
			"skipped 2 dead letters to courts: replayed before: only a run with --force replays " +
				"them again, and then only those whose message has not reached the destination\n" +
				replayedBeforeHint + "\n"},
		{[]string{"--destination", "courts", "--force"}, skipped("their message reached the destination"),
			"skipped 2 dead letters to courts: their message reached the destination\n"},
	} {
		body = c.body
		args := append([]string{"replay", "--hub", hub.URL}, c.args...)
		code, out, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d: %s", c.args, code, errOut)
		}
		if !strings.HasPrefix(out, c.want) {
			t.Errorf("%v: stdout = %q, want it to start with %q", c.args, out, c.want)
		}
		if c.body == `{"replays": []}` && strings.Contains(out, "--force") {
			t.Errorf("%v: stdout = %q, want no hint at --force when nothing matched", c.args, out)
		}
	}
}

// TestRoutesHistoryMarkColumn lists versions without a comment, in
// force or not, and checks that the mark stays out of the author column.
func TestRoutesHistoryMarkColumn(t *testing.T) {
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"versions": [
			{"number": 3, "by": "ops-bob (for alice)", "comment": "", "created_at": "2026-03-02T10:00:00Z", "in_force": false},
			{"number": 2, "by": "ops-alice", "comment": "", "created_at": "2026-03-01T10:00:00Z", "in_force": true},
			{"number": 1, "by": "api", "comment": "seed", "created_at": "2026-02-28T10:00:00Z", "in_force": false}]}`)
	}))
	t.Cleanup(hub.Close)
	code, out, errOut := runCLI(t, "routes", "history", "--hub", hub.URL)
	if code != exitOK {
		t.Fatalf("history: exit %d %s", code, errOut)
	}
	want := []string{
		"  v3    2026-03-02 10:00:00Z  ops-bob (for alice)",
		"* v2    2026-03-01 10:00:00Z  ops-alice",
		"  v1    2026-02-28 10:00:00Z  api                  seed",
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("history has %d lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i+1, got[i], want[i])
		}
	}
}

// TestStopMocksLogs checks the line logged when the mock agencies stop.
func TestStopMocksLogs(t *testing.T) {
	mocks, err := listenMocks(0)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	stopMocks(mocks, nil, slog.New(slog.NewTextHandler(&logged, nil)))
	if !strings.Contains(logged.String(), `msg="mock agencies stopped"`) {
		t.Errorf("log = %q, want a line saying the mock agencies stopped", logged.String())
	}
}
