package main

import (
	"strings"
	"testing"
)

const allowedSSLModes = "want one of disable, allow, prefer, require, verify-ca or verify-full"

// TestInvalidSSLModeNamesSource gives serve, demo and bench a connection
// URL with a password and an sslmode that pgx rejects, by the flag and by
// $SANGAM_POSTGRES. Each exits 2 with an error that names where the URL
// came from, the sslmode and the values allowed, and leaves out the
// password.
func TestInvalidSSLModeNamesSource(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	const dsn = "postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=bogus"
	mode := `sslmode: invalid value "bogus": ` + allowedSSLModes
	cases := []struct {
		name string
		args []string
		env  bool
		want string
	}{
		{"serve flag", []string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
			"--postgres", dsn}, false, "sangam serve: --postgres: " + mode},
		{"serve variable", []string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir()}, true,
			"sangam serve: $SANGAM_POSTGRES (default of --postgres): " + mode},
		{"demo flag", []string{"demo", "--listen", "127.0.0.1:0", "--mock-port", "0", "--data",
			t.TempDir(), "--postgres", dsn}, false, "sangam demo: --postgres: " + mode},
		{"bench flag", []string{"bench", "--store", "postgres", "--postgres", dsn}, false,
			"sangam bench: --postgres: " + mode},
		{"bench variable", []string{"bench", "--store", "postgres"}, true,
			"sangam bench: $SANGAM_POSTGRES: " + mode},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.env {
				t.Setenv("SANGAM_POSTGRES", dsn)
			}
			code, _, errOut := runCLI(t, c.args...)
			if code != exitSetup {
				t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
			}
			if !strings.HasPrefix(errOut, c.want) {
				t.Errorf("stderr %q, want it to start with %q", errOut, c.want)
			}
			if strings.Contains(errOut, "s3cret") {
				t.Errorf("stderr repeats the password: %q", errOut)
			}
		})
	}
}

// TestUnreachablePostgresOneLine starts serve, demo and bench on a
// loopback port where nothing listens, under the default sslmode=prefer,
// with which pgx tries with TLS and then without. Each exits 3 with one
// line that names the server and the reason once.
func TestUnreachablePostgresOneLine(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	unsetEnv(t, aadhaarKeyEnv)
	addr := closedPort(t)
	dsn := "postgres://sangam@" + addr + "/sangam"
	cases := []struct {
		name string
		args []string
		next string
	}{
		{"serve", []string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--postgres", dsn},
			"start the hub again once PostgreSQL accepts connections"},
		{"demo", []string{"demo", "--listen", "127.0.0.1:0", "--mock-port", "0", "--data", t.TempDir(),
			"--postgres", dsn}, "start the hub again once PostgreSQL accepts connections"},
		{"bench", []string{"bench", "--store", "postgres", "--postgres", dsn},
			"run the bench again once PostgreSQL accepts connections"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, c.args...)
			if code != exitNotStored {
				t.Errorf("exit %d, want %d; stderr %s", code, exitNotStored, errOut)
			}
			want := "sangam " + c.name + ": PostgreSQL at " + addr + " is unreachable: " +
				"connection refused; " + c.next + "\n"
			if !strings.HasSuffix(errOut, want) {
				t.Errorf("stderr %q, want it to end with %q", errOut, want)
			}
			if n := strings.Count(errOut, "sangam "+c.name+":"); n != 1 {
				t.Errorf("stderr has %d error lines, want 1:\n%s", n, errOut)
			}
			if n := strings.Count(errOut, "refused"); n != 1 {
				t.Errorf("stderr names the refusal %d times, want once:\n%s", n, errOut)
			}
		})
	}
}

// TestUnreachablePostgresHostsPlural starts serve on two loopback ports
// where nothing listens. The line names both servers with a plural verb.
func TestUnreachablePostgresHostsPlural(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	unsetEnv(t, aadhaarKeyEnv)
	first, second := closedPort(t), closedPort(t)
	dsn := "postgres://sangam@" + first + "," + second + "/sangam"
	code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
		"--postgres", dsn)
	if code != exitNotStored {
		t.Errorf("exit %d, want %d; stderr %s", code, exitNotStored, errOut)
	}
	want := "sangam serve: PostgreSQL at " + first + ", " + second + " are unreachable: " +
		"connection refused; start the hub again once PostgreSQL accepts connections\n"
	if !strings.HasSuffix(errOut, want) {
		t.Errorf("stderr %q, want it to end with %q", errOut, want)
	}
}
