package registry

import (
	"slices"
	"testing"
)

func TestDefaultListsEveryAgency(t *testing.T) {
	set, err := Default(Options{AadhaarKey: []byte("registry test key of 32 bytes...")})
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	want := []string{"courts", "passport", "police", "prisons"}
	if got := set.Agencies(); !slices.Equal(got, want) {
		t.Errorf("Agencies() = %v, want %v", got, want)
	}
	if _, err := Default(Options{}); err == nil {
		t.Error("Default accepted an empty Aadhaar key")
	}
}

func TestDefaultAgenciesMatchDefault(t *testing.T) {
	got, err := DefaultAgencies()
	if err != nil {
		t.Fatalf("DefaultAgencies: %v", err)
	}
	if want := []string{"courts", "passport", "police", "prisons"}; !slices.Equal(got, want) {
		t.Errorf("DefaultAgencies() = %v, want %v", got, want)
	}
}
