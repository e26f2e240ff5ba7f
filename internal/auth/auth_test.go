package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func TestIdentify(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: cctns, agency: police, sha256: " + digest("police-secret") + "}\n" +
		"  - {name: ops, operator: true, sha256: " + digest("ops-secret") + "}\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		header string
		want   string
		err    error
	}{
		{"Bearer police-secret", "cctns", nil},
		{"Bearer ops-secret", "ops", nil},
		{"bearer ops-secret", "ops", nil},
		{"Bearer nope", "", ErrUnknownToken},
		{"", "", ErrNoToken},
		{"Basic cG9saWNl", "", ErrNoToken},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		if c.header != "" {
			r.Header.Set("Authorization", c.header)
		}
		p, err := tokens.Identify(r)
		if !errors.Is(err, c.err) {
			t.Errorf("%q: error %v, want %v", c.header, err, c.err)
		}
		if p.Name != c.want {
			t.Errorf("%q: principal %q, want %q", c.header, p.Name, c.want)
		}
	}
}

func TestParseErrorsNameEntry(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: a, agency: police, sha256: abc}\n" +
		"  - {name: b, sha256: " + digest("x") + "}\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted a short digest and a token that grants nothing")
	}
	for _, want := range []string{`tokens[0] "a": sha256`, `tokens[1] "b": grants nothing`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestNewTokenMatchesDigest(t *testing.T) {
	token, d, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 64 || digest(token) != d {
		t.Errorf("token %q digest %q do not match", token, d)
	}
}

func TestParseRejectsDuplicateDigest(t *testing.T) {
	// Upper-case hex is the same digest as lower-case.
	doc := "tokens:\n" +
		"  - {name: ops, operator: true, sha256: " + digest("shared") + "}\n" +
		"  - {name: other, agency: courts, sha256: " + digest("other") + "}\n" +
		"  - {name: cctns, agency: police, sha256: " + strings.ToUpper(digest("shared")) + "}\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted two entries with one digest")
	}
	want := `tokens[2] "cctns": sha256: same digest as tokens[0] "ops": each entry needs its own token`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

func TestCheckAgencies(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: cctns, agency: police, sha256: " + digest("a") + "}\n" +
		"  - {name: ops, operator: true, sha256: " + digest("b") + "}\n" +
		"  - {name: stray, agency: nosuch, sha256: " + digest("c") + "}\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = tokens.CheckAgencies([]string{"courts", "police"})
	want := `tokens[2] "stray": unknown agency "nosuch": known agencies are courts, police`
	if err == nil || err.Error() != want {
		t.Errorf("CheckAgencies error = %v, want %q", err, want)
	}
	if err := tokens.CheckAgencies([]string{"nosuch", "police"}); err != nil {
		t.Errorf("CheckAgencies with every agency known: %v", err)
	}
}
