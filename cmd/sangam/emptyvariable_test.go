package main

import (
	"bytes"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// valueVariables are the variables of serve that default a flag's value
// without selecting another mode, with the flag each is the default of,
// and a valid value of that flag.
var valueVariables = map[string]struct{ env, value string }{
	"resend-after":               {"SANGAM_RESEND_AFTER", "10m"},
	"verification-deadline-days": {"SANGAM_VERIFICATION_DEADLINE_DAYS", "30"},
	"kafka-tls":                  {"SANGAM_KAFKA_TLS", "true"},
	"kafka-partitions":           {"SANGAM_KAFKA_PARTITIONS", "6"},
	"kafka-replication-factor":   {"SANGAM_KAFKA_REPLICATION_FACTOR", "2"},
}

// unsetHubVariables unsets every variable that serve reads.
func unsetHubVariables(t *testing.T) {
	t.Helper()
	unsetModeVariables(t)
	for _, v := range valueVariables {
		unsetEnv(t, v.env)
	}
	unsetEnv(t, aadhaarKeyEnv)
}

func TestHubFlagsRejectEmptyValueVariable(t *testing.T) {
	for name, v := range valueVariables {
		unsetHubVariables(t)
		t.Setenv(v.env, "")
		_, err := parseHubFlags(t)
		prefix := "$" + v.env + " (default of --" + name + `): "" is invalid: want `
		if err == nil || !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("$%s empty: error %v, want one starting %q", v.env, err, prefix)
		}
		if err != nil && !strings.Contains(err.Error(), "; unset the variable for ") {
			t.Errorf("$%s empty: error %q does not say to unset the variable", v.env, err)
		}

		// The flag takes the place of the variable, as it does when the
		// variable has a value.
		flag := "--" + name + "=" + v.value
		if _, err := parseHubFlags(t, flag); err != nil {
			t.Errorf("%s with $%s empty: %v", flag, v.env, err)
		}
	}
}

func TestHubFlagsRejectEmptyAadhaarKey(t *testing.T) {
	unsetHubVariables(t)
	t.Setenv(aadhaarKeyEnv, "")
	dir := t.TempDir()
	cfg, err := parseHubFlags(t, "--data", dir)
	want := `$SANGAM_AADHAAR_KEY: "" is invalid: want a key of at least 32 characters; ` +
		"unset the variable for the key in " + filepath.Join(dir, "aadhaar.key")
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if cfg.AadhaarKey != nil {
		t.Errorf("AadhaarKey = %q, want none", cfg.AadhaarKey)
	}
}

func TestOfflineCommandsRejectEmptyAadhaarKey(t *testing.T) {
	t.Setenv(aadhaarKeyEnv, "")
	file := writeSample(t, "chargesheet-2025-bns-malayalam")
	const want = `$SANGAM_AADHAAR_KEY: "" is invalid: want the hub's Aadhaar key; ` +
		"unset the variable for a fixed key whose tokens match nothing the hub stores"
	for _, command := range []string{"decode", "encode"} {
		code, _, errOut := runCLI(t, command, "--agency", "police", file)
		if code == exitOK {
			t.Errorf("%s: exit %d, want an error", command, code)
		}
		if !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr %q, want it to contain %q", command, errOut, want)
		}
	}
}

func TestHubCommandsRejectEmptyToken(t *testing.T) {
	t.Setenv("SANGAM_TOKEN", "")
	const want = `$SANGAM_TOKEN (default of --token): "" is invalid: want a bearer token; ` +
		"unset the variable for requests without a token"
	for _, name := range hubCommandNames {
		hub := &authorizationRecorder{}
		srv := httptest.NewServer(hub)
		args := hubCommands(t, srv.URL)[name]
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		srv.Close()
		if code == exitOK {
			t.Errorf("%s: exit %d, want an error", name, code)
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("%s: stderr %q, want it to contain %q", name, stderr.String(), want)
		}
		if got := hub.received(); len(got) != 0 {
			t.Errorf("%s: the hub received %d requests, want none", name, len(got))
		}

		// A token file takes the place of the variable.
		stdout.Reset()
		stderr.Reset()
		hub = &authorizationRecorder{}
		srv = httptest.NewServer(hub)
		args = hubCommands(t, srv.URL)[name]
		run(append(args, "--token-file", writeTokenFile(t, "from-file\n")), &stdout, &stderr)
		srv.Close()
		if got := hub.received(); len(got) == 0 || got[0] != "Bearer from-file" {
			t.Errorf("%s --token-file with $SANGAM_TOKEN empty: Authorization %q, want Bearer from-file; "+
				"stderr %s", name, got, stderr.String())
		}
	}
}

// TestHubCommandsRejectEmptyTokenFlag checks that --token "" stops each
// command that calls the hub before it sends anything, where it would
// otherwise send no token and get 401.
func TestHubCommandsRejectEmptyTokenFlag(t *testing.T) {
	unsetEnv(t, "SANGAM_TOKEN")
	const want = `--token: "" is invalid: want a bearer token; leave the flag out for ` +
		"$SANGAM_TOKEN, or for requests without a token when it is unset"
	for _, name := range append(hubCommandNames, "routes restore") {
		for _, flags := range [][]string{{"--token", ""}, {"--token="}} {
			hub := &authorizationRecorder{}
			srv := httptest.NewServer(hub)
			args, ok := hubCommands(t, srv.URL)[name]
			if !ok {
				args = []string{"routes", "restore", "--hub", srv.URL, "1"}
			}
			var stdout, stderr bytes.Buffer
			code := run(append(args, flags...), &stdout, &stderr)
			srv.Close()
			if code != exitSetup {
				t.Errorf("%s %q: exit %d, want %d", name, flags, code, exitSetup)
			}
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("%s %q: stderr %q, want it to contain %q", name, flags, stderr.String(), want)
			}
			if got := hub.received(); len(got) != 0 {
				t.Errorf("%s %q: the hub received %d requests, want none", name, flags, len(got))
			}
		}
	}
}

func TestBenchRejectsEmptyPostgres(t *testing.T) {
	t.Setenv("SANGAM_POSTGRES", "")
	// The invalid --rates, which bench checks after the variable, stops a
	// bench that accepted the variable before it connects to anything.
	code, _, errOut := runCLI(t, "bench", "--store", "postgres", "--rates", "none")
	if code == exitOK {
		t.Errorf("exit %d, want an error", code)
	}
	const want = `$SANGAM_POSTGRES (default of --postgres): "" is invalid: want a PostgreSQL ` +
		"connection URL; unset the variable for the bench's default, " + benchPostgres
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr %q, want it to contain %q", errOut, want)
	}

	// --postgres takes the place of the variable.
	_, _, errOut = runCLI(t, "bench", "--store", "postgres", "--postgres", benchPostgres,
		"--rates", "none")
	if !strings.Contains(errOut, `--rates: invalid rate "none"`) {
		t.Errorf("with --postgres: stderr %q, want the error of --rates", errOut)
	}
}
