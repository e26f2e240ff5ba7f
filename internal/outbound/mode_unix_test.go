//go:build unix

package outbound_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/outbound"
)

// warnings returns the Warn lines of logs, a JSON log, decoded.
func warnings(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(logs.String(), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("decoding %q: %v", line, err)
		}
		if m["level"] == "WARN" {
			lines = append(lines, m)
		}
	}
	return lines
}

func TestBuildWarnsOfOpenSecretFiles(t *testing.T) {
	dir := t.TempDir()
	token := writeFile(t, dir, "token", "s3cret-token\n")
	password := writeFile(t, dir, "password", "s3cret-password\n")
	private := writeFile(t, dir, "private", "s3cret-private\n")
	for path, mode := range map[string]os.FileMode{token: 0o640, password: 0o604, private: 0o600} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	_, err := outbound.Build(table(t,
		"    url: http://127.0.0.1:9/\n    bearer_token_file: "+token+"\n",
		"    url: http://127.0.0.1:9/\n    basic_auth: {username: hub, password_file: "+password+"}\n",
		"    url: http://127.0.0.1:9/\n    bearer_token_file: "+private+"\n",
	), nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}

	warned := map[string]map[string]any{}
	for _, m := range warnings(t, &logs) {
		warned[m["file"].(string)] = m
	}
	if len(warned) != 2 {
		t.Errorf("%d files warned of, want 2: %s", len(warned), logs.String())
	}
	for path, want := range map[string][]string{
		token:    {"d1", "bearer_token_file", "0640"},
		password: {"d2", "basic_auth.password_file", "0604"},
	} {
		m, ok := warned[path]
		if !ok {
			t.Errorf("no warning for %s", path)
			continue
		}
		if m["destination"] != want[0] || m["field"] != want[1] || m["mode"] != want[2] {
			t.Errorf("warning %v, want destination %s, field %s, mode %s", m, want[0], want[1], want[2])
		}
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("the log contains a secret: %s", logs.String())
	}
}

func TestOpenSecretWarnedOncePerMode(t *testing.T) {
	token := writeFile(t, t.TempDir(), "token", "s3cret-token\n")
	tbl := table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+token+"\n")
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	for i, step := range []struct {
		mode     os.FileMode
		warnings []string
	}{
		{0o640, []string{"0640"}},
		{0o640, nil},
		{0o644, []string{"0644"}},
		{0o644, nil},
		{0o600, nil},
		{0o640, []string{"0640"}},
	} {
		if err := os.Chmod(token, step.mode); err != nil {
			t.Fatal(err)
		}
		// Check, which the admin API runs on a routes change before the
		// hub builds it, logs nothing, so it must not count as a warning.
		if err := outbound.Check(tbl.Config(), nil); err != nil {
			t.Fatalf("Check %d: %v", i+1, err)
		}
		logs.Reset()
		if _, err := outbound.Build(tbl, nil, log); err != nil {
			t.Fatalf("Build %d: %v", i+1, err)
		}
		var modes []string
		for _, m := range warnings(t, &logs) {
			if m["file"] == token {
				modes = append(modes, m["mode"].(string))
			}
		}
		if !slices.Equal(modes, step.warnings) {
			t.Errorf("build %d with mode %#o warned of modes %v, want %v", i+1, step.mode, modes, step.warnings)
		}
	}
}
