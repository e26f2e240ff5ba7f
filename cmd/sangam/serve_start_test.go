package main

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeInvalidPoolSettingNamesIt starts serve with connection URLs
// whose pool settings pgxpool rejects or cannot use. Each start exits 2,
// before it connects, with an error that names --postgres, the setting,
// its value and the rule, and leaves out the password.
func TestServeInvalidPoolSettingNamesIt(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	const base = "postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=disable&"
	cases := []struct{ setting, want string }{
		{"pool_max_conns=abc", `pool_max_conns: invalid value "abc": want a whole number of at least 1`},
		{"pool_min_conns=many", `pool_min_conns: invalid value "many": want a whole number of at least 0`},
		{"pool_max_conn_lifetime=1", `pool_max_conn_lifetime: invalid value "1": want a positive duration, such as 30s or 5m`},
		{"pool_max_conn_idle_time=x", `pool_max_conn_idle_time: invalid value "x": want a positive duration, such as 30s or 5m`},
		{"pool_health_check_period=0s", `pool_health_check_period: invalid value "0s": want a positive duration, such as 30s or 5m`},
	}
	for _, c := range cases {
		t.Run(c.setting, func(t *testing.T) {
			code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
				"--postgres", base+c.setting)
			if code != exitSetup {
				t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
			}
			if want := "sangam serve: --postgres: " + c.want; !strings.HasPrefix(errOut, want) {
				t.Errorf("stderr %q, want it to start with %q", errOut, want)
			}
			if strings.Contains(errOut, "s3cret") {
				t.Errorf("stderr repeats the password: %q", errOut)
			}
		})
	}
}

// invalidRoutesFile is a routes document with four problems: an agency
// without an adapter, a URL that is not http or https, a CEL condition
// that does not parse and a route to a destination that does not exist.
const invalidRoutesFile = `version: four-problems
agencies:
  - {name: nosuch}
destinations:
  - {name: court, agency: courts, url: "ftp://x"}
routes:
  - name: broken-condition
    when: message.type ==
    to: [court]
  - name: missing-destination
    when: message.type == "fir"
    to: [nowhere]
`

// problemLines returns the lines of output that name a problem's
// pointer, as "  /pointer: message (rule)".
func problemLines(output string) []string {
	var lines []string
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "/") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}

// TestServeListsEveryRoutesProblem starts serve on a routes file with
// four problems, one of them an unknown agency. The start lists the same
// four problems as a dry run of the file on a running hub.
func TestServeListsEveryRoutesProblem(t *testing.T) {
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(invalidRoutesFile), 0o600); err != nil {
		t.Fatal(err)
	}
	url := startTestHub(t)
	code, _, dryRun := runCLI(t, "routes", "apply", "--hub", url, "--expect", "1", "--dry-run", file)
	if code != exitInvalid {
		t.Errorf("dry run: exit %d, want %d; stderr %s", code, exitInvalid, dryRun)
	}
	unsetEnv(t, aadhaarKeyEnv)
	code, _, start := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--routes", file)
	if code != exitSetup {
		t.Errorf("serve: exit %d, want %d; stderr %s", code, exitSetup, start)
	}
	want := problemLines(dryRun)
	if len(want) != 4 {
		t.Errorf("dry run lists %d problems, want 4:\n%s", len(want), dryRun)
	}
	if got := problemLines(start); !slices.Equal(got, want) {
		t.Errorf("serve lists the problems\n%s\nwant those of the dry run\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, rule := range []string{"(unknown-agency)", "(url)", "(cel-syntax)", "(unknown-destination)"} {
		if !strings.Contains(start, rule) {
			t.Errorf("serve's error lacks %s:\n%s", rule, start)
		}
	}
}

