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

// tokenHub returns a hub, enough to reload tokens, that has the tokens
// of stationTokenFile("[EKM0412]") and logs to handler.
func tokenHub(t *testing.T, handler slog.Handler) *Hub {
	t.Helper()
	before, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return &Hub{cfg: Config{Tokens: before, Log: slog.New(handler)}, adapters: set}
}

func TestReloadQuotesTokenNames(t *testing.T) {
	var logs bytes.Buffer
	h := tokenHub(t, slog.NewTextHandler(&logs, nil))

	// Revokes oncall and adds "on call" and "b, c", names that a list
	// joined by spaces or commas would run together.
	next := strings.Replace(string(stationTokenFile("[EKM0412]")), "name: oncall,",
		`name: "on call",`, 1) + "  - {name: \"b, c\", operator: true, sha256: " + digestOf("b-token") + "}\n"
	if err := h.ReloadTokens([]byte(next)); err != nil {
		t.Fatalf("ReloadTokens: %v", err)
	}
	for _, want := range []string{
		`added="[\"b, c\",\"on call\"]"`,
		`revoked="[\"oncall\"]"`,
		`changed=[]`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %s:\n%s", want, logs.String())
		}
	}
}

func TestReloadLogsTokenNames(t *testing.T) {
	var logs bytes.Buffer
	h := tokenHub(t, slog.NewJSONHandler(&logs, nil))

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
