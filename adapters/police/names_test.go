package police_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNamesNormalizedToNFC(t *testing.T) {
	// "കൊച്ചുമോൻ" with its vowel signs ൊ and ോ written decomposed.
	decomposed := "\u0D15\u0D46\u0D3E\u0D1A\u0D4D\u0D1A\u0D41\u0D2E\u0D47\u0D3E\u0D7B"
	composed := "\u0D15\u0D4A\u0D1A\u0D4D\u0D1A\u0D41\u0D2E\u0D4B\u0D7B"
	if norm.NFC.String(decomposed) != composed {
		t.Fatal("test data: the two spellings are not canonically equivalent")
	}
	hindi := "मनोज कुमार शर्मा"

	body := editDocument(t, "arrest", []edit{
		{"/accused/names/0/full", "  " + decomposed + "  "},
		{"/accused/names/0/script", deleteValue},
		{"/accused/aliases", []any{map[string]any{"full": hindi}}},
		{"/accused/relatives/0/name", "രാഘവൻ\u00A0 കെ."},
	})
	p := decodeOne(t, newAdapter(t), body).Arrest.Person

	if got := p.Names[0].Full; got != composed {
		t.Errorf("Malayalam name = %+q, want NFC %+q", got, composed)
	}
	if got := p.Names[0].Script; got != "Mlym" {
		t.Errorf("Malayalam name script = %q, want Mlym", got)
	}
	if got := p.Aliases[0].Full; got != hindi {
		t.Errorf("Devanagari alias = %q, want %q", got, hindi)
	}
	if got := p.Aliases[0].Script; got != "Deva" {
		t.Errorf("Devanagari alias script = %q, want Deva", got)
	}
	if got := p.Names[1].Full; got != "Shibu K. R." {
		t.Errorf("English name = %q, want Shibu K. R.", got)
	}
	if got := p.Relatives[0].Name; got != "രാഘവൻ കെ." {
		t.Errorf("relative's name = %q, want white space collapsed", got)
	}
}
