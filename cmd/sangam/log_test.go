package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestNewLogMasksAadhaar(t *testing.T) {
	var logs bytes.Buffer
	log := newLog(&logs, slog.LevelInfo)
	log.Debug("left out")
	log.Info("request", "path", "/api/v1/messages/4918 7362 5403")

	want := `level=INFO msg=request path=/api/v1/messages/XXXXXXXX5403`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("log does not contain %s:\n%s", want, logs.String())
	}
	if strings.Contains(logs.String(), "left out") {
		t.Errorf("log has a Debug line at level Info:\n%s", logs.String())
	}
}