// TestFailedServeLeavesNoDataFolder starts serve with a --data folder
// whose parent does not exist either. The starts fail on an address in
// use, an invalid routes file and a PostgreSQL server that refuses the
// connection. Each start leaves neither folder behind, and a folder that
// existed before the start stays.
func TestFailedServeLeavesNoDataFolder(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, aadhaarKeyEnv)
	inUse, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inUse.Close()
	routesFile := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(routesFile, []byte(invalidRoutesFile), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		code int
		args []string
	}{
		// A guard: hub.Open binds the address before it creates a
		// folder, so this case fails only if that order changes.
		{"address in use", exitSetup, []string{"--listen", inUse.Addr().String()}},
		{"invalid routes", exitSetup, []string{"--listen", "127.0.0.1:0", "--routes", routesFile}},
		{"postgres refused", exitNotStored, []string{"--listen", "127.0.0.1:0", "--postgres",
			"postgres://sangam@" + closedPort(t) + "/sangam?sslmode=disable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			existing := t.TempDir()
			parent := filepath.Join(existing, "parent")
			data := filepath.Join(parent, "data")
			code, _, errOut := runCLI(t, append([]string{"serve", "--data", data}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %s", code, c.code, errOut)
			}
			if _, err := os.Stat(parent); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the start left %s behind: stat: %v", parent, err)
			}

			code, _, errOut = runCLI(t, append([]string{"serve", "--data", existing}, c.args...)...)
			if code != c.code {
				t.Errorf("existing folder: exit %d, want %d; stderr %s", code, c.code, errOut)
			}
			if _, err := os.Stat(existing); err != nil {
				t.Errorf("the start removed the existing folder %s: %v", existing, err)
			}
		})
	}
}

// TestServeStopWhileWaitingForPostgres starts the serve binary on a
// PostgreSQL server that accepts the connection and never replies, with
// no connect_timeout, and sends SIGTERM once the server has the
// connection. The start exits 0, as a stop on SIGTERM does, and prints
// that it was interrupted while it waited for that server.
func TestServeStopWhileWaitingForPostgres(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	connected := make(chan struct{}, 1)
	addr := serveLoopback(t, func(net.Conn) {
		select {
		case connected <- struct{}{}:
		default:
		}
	})

	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--data", data,
		"--postgres", "postgres://sangam@"+addr+"/sangam?sslmode=disable")
	cmd.Env = slices.DeleteFunc(os.Environ(), func(v string) bool {
		return strings.HasPrefix(v, "SANGAM_") || strings.HasPrefix(v, "PGSSLMODE=") ||
			strings.HasPrefix(v, "PGCONNECT_TIMEOUT=")
	})
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("serve did not connect to the server:\n%s", stderr.String())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if err != nil {
		t.Errorf("serve: %v, want exit 0; stderr:\n%s", err, stderr.String())
	}
	want := "sangam serve: start interrupted while waiting for PostgreSQL at " + addr +
		"; the hub served nothing\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the start left %s behind: stat: %v", data, err)
	}
}

// TestServePoolMinimumAboveMaximum starts serve with a pool_min_conns
// above pool_max_conns, which pgxpool accepts. The start exits 2 with an
// error that names both settings, before it connects: nothing listens on
// port 9, so a start that tried would exit 3.
func TestServePoolMinimumAboveMaximum(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	dsn := "postgres://postgres:s3cret@127.0.0.1:9/test?sslmode=disable" +
		"&search_path=pool_sizes&pool_min_conns=5&pool_max_conns=2"
	code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
		"--postgres", dsn)
	if code != exitSetup {
		t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
	}
	want := "sangam serve: --postgres: pool_min_conns, pool_max_conns: pool_min_conns=5 is " +
		"more than pool_max_conns=2"
	if !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
	if strings.Contains(errOut, "s3cret") {
		t.Errorf("stderr repeats the password: %q", errOut)
	}
}

// TestServeDataFileNamesFlag starts serve with --data naming a file, and
// a path below a file. Each start exits 2 with an error that names
// --data, and leaves the file as it was.
func TestServeDataFileNamesFlag(t *testing.T) {
	unsetModeVariables(t)
	file := filepath.Join(t.TempDir(), "hub.db")
	if err := os.WriteFile(file, []byte("not a folder\n"), 0o600); err != nil {
		t.Fatalf("writing %s: %v", file, err)
	}
	cases := []struct{ data, want string }{
		{file, "sangam serve: --data: " + file + " is a file, not a folder"},
		{filepath.Join(file, "sub"), "sangam serve: --data: " + filepath.Join(file, "sub") +
			": a part of the path is a file, not a folder"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", c.data)
		if code != exitSetup {
			t.Errorf("--data %s: exit %d, want %d; stderr %s", c.data, code, exitSetup, errOut)
		}
		if !strings.HasPrefix(errOut, c.want) {
			t.Errorf("--data %s: stderr %q, want it to start with %q", c.data, errOut, c.want)
		}
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != "not a folder\n" {
		t.Errorf("%s after the starts: %q, %v; want it unchanged", file, got, err)
	}
}
