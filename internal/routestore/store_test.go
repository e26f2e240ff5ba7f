package routestore

import (
	"errors"
	"strings"
	"testing"
)

func TestConflictErrorMatches(t *testing.T) {
	var err error = &ConflictError{Expect: 3, Current: 5}
	if !errors.Is(err, ErrConflict) {
		t.Error("ConflictError does not match ErrConflict")
	}
	if errors.Is(err, ErrUnchanged) {
		t.Error("ConflictError matches ErrUnchanged")
	}
	for _, want := range []string{"based on version 3", "current version is 5"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestConflictErrorNamesMissingVersion(t *testing.T) {
	err := &ConflictError{Expect: 3, Current: 1}
	for _, want := range []string{"version 3, which does not exist", "current version is 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestWatcherConfigValidate(t *testing.T) {
	err := WatcherConfig{Interval: -1, Applied: -1}.Validate()
	if err == nil {
		t.Fatal("Validate accepted an empty config")
	}
	for _, want := range []string{"store: missing", "on_change: missing",
		"interval: -1ns is negative", "applied: -1 is negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
