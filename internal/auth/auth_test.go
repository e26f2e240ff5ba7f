package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// policeAndOperator returns the tokens of a file whose entry cctns posts
// as police with the token police-secret, and whose entry ops is an
// operator with the token ops-secret.
func policeAndOperator(t *testing.T) *Tokens {
	t.Helper()
	doc := "tokens:\n" +
		"  - {name: cctns, agency: police, sha256: " + digest("police-secret") + "}\n" +
		"  - {name: ops, operator: true, sha256: " + digest("ops-secret") + "}\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

func TestIdentify(t *testing.T) {
	tokens := policeAndOperator(t)
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

func TestIdentifyRejectsTwoAuthorizationHeaders(t *testing.T) {
	tokens := policeAndOperator(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("Authorization", "Bearer police-secret")
	r.Header.Add("Authorization", "Bearer ops-secret")
	p, err := tokens.Identify(r)
	if !errors.Is(err, ErrManyAuthorization) {
		t.Errorf("two Authorization headers: error %v, want %v", err, ErrManyAuthorization)
	}
	if p.Name != "" {
		t.Errorf("two Authorization headers: principal %q, want none", p.Name)
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
	for _, want := range []string{`line 2: tokens[0] "a": sha256`, `tokens[1] "b": grants nothing`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestParseDigestErrorNamesLine(t *testing.T) {
	doc := "tokens:\n" +
		"  - name: a\n" +
		"    agency: police\n" +
		"    sha256: abc\n" +
		"    stations: [ekm0412]\n"
	_, err := Parse([]byte(doc))
	for _, want := range []string{`line 4: tokens[0] "a": sha256: want 64 hex digits`,
		`line 5: tokens[0] "a": stations`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
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
	want := `line 4: tokens[2] "cctns": sha256: same digest as tokens[0] "ops": each entry needs its own token`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// TestParseRejectsDuplicateName gives two holders' tokens names that
// print alike, which would let the audit trail name the wrong person:
// the same name, another case, another Unicode composition, a zero-width
// space, a trailing space, fullwidth letters or a folded case.
func TestParseRejectsDuplicateName(t *testing.T) {
	for _, second := range []string{"ops-alice", "OPS-Alice", "ops-al\u200bice", "ops-alice ",
		"\uff4f\uff50\uff53-alice", "\uff2f\uff30\uff33-ALICE"} {
		doc := "tokens:\n" +
			"  - {name: ops-alice, operator: true, sha256: " + digest("alice") + "}\n" +
			"  - {name: \"" + second + "\", operator: true, sha256: " + digest("bob") + "}\n"
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), "tokens[1]") {
			t.Errorf("second name %q: Parse error = %v, want one naming tokens[1]", second, err)
		}
	}
	doc := "tokens:\n" +
		"  - {name: \"jos\u00e9\", operator: true, sha256: " + digest("alice") + "}\n" +
		"  - {name: \"jose\u0301\", operator: true, sha256: " + digest("bob") + "}\n"
	_, err := Parse([]byte(doc))
	if want := `name: prints as tokens[0] "josé" does`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("composed and decomposed é: Parse error = %v, want one containing %q", err, want)
	}
}

func TestParseRejectsMixedScripts(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: ops-alice, operator: true, sha256: " + digest("alice") + "}\n" +
		"  - {name: \"ops-\u0430lice\", operator: true, sha256: " + digest("bob") + "}\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("ops-alice with a Cyrillic a: Parse accepted it")
	}
	if want := "tokens[1] \"ops-\u0430lice\": name: mixes Latin and Cyrillic letters"; !strings.Contains(err.Error(), want) {
		t.Errorf("Parse error = %v, want one containing %q", err, want)
	}
	if strings.Contains(err.Error(), "tokens[0]") {
		t.Errorf("Parse error = %v names the valid entry tokens[0]", err)
	}
}

func TestCheckNameOneScript(t *testing.T) {
	for _, name := range []string{"ops-alice", "\u0905\u0928\u093f\u0932-2", "jose\u0301",
		"\uff4f\uff50\uff53-alice", "\u0c30\u0c35\u0c3f-2", "ops_1",
		// Latin with one Indian script, and a Japanese name.
		"ops-\u0905\u0928\u093f\u0932", "ekm0412-\u0d30\u0d3e\u0d1c\u0d41",
		"ops-\u5c71\u7530\u3055\u3093"} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"ops-\u0430lice", "\u03bfps-alice",
		// Two Indian scripts, and Latin with two others.
		"\u0d30\u0d3e\u0d1c\u0d41-\u0905\u0928\u093f\u0932",
		"ops-\u0d30\u0d3e\u0d1c\u0d41-\u0905\u0928\u093f\u0932"} {
		if err := CheckName(name); err == nil || !strings.Contains(err.Error(), "mixes") {
			t.Errorf("CheckName(%q) = %v, want an error that it mixes scripts", name, err)
		}
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
	want := `line 4: tokens[2] "stray": agency: unknown agency "nosuch": known agencies are courts, police`
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
	want := `line 2: tokens[0] "idle": grants nothing: set agency, operator or metrics`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}
}

// identifyAs returns the principal of token in tokens.
func identifyAs(t *testing.T, tokens *Tokens, token string) Principal {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/inbound/police", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	p, err := tokens.Identify(r)
	if err != nil {
		t.Fatalf("Identify %s: %v", token, err)
	}
	return p
}

func TestParseStations(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: bureau, agency: police, sha256: " + digest("bureau") + "}\n" +
		"  - name: ekm\n" +
		"    agency: police\n" +
		"    stations: [EKM0412, EKM_0420-B, 0412]\n" +
		"    sha256: " + digest("ekm") + "\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse rejected a police entry with stations: %v", err)
	}
	bureau, ekm := identifyAs(t, tokens, "bureau"), identifyAs(t, tokens, "ekm")
	if len(bureau.Stations) != 0 {
		t.Errorf("entry without stations has Stations %q", bureau.Stations)
	}
	if want := []string{"EKM0412", "EKM_0420-B", "0412"}; !slices.Equal(ekm.Stations, want) {
		t.Errorf("Stations = %q, want %q", ekm.Stations, want)
	}
	for _, c := range []struct {
		principal Principal
		station   string
		want      bool
	}{
		{bureau, "EKM0412", true},
		{bureau, "TVM0101", true},
		{ekm, "EKM0412", true},
		{ekm, "EKM_0420-B", true},
		{ekm, "ekm_0420-b", false},
		{ekm, "EKM0420", false},
		{ekm, "ekm0412", false},
		{ekm, "", false},
	} {
		if got := c.principal.MayPostForStation(c.station); got != c.want {
			t.Errorf("%s: MayPostForStation(%q) = %v, want %v", c.principal.Name, c.station, got, c.want)
		}
	}
}

