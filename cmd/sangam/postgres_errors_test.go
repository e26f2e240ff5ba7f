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
