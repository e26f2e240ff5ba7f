package hub

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

func TestConfigInboundBudget(t *testing.T) {
	for _, valid := range []int64{0, api.DefaultMaxBody, api.DefaultInboundBudget} {
		if err := (Config{InboundBudget: valid}).Validate(); err != nil {
			t.Errorf("InboundBudget %d: %v", valid, err)
		}
	}
	for _, invalid := range []int64{-1, 1, api.DefaultMaxBody - 1} {
		err := (Config{InboundBudget: invalid}).Validate()
		if err == nil || !strings.Contains(err.Error(), "inbound_budget") {
			t.Errorf("InboundBudget %d: error %v, want one naming inbound_budget", invalid, err)
		}
	}
}