func TestParsePrisons(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: headquarters, agency: prisons, sha256: " + digest("hq") + "}\n" +
		"  - {name: sub-jail, agency: prisons, prisons: [KLSJEKM], sha256: " + digest("sj") + "}\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse rejected a prisons entry with prisons: %v", err)
	}
	hq, subJail := identifyAs(t, tokens, "hq"), identifyAs(t, tokens, "sj")
	if want := []string{"KLSJEKM"}; !slices.Equal(subJail.Prisons, want) {
		t.Errorf("Prisons = %q, want %q", subJail.Prisons, want)
	}
	for _, c := range []struct {
		principal Principal
		prison    string
		want      bool
	}{
		{hq, "KLCJVIY", true},
		{subJail, "KLSJEKM", true},
		{subJail, "klsjekm", false},
		{subJail, "KLCJVIY", false},
		{subJail, "", false},
	} {
		if got := c.principal.MayPostForPrison(c.prison); got != c.want {
			t.Errorf("%s: MayPostForPrison(%q) = %v, want %v", c.principal.Name, c.prison, got, c.want)
		}
	}
}

func TestParseRejectsBadCodes(t *testing.T) {
	if !canonical.AadhaarLike(aadhaarLike) || canonical.AadhaarLike(notAadhaar) {
		t.Fatalf("the test numbers are wrong: AadhaarLike(%s) = %v, AadhaarLike(%s) = %v",
			aadhaarLike, canonical.AadhaarLike(aadhaarLike), notAadhaar, canonical.AadhaarLike(notAadhaar))
	}
	cases := []struct {
		name  string
		entry string
		want  string
	}{
		{"empty list", "agency: police\n    stations: []",
			`line 5: tokens[1] "e": stations: empty list: list at least one station code`},
		{"no value", "agency: police\n    stations:",
			`line 5: tokens[1] "e": stations: missing value: list at least one station code`},
		{"code with a space", "agency: police\n    stations: [EKM0412, \"EKM 0420\"]",
			`line 5: tokens[1] "e": stations: invalid station code "EKM 0420": want 1 to 32 capital letters`},
		{"lower-case code", "agency: police\n    stations: [ekm0420]",
			`line 5: tokens[1] "e": stations: invalid station code "ekm0420": want 1 to 32 capital letters`},
		{"code too long", "agency: police\n    stations: [" + strings.Repeat("A", 33) + "]",
			`line 5: tokens[1] "e": stations: invalid station code "` + strings.Repeat("A", 33) + `"`},
		{"empty code", "agency: police\n    stations: [\"\"]",
			`line 5: tokens[1] "e": stations: invalid station code ""`},
		{"item without a value", "agency: police\n    stations:\n      - EKM0412\n      -",
			`line 7: tokens[1] "e": stations: invalid station code ""`},
		{"list in the list", "agency: police\n    stations:\n      - EKM0412\n      - [EKM0420]",
			`line 7: tokens[1] "e": stations: want a station code, such as EKM0412`},
		{"duplicate", "agency: police\n    stations:\n      - EKM0412\n      - EKM0420\n      - EKM0412",
			`line 8: tokens[1] "e": stations: EKM0412 is listed twice`},
		{"one code, not a list", "agency: police\n    stations: EKM0412",
			`line 5: tokens[1] "e": stations: want a list of station codes`},
		{"courts", "agency: courts\n    stations: [EKM0412]",
			`line 5: tokens[1] "e": stations: only an entry of agency police may list stations, ` +
				`and this one has agency "courts"`},
		{"operator", "operator: true\n    stations: [EKM0412]",
			`line 5: tokens[1] "e": stations: only an entry of agency police may list stations, ` +
				`and this one has no agency`},
		{"metrics", "metrics: true\n    stations: [EKM0412]",
			`line 5: tokens[1] "e": stations: only an entry of agency police may list stations`},
		{"courts, empty list", "agency: courts\n    courts: []",
			`line 5: tokens[1] "e": courts: empty list: list at least one court code, ` +
				`or remove courts to let the token post for every court`},
		{"courts, no value", "agency: courts\n    courts:",
			`line 5: tokens[1] "e": courts: missing value: list at least one court code`},
		{"courts, lower-case code", "agency: courts\n    courts: [kler01]",
			`line 5: tokens[1] "e": courts: invalid court code "kler01": want 1 to 64 capital letters or digits`},
		{"courts, code with a hyphen", "agency: courts\n    courts: [KLER-01]",
			`line 5: tokens[1] "e": courts: invalid court code "KLER-01"`},
		{"courts, duplicate", "agency: courts\n    courts: [KLER01, KLER01]",
			`line 5: tokens[1] "e": courts: KLER01 is listed twice: list each court once`},
		{"courts, one code, not a list", "agency: courts\n    courts: KLER01",
			`line 5: tokens[1] "e": courts: want a list of court codes, such as [KLER01]`},
		{"courts, police", "agency: police\n    courts: [KLER01]",
			`line 5: tokens[1] "e": courts: only an entry of agency courts may list courts, ` +
				`and this one has agency "police": remove courts or give it agency: courts`},
		{"prisons, code with a slash", "agency: prisons\n    prisons: [KL/SJ]",
			`line 5: tokens[1] "e": prisons: invalid prison code "KL/SJ": want 1 to 64 characters without a slash`},
		{"prisons, lower-case code", "agency: prisons\n    prisons: [cjkkd01]",
			`line 5: tokens[1] "e": prisons: invalid prison code "cjkkd01": want upper case, such as CJKKD01`},
		{"prisons, code with one lower-case letter", "agency: prisons\n    prisons: [KLSJEKm]",
			`line 5: tokens[1] "e": prisons: invalid prison code "KLSJEKm": want upper case, such as KLSJEKM`},
		{"prisons, courts", "agency: courts\n    prisons: [KLSJEKM]",
			`line 5: tokens[1] "e": prisons: only an entry of agency prisons may list prisons`},
		{"courts, operator", "operator: true\n    courts: [KLER01]",
			`line 5: tokens[1] "e": courts: only an entry of agency courts may list courts, ` +
				`and this one has no agency`},
		{"Aadhaar-like station", "agency: police\n    stations: [EKM0412, EKM" + aadhaarLike + "]",
			`line 5: tokens[1] "e": stations: invalid station code: it contains XXXXXXXX5403, ` +
				`which looks like an Aadhaar number`},
		{"Aadhaar-like station in groups", "agency: police\n    stations: [EKM-4918-7362-5403]",
			`line 5: tokens[1] "e": stations: invalid station code: it contains XXXXXXXX5403`},
		{"Aadhaar-like court", "agency: courts\n    courts: [KL" + aadhaarLike + "]",
			`line 5: tokens[1] "e": courts: invalid court code: it contains XXXXXXXX5403`},
		{"Aadhaar-like prison", "agency: prisons\n    prisons:\n      - KLSJEKM\n      - KL-" + aadhaarLike,
			`line 7: tokens[1] "e": prisons: invalid prison code: it contains XXXXXXXX5403`},
		{"Aadhaar-like lower-case prison", "agency: prisons\n    prisons: [kl-" + aadhaarLike + "]",
			`line 5: tokens[1] "e": prisons: invalid prison code: it contains XXXXXXXX5403`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := "tokens:\n" +
				"  - {name: ops, operator: true, sha256: " + digest("ops") + "}\n" +
				"  - name: e\n" +
				"    " + c.entry + "\n" +
				"    sha256: " + digest("e") + "\n"
			_, err := Parse([]byte(doc))
			if err == nil {
				t.Fatal("Parse accepted the entry")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
			if strings.Contains(err.Error(), "tokens[0]") {
				t.Errorf("error %q names the valid operator entry", err)
			}
			if strings.Contains(err.Error(), aadhaarLike[4:8]) {
				t.Errorf("error %q shows the Aadhaar-like number in clear", err)
			}
		})
	}
}

