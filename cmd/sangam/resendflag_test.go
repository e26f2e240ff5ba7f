package main

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

func TestResendAfterFlag(t *testing.T) {
	unsetEnv(t, "SANGAM_RESEND_AFTER")
	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != hub.DefaultStaleAfter {
		t.Errorf("default: stale after %s, want %s", cfg.StaleAfter, hub.DefaultStaleAfter)
	}
	cfg, err = parseHubFlags(t, "--resend-after", "20m")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != 20*time.Minute {
		t.Errorf("--resend-after 20m: stale after %s, want 20m0s", cfg.StaleAfter)
	}
	for _, value := range []string{"30s", "0s", "25h", "-5m", "abc", ""} {
		_, err := parseHubFlags(t, "--resend-after", value)
		want := `--resend-after: "` + value + `" is invalid: want a duration from 1m to 24h, such as 10m` +
			"; run 'sangam serve -h' for the flags"
		if err == nil || withCommand(err, "serve").Error() != want {
			t.Errorf("--resend-after %q: error %v, want %q", value, err, want)
		}
	}
}

func TestResendAfterFromEnvironment(t *testing.T) {
	t.Setenv("SANGAM_RESEND_AFTER", "90m")
	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != 90*time.Minute {
		t.Errorf("$SANGAM_RESEND_AFTER=90m: stale after %s, want 1h30m0s", cfg.StaleAfter)
	}
	cfg, err = parseHubFlags(t, "--resend-after", "10m")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != 10*time.Minute {
		t.Errorf("--resend-after 10m over the variable: stale after %s, want 10m0s", cfg.StaleAfter)
	}
	t.Setenv("SANGAM_RESEND_AFTER", "5s")
	_, err = parseHubFlags(t)
	want := `$SANGAM_RESEND_AFTER (default of --resend-after): "5s" is invalid: want a duration ` +
		"from 1m to 24h, such as 10m"
	if err == nil || err.Error() != want {
		t.Errorf("$SANGAM_RESEND_AFTER=5s: error %v, want %q", err, want)
	}
}
