package main

import (
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

func TestResendAfterFlag(t *testing.T) {
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
	for _, value := range []string{"30s", "0s", "25h", "-5m"} {
		_, err := parseHubFlags(t, "--resend-after", value)
		if err == nil || !strings.HasPrefix(err.Error(), "--resend-after: ") ||
			!strings.Contains(err.Error(), "want 1m to 24h") {
			t.Errorf("--resend-after %s: error %v, want one naming the flag and its range", value, err)
		}
	}
}