func TestParseCourts(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: ecourts, agency: courts, sha256: " + digest("ecourts") + "}\n" +
		"  - name: ernakulam\n" +
		"    agency: courts\n" +
		"    courts: [KLER01, KLER02]\n" +
		"    sha256: " + digest("ernakulam") + "\n"
	tokens, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse rejected a courts entry with courts: %v", err)
	}
	gateway, ernakulam := identifyAs(t, tokens, "ecourts"), identifyAs(t, tokens, "ernakulam")
	if len(gateway.Courts) != 0 || len(gateway.Stations) != 0 {
		t.Errorf("entry without courts has Courts %q, Stations %q", gateway.Courts, gateway.Stations)
	}
	if want := []string{"KLER01", "KLER02"}; !slices.Equal(ernakulam.Courts, want) {
		t.Errorf("Courts = %q, want %q", ernakulam.Courts, want)
	}
	for _, c := range []struct {
		principal Principal
		court     string
		want      bool
	}{
		{gateway, "KLER01", true},
		{gateway, "DLND01", true},
		{ernakulam, "KLER01", true},
		{ernakulam, "kler02", true},
		{ernakulam, "KLER03", false},
		{ernakulam, "KLER0", false},
		{ernakulam, "\u212aLER01", false},
		{ernakulam, "", false},
	} {
		if got := c.principal.MayPostForCourt(c.court); got != c.want {
			t.Errorf("%s: MayPostForCourt(%q) = %v, want %v", c.principal.Name, c.court, got, c.want)
		}
	}
}

