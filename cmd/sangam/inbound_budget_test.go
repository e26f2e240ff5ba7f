package main

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

func TestInboundBudgetFlag(t *testing.T) {
	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.InboundBudget != api.DefaultInboundBudget {
		t.Errorf("default budget %d bytes, want %d", cfg.InboundBudget, api.DefaultInboundBudget)
	}
	if cfg, err = parseHubFlags(t, "--inbound-budget", "64"); err != nil {
		t.Fatal(err)
	}
	if cfg.InboundBudget != 64<<20 {
		t.Errorf("--inbound-budget 64: %d bytes, want %d", cfg.InboundBudget, 64<<20)
	}
	for _, invalid := range []string{"4", "0", "-1", "9223372036854775807"} {
		_, err := parseHubFlags(t, "--inbound-budget", invalid)
		if err == nil || !strings.Contains(err.Error(), "--inbound-budget") {
			t.Errorf("--inbound-budget %s: error %v, want one naming the flag", invalid, err)
		}
	}
}
