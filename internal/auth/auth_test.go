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

func TestParseUnknownFieldNamesKey(t *testing.T) {
	doc := "tokens:\n  - {name: a, agenc: police, sha256: " + digest("x") + "}\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted an unknown field")
	}
	if !strings.Contains(err.Error(), `line 2: unknown field "agenc" in a token entry`) {
		t.Errorf("error %q does not name the line and the unknown field", err)
	}
	if strings.Contains(err.Error(), "auth.Principal") {
		t.Errorf("error %q names a Go type", err)
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

func TestParseMetricsEntry(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: ops, operator: true, sha256: " + digest("ops-secret") + "}\n" +
		"  - {name: prometheus, metrics: true, sha256: " + digest("scrape-secret") + "}\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse rejected a metrics entry: %v", err)
	}
	r := httptest.NewRequest("GET", "/metrics", nil)
	r.Header.Set("Authorization", "Bearer scrape-secret")
	p, err := tokens.Identify(r)
	if err != nil {
		t.Fatalf("Identify with the metrics token: %v", err)
	}
	if p.Name != "prometheus" {
		t.Errorf("principal %q, want prometheus", p.Name)
	}
	if !p.Metrics {
		t.Error("the metrics entry's principal has Metrics false")
	}
	if !p.MetricsOnly() {
		t.Error("the metrics entry's principal is not MetricsOnly")
	}
	if !p.MayReadMetrics() {
		t.Error("the metrics entry's principal may not read metrics")
	}
	if p.Operator || p.Agency != "" {
		t.Errorf("the metrics entry's principal has operator %v, agency %q", p.Operator, p.Agency)
	}
}

func TestPrincipalMayReadMetrics(t *testing.T) {
	cases := []struct {
		principal   Principal
		mayRead     bool
		metricsOnly bool
	}{
		{Principal{Name: "ops", Operator: true}, true, false},
		{Principal{Name: "prometheus", Metrics: true}, true, true},
		{Principal{Name: "cctns", Agency: "police"}, false, false},
	}
	for _, c := range cases {
		if got := c.principal.MayReadMetrics(); got != c.mayRead {
			t.Errorf("%s: MayReadMetrics = %v, want %v", c.principal.Name, got, c.mayRead)
		}
		if got := c.principal.MetricsOnly(); got != c.metricsOnly {
			t.Errorf("%s: MetricsOnly = %v, want %v", c.principal.Name, got, c.metricsOnly)
		}
	}
}

func TestParseRejectsMetricsWithOtherGrant(t *testing.T) {
	cases := []struct {
		name  string
		entry string
	}{
		{"with operator", "{name: both, metrics: true, operator: true, sha256: " + digest("a") + "}"},
		{"with agency", "{name: both, metrics: true, agency: police, sha256: " + digest("a") + "}"},
		{"with agency and operator",
			"{name: both, metrics: true, agency: police, operator: true, sha256: " + digest("a") + "}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "tokens:\n" +
				"  - {name: ops, operator: true, sha256: " + digest("ops") + "}\n" +
				"  - " + c.entry + "\n"
			_, err := Parse([]byte(doc))
			if err == nil {
				t.Fatal("Parse accepted a metrics entry that grants more")
			}
			want := `tokens[1] "both": metrics: true may not be combined with agency or operator`
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
			if strings.Contains(err.Error(), "tokens[0]") {
				t.Errorf("error %q names the valid operator entry", err)
			}
		})
	}
}

func TestParseGrantsNothingNamesMetrics(t *testing.T) {
	doc := "tokens:\n  - {name: idle, metrics: false, sha256: " + digest("x") + "}\n"
	_, err := Parse([]byte(doc))
	want := `tokens[0] "idle": grants nothing: set agency, operator or metrics`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}
}