func TestParseUnknownFieldListsStations(t *testing.T) {
	doc := "tokens:\n  - {name: a, agency: police, station: [EKM0412], sha256: " + digest("x") + "}\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted an unknown field")
	}
	want := `line 2: unknown field "station" in a token entry, which has name, sha256, agency, ` +
		`stations, courts, prisons, operator and metrics`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// TestCodesMatchSchemas keeps the token file's station and prison codes
// in the format of the codes in the police and prisons documents.
func TestCodesMatchSchemas(t *testing.T) {
	for schema, pattern := range map[string]string{
		"police/common.json":  stationCode.String(),
		"prisons/common.json": canonical.PrisonCodePattern,
	} {
		src, err := schemas.Source(schema)
		if err != nil {
			t.Fatal(err)
		}
		var common struct {
			Defs struct {
				Code struct {
					Pattern string `json:"pattern"`
				} `json:"code"`
			} `json:"$defs"`
		}
		if err := json.Unmarshal(src, &common); err != nil {
			t.Fatal(err)
		}
		if common.Defs.Code.Pattern == "" {
			t.Fatalf("%s has no $defs/code/pattern", schema)
		}
		if pattern != common.Defs.Code.Pattern {
			t.Errorf("token file's code pattern %q, %s has %q", pattern, schema, common.Defs.Code.Pattern)
		}
	}
}

