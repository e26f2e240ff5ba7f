package ingest

import (
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestContentHashIgnoresTokens(t *testing.T) {
	message := func(token, born string) *canonical.Message {
		return &canonical.Message{Type: canonical.TypeArrest, SenderMessageID: "ARR-1",
			Arrest: &canonical.Arrest{Person: canonical.Person{DateOfBirth: born,
				Identifiers: []canonical.Identifier{{Type: canonical.IDAadhaar,
					Value: "XXXX-XXXX-1234", Token: token}}}}}
	}
	hash := func(m *canonical.Message) string {
		h, err := contentHash(m)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	base := hash(message("tok-made-with-key-a", "1990-01-01"))
	if other := hash(message("tok-made-with-key-b", "1990-01-01")); other != base {
		t.Errorf("hashes differ by the token alone: %s and %s", base, other)
	}
	if renamed := hash(message("tok-made-with-key-a", "1990-01-02")); renamed == base {
		t.Errorf("a changed date of birth kept the hash %s", base)
	}
}

func TestWithoutTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{`{"token":"abc","b":"x"}`, `{"token":"","b":"x"}`},
		{`[{"token":"a1"},{"token":"b2"}]`, `[{"token":""},{"token":""}]`},
		{`{"note":"a \"token\":\"x\" in text"}`, `{"note":"a \"token\":\"x\" in text"}`},
	}
	for _, tc := range tests {
		if got := string(withoutTokens([]byte(tc.in))); got != tc.want {
			t.Errorf("withoutTokens(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
