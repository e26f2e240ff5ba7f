package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeRejectsControlCharacter(t *testing.T) {
	path := writeSample(t, "chargesheet-2023-ipc")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte(`"brief_facts": "`), []byte(`"brief_facts": "\u0001`), 1)
	path = filepath.Join(t.TempDir(), "control.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "decode", "--agency", "police", path)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d: %s", code, exitInvalid, errOut)
	}
	if out != "" {
		t.Errorf("printed output for invalid input: %s", out)
	}
	if !strings.Contains(errOut, "/brief_facts") || !strings.Contains(errOut, "control-character") {
		t.Errorf("stderr does not name /brief_facts and rule control-character:\n%s", errOut)
	}
}
