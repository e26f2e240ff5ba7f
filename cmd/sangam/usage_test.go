package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrorsAreOneLine checks that each command called wrongly
// prints one line that names what is wrong and points to its help,
// without the usage, and exits 2.
func TestUsageErrorsAreOneLine(t *testing.T) {
	cases := []struct {
		args    []string
		command string // as the line starts with and its pointer names
		want    string
	}{
		{[]string{"serve", "--bogus"}, "serve", "--bogus: no such flag"},
		{[]string{"serve", "extra"}, "serve", `unexpected argument "extra"`},
		{[]string{"demo", "--bogus"}, "demo", "--bogus: no such flag"},
		{[]string{"demo", "--once=maybe"}, "demo", `--once: invalid value "maybe": want true or false`},
		{[]string{"mocks", "--bogus"}, "mocks", "--bogus: no such flag"},
		{[]string{"mocks", "--mock-port", "x"}, "mocks", `--mock-port: invalid value "x": want a whole number`},
		{[]string{"bench", "--bogus"}, "bench", "--bogus: no such flag"},
		{[]string{"bench", "extra"}, "bench", `unexpected argument "extra"`},
		{[]string{"send", "--bogus", "x.json"}, "send", "--bogus: no such flag"},
		{[]string{"send", "x.json"}, "send", "missing --agency"},
		{[]string{"send", "--agency", "police"}, "send", "missing FILE argument"},
		{[]string{"send", "--agency", "police", "a.json", "b.json"}, "send",
			"want exactly one FILE argument, got 2"},
		{[]string{"decode", "--bogus", "x.json"}, "decode", "--bogus: no such flag"},
		{[]string{"decode", "--agency", "police"}, "decode", "missing FILE argument"},
		{[]string{"decode", "x.json"}, "decode", "missing --agency"},
		{[]string{"decode", "--agency"}, "decode", "--agency: missing value: give it after the flag"},
		{[]string{"encode", "--bogus", "x.json"}, "encode", "--bogus: no such flag"},
		{[]string{"encode", "--agency", "courts", "a.json", "b.json"}, "encode",
			"want exactly one FILE argument, got 2"},
		{[]string{"encode", "x.json"}, "encode", "missing --agency"},
		{[]string{"replay", "--bogus"}, "replay", "--bogus: no such flag"},
		{[]string{"replay"}, "replay", "missing delivery ids or a filter"},
		{[]string{"replay", "--all", deadID1}, "replay", "give delivery ids or a filter, not both"},
		{[]string{"token", "--bogus"}, "token", "--bogus: no such flag"},
		{[]string{"token"}, "token", "give --name and one of --agency, --operator or --metrics"},
		{[]string{"token", "--name", "x"}, "token", "give --name and one of --agency, --operator or --metrics"},
		{[]string{"token", "--name", "x", "--metrics", "--operator"}, "token",
			"--metrics may not be combined with --agency or --operator"},
		{[]string{"token", "--name", "x", "--operator", "extra"}, "token", `unexpected argument "extra"`},
		{[]string{"routes", "export", "--bogus"}, "routes export", "--bogus: no such flag"},
		{[]string{"routes", "export", "extra"}, "routes export", `unexpected argument "extra"`},
		{[]string{"routes", "history", "--limit", "x"}, "routes history", `--limit: invalid value "x": want a whole number`},
		{[]string{"routes", "apply"}, "routes apply", "apply needs exactly one FILE"},
		{[]string{"routes", "diff"}, "routes diff", "diff needs a version number"},
		{[]string{"routes", "diff", "1", "2", "3"}, "routes diff", `unexpected argument "3"`},
		{[]string{"routes", "restore", "latest"}, "routes restore", `invalid version "latest"`},
		{[]string{"routes", "explain"}, "routes explain", "explain needs --message ID or --agency NAME FILE"},
		{[]string{"routes", "explain", "--message", "m", "--agency", "police", "x.json"}, "routes explain",
			"explain takes either --message ID or --agency NAME FILE, not both"},
		{[]string{"routes", "explain", "--agency", "police"}, "routes explain",
			"explain --agency needs exactly one FILE"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			checkUsageError(t, c.args, c.command, c.want)
		})
	}
}