func TestParseRejectsBadNamesAndSecondDocument(t *testing.T) {
	for name, doc := range map[string]string{
		"control character": "tokens:\n  - {name: \"a\\u0085b\", operator: true, sha256: " + digest("a") + "}\n",
		"reordering character": "tokens:\n  - {name: \"a\\u202eb\", operator: true, sha256: " +
			digest("a") + "}\n",
		"long name": "tokens:\n  - {name: " + strings.Repeat("n", MaxNameBytes+1) +
			", operator: true, sha256: " + digest("a") + "}\n",
		"second document": "tokens:\n  - {name: a, agency: police, sha256: " + digest("a") + "}\n" +
			"...\ntokens:\n  - {name: evil, operator: true, sha256: " + digest("b") + "}\n",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse accepted the file", name)
		}
	}
}

func TestParseRejectsConfusableNames(t *testing.T) {
	for _, name := range []string{
		"\u043e\u0440\u0455-\u0430\u04cf\u0456\u0441\u0435", // all Cyrillic
		"ops-al\u0131ce", // dotless ı
		"ops-\u0251lice", // Latin alpha ɑ
		"ops\u2010alice", // hyphen U+2010
		"\u041e\u0420\u0405-\u0410\u04c0\u0406\u0421\u0415", // all Cyrillic capitals
	} {
		doc := "tokens:\n" +
			"  - {name: ops-alice, operator: true, sha256: " + digest("alice") + "}\n" +
			"  - {name: \"" + name + "\", operator: true, sha256: " + digest("bob") + "}\n"
		_, err := Parse([]byte(doc))
		want := `name: prints as tokens[0] "ops-alice" does`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q next to ops-alice: Parse error %v, want one containing %q", name, err, want)
		}
	}
}

func TestParseKeepsDistinctNames(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: ops-alice, operator: true, sha256: " + digest("alice") + "}\n" +
		"  - {name: ops-allce, operator: true, sha256: " + digest("bob") + "}\n" +
		"  - {name: ops-alise, operator: true, sha256: " + digest("carol") + "}\n"
	if _, err := Parse([]byte(doc)); err != nil {
		t.Errorf("Parse error %v, want none", err)
	}
}

func TestCheckNameNamesBothIndianScripts(t *testing.T) {
	err := CheckName("ekm-\u0d30\u0d3e\u0d1c\u0d41-\u0930\u093e\u091c\u0942")
	const want = "mixes Malayalam and Devanagari letters"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("CheckName error %v, want one containing %q", err, want)
	}
}

// aadhaarLike is a number with a valid Aadhaar check digit, and
// notAadhaar the same number with its last digit changed.
const (
	aadhaarLike = "491873625403"
	notAadhaar  = "491873625404"
)

func TestParseKeepsCodesFailingCheckDigit(t *testing.T) {
	doc := "tokens:\n" +
		"  - {name: e, agency: police, stations: [EKM" + notAadhaar + "], sha256: " + digest("e") + "}\n"
	if _, err := Parse([]byte(doc)); err != nil {
		t.Errorf("Parse rejected a code whose 12 digits fail the check digit: %v", err)
	}
}

