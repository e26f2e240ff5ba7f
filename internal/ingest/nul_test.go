package ingest

import "testing"

func TestNULEscape(t *testing.T) {
	cases := map[string]int{
		`{"a":"x"}`:         -1,
		`{"a":"x\u0000"}`:   7,
		`{"a":"x\\u0000"}`:  -1, // an escaped backslash, then text
		`{"a":"x\\\u0000"}`: 9,
		"{\"a\":\"x\x00\"}": 7,
		`{"a":"\u00001"}`:   6,
		`{"a":"\u0001"}`:    -1,
	}
	for body, want := range cases {
		if got := nulEscape([]byte(body)); got != want {
			t.Errorf("nulEscape(%q) = %d, want %d", body, got, want)
		}
	}
}