// checkUsageError runs sangam with args and checks that it exits 2 and
// prints one line to stderr, without the usage. The line starts with
// the command's first word, contains want and ends with the pointer to
// the help of command, such as "routes apply".
func checkUsageError(t *testing.T, args []string, command, want string) {
	t.Helper()
	code, out, errOut := runCLI(t, args...)
	if code != exitSetup {
		t.Errorf("exit %d, want %d", code, exitSetup)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	if prefix := "sangam " + strings.Fields(command)[0] + ": "; !strings.HasPrefix(errOut, prefix) {
		t.Errorf("stderr %q does not start with %q", errOut, prefix)
	}
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	if suffix := "; run 'sangam " + command + " -h' for the flags\n"; !strings.HasSuffix(errOut, suffix) {
		t.Errorf("stderr %q does not end with %q", errOut, suffix)
	}
	if n := strings.Count(errOut, "\n"); n != 1 {
		t.Errorf("stderr has %d lines, want 1:\n%s", n, errOut)
	}
	if strings.Contains(errOut, "Usage:") {
		t.Errorf("stderr contains the usage:\n%s", errOut)
	}
}

// TestCommandMenuErrorsAreOneLine checks the errors for a missing or
// unknown command, of sangam and of sangam routes.
func TestCommandMenuErrorsAreOneLine(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `sangam: unknown command "frobnicate": want one of serve, demo, ` +
			"mocks, send, decode, encode, replay, destinations, deadletters, routes, token, bench; run 'sangam -h' for the commands\n"},
		{[]string{"routes"}, "sangam routes: missing routes command: want one of export, apply, " +
			"history, diff, restore, explain; run 'sangam routes -h' for the commands\n"},
		{[]string{"routes", "bogus", "--hub", "x"}, `sangam routes: unknown routes command "bogus": ` +
			"want one of export, apply, history, diff, restore, explain; " +
			"run 'sangam routes -h' for the commands\n"},
		{[]string{"routes", "--hub", "x", "explain"}, "sangam routes: flag --hub before the routes " +
			"command: flags go after it, as in sangam routes explain --hub URL --message ID: " +
			"want one of export, apply, history, diff, restore, explain; " +
			"run 'sangam routes -h' for the commands\n"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, c.args...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d", c.args, code, exitSetup)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want nothing", c.args, out)
		}
		if errOut != c.want {
			t.Errorf("%v: stderr\n%q, want\n%q", c.args, errOut, c.want)
		}
	}
}

// TestHelpPrintsWholeUsage checks that -h and --help print the usage
// with every flag and exit 0, for each command and routes command.
func TestHelpPrintsWholeUsage(t *testing.T) {
	var commandLines [][]string
	for _, c := range commands {
		if c.name != "routes" {
			commandLines = append(commandLines, []string{c.name})
		}
	}
	for _, name := range routesCommands {
		commandLines = append(commandLines, []string{"routes", name})
	}
	for _, command := range commandLines {
		for _, help := range []string{"-h", "--help"} {
			args := append(append([]string{}, command...), help)
			code, out, errOut := runCLI(t, args...)
			if code != exitOK {
				t.Errorf("%v: exit %d, want %d", args, code, exitOK)
			}
			if out != "" {
				t.Errorf("%v: stdout %q, want nothing", args, out)
			}
			if want := "Usage: sangam " + command[0] + " "; !strings.HasPrefix(errOut, want) {
				t.Errorf("%v: help does not start with %q:\n%s", args, want, errOut)
			}
			// PrintDefaults writes each flag as "  -name", and every
			// command has a flag.
			if !strings.Contains(errOut, "\n  -") {
				t.Errorf("%v: help lists no flags:\n%s", args, errOut)
			}
			if strings.Contains(errOut, "run 'sangam") {
				t.Errorf("%v: help contains a usage error:\n%s", args, errOut)
			}
		}
	}
	for _, args := range [][]string{{"routes", "-h"}, {"routes", "--help"}} {
		code, _, errOut := runCLI(t, args...)
		if code != exitOK || !strings.HasPrefix(errOut, routesUsage) {
			t.Errorf("%v: exit %d, want %d and the routes usage:\n%s", args, code, exitOK, errOut)
		}
	}
}

