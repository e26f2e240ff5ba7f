package routestore

import (
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
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

// TestChangeRejectsAadhaarLikeNotes checks that a change whose by or
// comment contains the Aadhaar-valid number 491873625403 is invalid, so
// that no store saves it, with an error that writes the number masked.
func TestChangeRejectsAadhaarLikeNotes(t *testing.T) {
	for _, c := range []Change{
		{Document: []byte("routes: []\n"), By: "ops 4918 7362 5403"},
		{Document: []byte("routes: []\n"), By: "ops", Comment: "for 4918-7362-5403"},
		{Document: []byte("routes: []\n"), By: "ops", Comment: "for 491873625403"},
	} {
		err := c.validateFields()
		if !errors.Is(err, canonical.ErrAadhaarLike) {
			t.Errorf("by %q, comment %q: error %v, want it to match canonical.ErrAadhaarLike",
				c.By, c.Comment, err)
			continue
		}
		if !strings.Contains(err.Error(), "XXXXXXXX5403") || strings.Contains(err.Error(), "7362") {
			t.Errorf("by %q, comment %q: error %q, want the number masked", c.By, c.Comment, err)
		}
	}
}
