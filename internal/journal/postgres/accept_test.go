package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHasNULEscape(t *testing.T) {
	tests := []struct {
		json string
		want bool
	}{
		{`{"a":"x\u0000y"}`, true},
		{`{"a":"\u0000"}`, true},
		{`{"a":"x\\u0000y"}`, false},
		{`{"a":"x\\\u0000"}`, true},
		{`{"a":"\u00001"}`, true},
		{`{"a":"\u0001"}`, false},
		{`{"a":"plain"}`, false},
		{`"\\"`, false},
	}
	for _, tc := range tests {
		if got := hasNULEscape([]byte(tc.json)); got != tc.want {
			t.Errorf("hasNULEscape(%s) = %v, want %v", tc.json, got, tc.want)
		}
	}
}

func TestAcceptRejectsNULCharacter(t *testing.T) {
	store := openFreshStore(t)

	e := journal.Entry{Message: canonical.Message{
		ID: "m-nul", Type: canonical.TypeFIR, Source: "kerala-police",
		SenderMessageID: "fir-nul", OccurredAt: time.Now(),
		FIR: &canonical.FIR{FirstInformation: "before\x00after"},
	}}
	_, err := store.Accept(context.Background(), e)
	if !errors.Is(err, journal.ErrInvalid) {
		t.Fatalf("Accept with a NUL character: error = %v, want ErrInvalid", err)
	}
	if _, err := store.Journey(context.Background(), "m-nul"); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Journey after the rejected Accept: error = %v, want ErrNotFound", err)
	}
}