// TestFlagPackageErrorsNameTheFlag checks that the flag package's own
// errors come out with the flag's double-dash name, as sangam's other
// usage errors do, and without its one-dash wording.
func TestFlagPackageErrorsNameTheFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"routes", "history", "--limit", "9223372036854775808"},
			`--limit: invalid value "9223372036854775808": value out of range`},
		{[]string{"replay", "--reason"}, "--reason: missing value: give it after the flag, as --reason VALUE"},
		{[]string{"routes", "apply", "--comment2", "x"}, "--comment2: no such flag"},
		{[]string{"bench", "-v=maybe"}, `--v: invalid value "maybe": want true or false`},
	} {
		code, _, errOut := runCLI(t, c.args...)
		if code != exitSetup || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit %d and %q", c.args, code, errOut, exitSetup, c.want)
		}
		for _, old := range []string{"flag provided", "needs an argument", " for -", " for flag -"} {
			if strings.Contains(errOut, old) {
				t.Errorf("%v: stderr %q keeps the flag package's wording %q", c.args, errOut, old)
			}
		}
	}
}

// TestReplayEmptyFilterRejected checks that a replay filter or --by given
// as "" is a usage error naming the flag, not a filter dropped.
func TestReplayEmptyFilterRejected(t *testing.T) {
	for _, name := range []string{"by", "destination", "route", "reason", "from", "to"} {
		code, _, errOut := runCLI(t, "replay", "--"+name, "", "--destination", "x", "--hub", "http://127.0.0.1:1")
		if name == "destination" {
			code, _, errOut = runCLI(t, "replay", "--destination", "", "--route", "r", "--hub", "http://127.0.0.1:1")
		}
		if want := `--` + name + `: "" is invalid`; code != exitSetup || !strings.Contains(errOut, want) {
			t.Errorf("--%s \"\": exit %d, stderr %q, want exit %d and %q", name, code, errOut, exitSetup, want)
		}
	}
}

// TestServeInvalidPostgres checks that a --postgres value that is no
// connection string is a usage error naming the flag, and that the error
// does not repeat the value, which may hold a password.
func TestServeInvalidPostgres(t *testing.T) {
	for _, value := range []string{"secret-not-a-url", " ", "\t"} {
		code, _, errOut := runCLI(t, "serve", "--postgres", value, "--listen", "127.0.0.1:0",
			"--data", t.TempDir())
		if want := "--postgres: invalid connection string"; code != exitSetup || !strings.Contains(errOut, want) {
			t.Errorf("--postgres %q: exit %d, stderr %q, want exit %d and %q", value, code, errOut, exitSetup, want)
		}
		if strings.Contains(errOut, "secret") {
			t.Errorf("stderr repeats the value: %q", errOut)
		}
	}
}

// TestReplayRejectsPathLikeIds checks that an empty, "." or ".." delivery
// id is a usage error, not a request to another endpoint.
func TestReplayRejectsPathLikeIds(t *testing.T) {
	for _, id := range []string{"", ".", ".."} {
		code, _, errOut := runCLI(t, "replay", "--hub", "http://127.0.0.1:1", id)
		if want := fmt.Sprintf("DELIVERY_ID: invalid id %q", id); code != exitSetup || !strings.Contains(errOut, want) {
			t.Errorf("replay %q: exit %d, stderr %q, want exit %d and %q", id, code, errOut, exitSetup, want)
		}
	}
}

// TestDecodeMasksAadhaarInViolations checks that sangam decode prints a
// violation that quotes a JSON number with Aadhaar numbers masked, as the
// hub's problem responses do.
func TestDecodeMasksAadhaarInViolations(t *testing.T) {
	sample, err := os.ReadFile("../../mocks/police/samples/arrest-kaloor-snatching.json")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(sample), `"value_inr": `)
	if i < 0 {
		t.Fatal("the sample has no value_inr")
	}
	end := i + len(`"value_inr": `)
	for end < len(sample) && strings.IndexByte("0123456789.", sample[end]) >= 0 {
		end++
	}
	body := string(sample[:i]) + `"value_inr": -491873625403` + string(sample[end:])
	file := filepath.Join(t.TempDir(), "arrest.json")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "decode", "--agency", "police", file)
	if code == exitOK || !strings.Contains(out+errOut, "XXXXXXXX5403") {
		t.Errorf("exit %d, output %q %q, want a failure naming XXXXXXXX5403", code, out, errOut)
	}
	if strings.Contains(out+errOut, "491873625403") {
		t.Errorf("output shows the number in clear: %q %q", out, errOut)
	}
}
