package main

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/hub"
)

// Marker values for the environment variables that flags default to.
const (
	markToken    = "MARKTOKEN7f3a"
	markPassword = "MARKPW7f3a"
	markPostgres = "postgres://u:" + markPassword + "@127.0.0.1:5432/x"
	markKafka    = "MARKKAFKA7f3a:9092"
	markTokens   = "/MARKTOKENS7f3a.yaml"
	markUser     = "MARKUSER7f3a"
	markPassFile = "/MARKPASSWORD7f3a"
)

func setMarkers(t *testing.T) {
	t.Setenv("SANGAM_TOKEN", markToken)
	t.Setenv("SANGAM_POSTGRES", markPostgres)
	t.Setenv("SANGAM_KAFKA", markKafka)
	t.Setenv("SANGAM_TOKENS", markTokens)
	t.Setenv("SANGAM_KAFKA_SASL_USERNAME", markUser)
	t.Setenv("SANGAM_KAFKA_SASL_PASSWORD_FILE", markPassFile)
}

// checkNoMarkers fails the test when output contains a marker value.
func checkNoMarkers(t *testing.T, args []string, output string) {
	t.Helper()
	for _, mark := range []string{markToken, markPassword, markKafka, markTokens, markUser, markPassFile} {
		if strings.Contains(output, mark) {
			t.Errorf("%v printed the environment value %s:\n%s", args, mark, output)
		}
	}
}

func TestUsageHidesEnvironmentValues(t *testing.T) {
	setMarkers(t)
	commands := [][]string{
		{"send"}, {"replay"}, {"routes", "export"}, {"routes", "apply"},
		{"serve"}, {"demo"}, {"bench"},
	}
	for _, command := range commands {
		for _, extra := range [][]string{{"-h"}, {"--no-such-flag"}} {
			args := append(slices.Clone(command), extra...)
			code, out, errOut := runCLI(t, args...)
			if code != exitOK && code != exitSetup {
				t.Errorf("%v: exit %d, want %d or %d", args, code, exitOK, exitSetup)
			}
			if extra[0] == "-h" && !strings.Contains(errOut, "Usage: sangam ") {
				t.Errorf("%v printed no usage:\n%s", args, errOut)
			}
			checkNoMarkers(t, args, out+errOut)
		}
	}

	// Nor do errors found after parsing.
	for _, args := range [][]string{{"replay"}, {"send", "--agency", "police"}} {
		_, out, errOut := runCLI(t, args...)
		checkNoMarkers(t, args, out+errOut)
	}
}

func TestSendTokenFromEnvironment(t *testing.T) {
	setMarkers(t)
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"message_id":"m-1"}`))
	}))
	defer srv.Close()

	for _, extra := range [][]string{nil, {"--token", "given"}} {
		if code, out := sendTo(t, srv.URL, extra...); code != exitOK {
			t.Fatalf("send %v: exit %d: %s", extra, code, out)
		}
	}
	// An empty --token is rejected, as TestHubCommandsRejectEmptyTokenFlag
	// checks, so no flag value sends a request without the token.
	want := []string{"Bearer " + markToken, "Bearer given"}
	if !slices.Equal(got, want) {
		t.Errorf("the hub got Authorization %q, want %q", got, want)
	}
}

// parseHubFlags returns the hub configuration that args give.
func parseHubFlags(t *testing.T, args ...string) (hub.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	config := hubFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return config()
}

func TestHubFlagsFromEnvironment(t *testing.T) {
	setMarkers(t)
	unsetEnv(t, "SANGAM_TOKENS")

	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PostgresDSN != markPostgres {
		t.Errorf("without --postgres: %q, want $SANGAM_POSTGRES %q", cfg.PostgresDSN, markPostgres)
	}
	if !slices.Equal(cfg.KafkaBrokers, []string{markKafka}) {
		t.Errorf("without --kafka: %q, want $SANGAM_KAFKA %q", cfg.KafkaBrokers, markKafka)
	}

	const otherPostgres = "postgres://other@127.0.0.1:5432/y"
	cfg, err = parseHubFlags(t, "--postgres", otherPostgres, "--kafka", "k:1,k:2")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PostgresDSN != otherPostgres {
		t.Errorf("with --postgres %s: %q", otherPostgres, cfg.PostgresDSN)
	}
	if !slices.Equal(cfg.KafkaBrokers, []string{"k:1", "k:2"}) {
		t.Errorf("with --kafka k:1,k:2: %q", cfg.KafkaBrokers)
	}

	// The marker names no file, so reading the token file fails.
	t.Setenv("SANGAM_TOKENS", markTokens)
	if _, err := parseHubFlags(t); err == nil || !strings.Contains(err.Error(), markTokens) {
		t.Errorf("without --tokens: error %v, want one reading $SANGAM_TOKENS %s", err, markTokens)
	}
}
