package hub

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/auth"
)

func TestReloadLogsTokenNames(t *testing.T) {
	before, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := &Hub{cfg: Config{Tokens: before, Log: slog.New(slog.NewJSONHandler(&logs, nil))},
		adapters: set}

	// Widens station-ekm0412, revokes oncall and adds oncall-2.
	next := strings.Replace(string(stationTokenFile("[EKM0412, EKM0420]")), "name: oncall,",
		"name: oncall-2,", 1)
	if err := h.ReloadTokens([]byte(next)); err != nil {
		t.Fatalf("ReloadTokens: %v", err)
	}
	var line struct {
		Msg     string
		Entries int
		Added   []string
		Revoked []string
		Changed []string
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("decoding %s: %v", logs.Bytes(), err)
	}
	if line.Msg != "token file reloaded" || line.Entries != 5 {
		t.Errorf("line %s, want token file reloaded with 5 entries", logs.Bytes())
	}
	if !slices.Equal(line.Added, []string{"oncall-2"}) {
		t.Errorf("added %v, want [oncall-2]", line.Added)
	}
	if !slices.Equal(line.Revoked, []string{"oncall"}) {
		t.Errorf("revoked %v, want [oncall]", line.Revoked)
	}
	if !slices.Equal(line.Changed, []string{"station-ekm0412"}) {
		t.Errorf("changed %v, want [station-ekm0412]", line.Changed)
	}
	if strings.Contains(logs.String(), digestOf("ops-token")) {
		t.Errorf("the line %s contains a token's digest", logs.Bytes())
	}
}