func TestCheckCodesAgreeWithCanonical(t *testing.T) {
	checks := map[string]func(string) error{
		"station": CheckStationCode, "court": CheckCourtCode, "prison": CheckPrisonCode,
	}
	for _, code := range []string{"KL" + aadhaarLike, "KL" + notAadhaar, "KL4918X7362X5403"} {
		hubRejects := canonical.CheckCode("code", code) != nil
		for noun, check := range checks {
			err := check(code)
			rejected := err != nil && strings.Contains(err.Error(), "Aadhaar")
			if rejected != hubRejects {
				t.Errorf("%s code %s: rejected as Aadhaar-like %v, the hub rejects it: %v (error %v)",
					noun, code, rejected, hubRejects, err)
			}
		}
	}
}

// TestParseReportsEveryProblem parses token files whose entries break
// several rules, and checks that each problem is reported with its line.
func TestParseReportsEveryProblem(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		want []string
	}{
		{"duplicate name",
			"tokens:\n" +
				"  - {name: a, operator: true, sha256: " + digest("a") + "}\n" +
				"  - {name: A, operator: true, sha256: " + digest("b") + "}\n",
			[]string{`line 3: tokens[1] "A": name: prints as tokens[0] "a" does`}},
		{"bad digest and unknown agency",
			"tokens:\n" +
				"  - name: x\n" +
				"    agency: nope\n" +
				"    sha256: zz\n",
			[]string{`line 4: tokens[0] "x": sha256: want 64 hex digits`,
				`line 3: tokens[0] "x": agency: unknown agency "nope"`}},
		{"bad name and bad digest",
			"tokens:\n" +
				"  - {name: \"a\\u0007\", operator: true, sha256: zz}\n",
			[]string{`line 2: tokens[0] "a\a": name: `, `line 2: tokens[0] "a\a": sha256: want 64 hex digits`}},
		{"missing name and grants nothing",
			"tokens:\n" +
				"  - sha256: " + digest("c") + "\n",
			[]string{`line 2: tokens[0]: name: missing`, `line 2: tokens[0]: grants nothing`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tokens, err := Parse([]byte(c.doc))
			if tokens == nil {
				t.Fatalf("Parse returned no tokens with error %v", err)
			}
			err = errors.Join(err, tokens.CheckAgencies([]string{"courts", "police"}))
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// aadhaarNameSpellings are token names that contain the Aadhaar-valid
// number 491873625403 in the spellings that canonical.CheckOperatorText
// reports: grouped by spaces or hyphens, and unbroken.
var aadhaarNameSpellings = []string{
	"ops 4918 7362 5403",
	"ops-4918-7362-5403",
	"ops_491873625403",
	"4918 7362 5403",
}

func TestParseRejectsAadhaarLikeNames(t *testing.T) {
	for _, name := range aadhaarNameSpellings {
		t.Run(name, func(t *testing.T) {
			doc := "tokens:\n" +
				"  - {name: ops, operator: true, sha256: " + digest("ops") + "}\n" +
				"  - name: \"" + name + "\"\n" +
				"    operator: true\n" +
				"    sha256: " + digest("e") + "\n"
			_, err := Parse([]byte(doc))
			if err == nil {
				t.Fatal("Parse accepted the name")
			}
			want := "line 3: tokens[1]: name: it contains XXXXXXXX5403, which looks like an Aadhaar number"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
			if !errors.Is(err, canonical.ErrAadhaarLike) {
				t.Errorf("error %q does not match canonical.ErrAadhaarLike", err)
			}
			if strings.Contains(err.Error(), "7362") {
				t.Errorf("error %q shows the number in clear", err)
			}
		})
	}
}

// TestParseHidesAadhaarLikeNameInOtherErrors checks that the errors
// about other fields of an entry with such a name leave the name out.
func TestParseHidesAadhaarLikeNameInOtherErrors(t *testing.T) {
	doc := "tokens:\n" +
		"  - name: ops 4918 7362 5403\n" +
		"    operator: true\n" +
		"    stations: [EKM0412]\n" +
		"    sha256: nothex\n"
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted the entry")
	}
	for _, want := range []string{"line 5: tokens[0]: sha256: ", "line 4: tokens[0]: stations: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "7362") {
		t.Errorf("error %q shows the number in clear", err)
	}
}

func TestCheckNameKeepsOtherNumbers(t *testing.T) {
	// 491873625404 fails the check digit, and a 16-digit run is no
	// Aadhaar number.
	for _, name := range []string{"ops 4918 7362 5404", "desk-2025", "ops 4918736254031234"} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", name, err)
		}
	}
}
