package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/auth"
)

func TestTokenMetricsEntry(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--metrics", "--name", "prometheus")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "  - {name: \"prometheus\", metrics: true, sha256: ") {
		t.Errorf("output lacks the metrics entry:\n%s", out)
	}
	tokens, err := auth.Parse([]byte(out))
	if err != nil {
		t.Fatalf("the printed lines are not a token file: %v\n%s", err, out)
	}
	token := strings.TrimPrefix(strings.Split(out, "\n")[1], "# ")
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	p, err := tokens.Identify(req)
	if err != nil {
		t.Fatalf("the printed token is not identified: %v", err)
	}
	if p.Name != "prometheus" {
		t.Errorf("principal %q, want prometheus", p.Name)
	}
	if !p.MetricsOnly() {
		t.Errorf("principal %+v may do more than read metrics", p)
	}
}

func TestTokenMetricsWithOtherGrantRejected(t *testing.T) {
	for _, args := range [][]string{
		{"--metrics", "--operator"},
		{"--metrics", "--agency", "police"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			all := append([]string{"token", "--name", "both"}, args...)
			code, out, errOut := runCLI(t, all...)
			if code != exitSetup {
				t.Errorf("exit %d, want %d", code, exitSetup)
			}
			if out != "" {
				t.Errorf("printed a token:\n%s", out)
			}
			want := "--metrics may not be combined with --agency or --operator"
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
		})
	}
}

func TestTokenHelpNamesMetrics(t *testing.T) {
	code, _, errOut := runCLI(t, "token", "-h")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"sangam token --name NAME --metrics", "-metrics"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("help lacks %q:\n%s", want, errOut)
		}
	}
}

// printedPrincipal runs sangam token with args, checks that its output
// contains entry, and returns the principal that the printed token file
// gives the printed token.
func printedPrincipal(t *testing.T, entry string, args ...string) auth.Principal {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"token"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, entry) {
		t.Errorf("output lacks %q:\n%s", entry, out)
	}
	tokens, err := auth.Parse([]byte(out))
	if err != nil {
		t.Fatalf("the printed lines are not a token file: %v\n%s", err, out)
	}
	token := strings.TrimPrefix(strings.Split(out, "\n")[1], "# ")
	req := httptest.NewRequest("POST", "/api/v1/inbound/police", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	p, err := tokens.Identify(req)
	if err != nil {
		t.Fatalf("the printed token is not identified: %v", err)
	}
	return p
}

func TestTokenStationsEntry(t *testing.T) {
	p := printedPrincipal(t, "  - {name: \"station-ekm\", agency: police, stations: [\"EKM0412\", \"EKM0420\"], sha256: ",
		"--name", "station-ekm", "--agency", "police", "--stations", "EKM0412, EKM0420")
	if !slices.Equal(p.Stations, []string{"EKM0412", "EKM0420"}) {
		t.Errorf("principal's stations %q, want EKM0412 and EKM0420", p.Stations)
	}
}

func TestTokenCourtsEntry(t *testing.T) {
	p := printedPrincipal(t, "  - {name: \"court-ekm\", agency: courts, courts: [\"KLER01\", \"KLER10\"], sha256: ",
		"--name", "court-ekm", "--agency", "courts", "--courts", "KLER01, KLER10")
	if !slices.Equal(p.Courts, []string{"KLER01", "KLER10"}) {
		t.Errorf("principal's courts %q, want KLER01 and KLER10", p.Courts)
	}
}

func TestTokenPrisonsEntry(t *testing.T) {
	p := printedPrincipal(t, "  - {name: \"sub-jail\", agency: prisons, prisons: [\"KLSJEKM\"], sha256: ",
		"--name", "sub-jail", "--agency", "prisons", "--prisons", "KLSJEKM")
	if !slices.Equal(p.Prisons, []string{"KLSJEKM"}) {
		t.Errorf("principal's prisons %q, want KLSJEKM", p.Prisons)
	}
}

func TestTokenCodesRejected(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--agency", "courts", "--stations", "EKM0412"}, "--stations needs --agency police"},
		{[]string{"--operator", "--stations", "EKM0412"}, "--stations needs --agency police"},
		{[]string{"--agency", "police", "--stations", "EKM 0412"},
			`--stations: invalid station code "EKM 0412"`},
		{[]string{"--agency", "police", "--stations", "EKM0412,"}, `--stations: invalid station code ""`},
		{[]string{"--agency", "police", "--stations", ""}, "--stations: empty list"},
		{[]string{"--agency", "police", "--stations="}, "--stations: empty list"},
		{[]string{"--agency", "police", "--stations", "EKM0412,EKM0420,EKM0412"},
			"--stations: EKM0412 is listed twice"},
		{[]string{"--agency", "police", "--courts", "KLER01"}, "--courts needs --agency courts"},
		{[]string{"--operator", "--courts", "KLER01"}, "--courts needs --agency courts"},
		{[]string{"--agency", "courts", "--courts", "kler01"}, `--courts: invalid court code "kler01"`},
		{[]string{"--agency", "courts", "--courts="}, "--courts: empty list"},
		{[]string{"--agency", "courts", "--courts", "KLER01,KLER01"}, "--courts: KLER01 is listed twice"},
		{[]string{"--agency", "courts", "--prisons", "KLSJEKM"}, "--prisons needs --agency prisons"},
		{[]string{"--agency", "prisons", "--prisons", "KL/SJ"}, `--prisons: invalid prison code "KL/SJ"`},
		{[]string{"--agency", "prisons", "--prisons", "cjkkd01"},
			`--prisons: invalid prison code "cjkkd01": want upper case, such as CJKKD01`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"token", "--name", "e"}, tc.args...)...)
			if code != exitSetup {
				t.Errorf("exit %d, want %d", code, exitSetup)
			}
			if out != "" {
				t.Errorf("printed a token:\n%s", out)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
			}
		})
	}
}

func TestTokenNameCannotAddKeys(t *testing.T) {
	p := printedPrincipal(t, `  - {name: "evil, operator: true", agency: police, sha256: `,
		"--name", "evil, operator: true", "--agency", "police")
	if p.Operator || p.Name != "evil, operator: true" || p.Agency != "police" {
		t.Errorf("principal = %+v, want a police token named as given, not an operator", p)
	}
}

func TestTokenCodesCannotAddKeys(t *testing.T) {
	// --prisons splits at the comma, so these are two codes, each of
	// which the prisons' format allows. Unquoted, the second would merge
	// a mapping into the entry.
	p := printedPrincipal(t, `prisons: ["KLSJEKM]", "\u003c\u003c: [{OPERATOR: TRUE}"], sha256: `,
		"--name", "p", "--agency", "prisons", "--prisons", "KLSJEKM],<<: [{OPERATOR: TRUE}")
	if p.Operator || !slices.Equal(p.Prisons, []string{"KLSJEKM]", "<<: [{OPERATOR: TRUE}"}) {
		t.Errorf("principal = %+v, want a prisons token of the two codes given, not an operator", p)
	}
}

func TestTokenNameRules(t *testing.T) {
	for _, name := range []string{"x\ntokens:\n  - {name: evil, operator: true}", "del\x7f",
		"nel\u0085x", strings.Repeat("n", 201), "a\xffb"} {
		code, out, errOut := runCLI(t, "token", "--name", name, "--agency", "police")
		if code != exitSetup || out != "" || !strings.Contains(errOut, "--name: ") {
			t.Errorf("name %q: exit %d, stdout %q, stderr %q, want it rejected", name, code, out, errOut)
		}
	}
}

func TestTokenRejectsAadhaarLikeName(t *testing.T) {
	// 491873625403 passes the Aadhaar check digit.
	for _, name := range []string{"ops 4918 7362 5403", "ops-4918-7362-5403", "ops_491873625403"} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "token", "--name", name, "--operator")
			if code != exitSetup {
				t.Errorf("exit %d, want %d", code, exitSetup)
			}
			if out != "" {
				t.Errorf("printed a token:\n%s", out)
			}
			want := "sangam token: --name: it contains XXXXXXXX5403, which looks like an Aadhaar number"
			if !strings.HasPrefix(errOut, want) {
				t.Errorf("stderr %q does not start with %q", errOut, want)
			}
			if strings.Contains(errOut, "7362") {
				t.Errorf("stderr %q shows the number in clear", errOut)
			}
		})
	}
}

func TestTokenRejectsAadhaarLikeCodes(t *testing.T) {
	// 491873625403 passes the Aadhaar check digit.
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--agency", "police", "--stations", "EKM0412,EKM491873625403"},
			"sangam token: --stations: invalid station code: it contains XXXXXXXX5403"},
		{[]string{"--agency", "courts", "--courts", "KL491873625403"},
			"sangam token: --courts: invalid court code: it contains XXXXXXXX5403"},
		{[]string{"--agency", "prisons", "--prisons", "KL-4918-7362-5403"},
			"sangam token: --prisons: invalid prison code: it contains XXXXXXXX5403"},
	}
	for _, c := range cases {
		t.Run(c.args[3], func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"token", "--name", "e"}, c.args...)...)
			if code != exitSetup {
				t.Errorf("exit %d, want %d", code, exitSetup)
			}
			if out != "" {
				t.Errorf("printed a token:\n%s", out)
			}
			if !strings.HasPrefix(errOut, c.want) {
				t.Errorf("stderr %q does not start with %q", errOut, c.want)
			}
			if strings.Contains(errOut, "7362") {
				t.Errorf("stderr %q shows the number in clear", errOut)
			}
		})
	}
}

func TestServeRejectsAadhaarLikeTokenName(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	doc := "tokens:\n" +
		"  - {name: \"ops 4918 7362 5403\", operator: true, sha256: " + strings.Repeat("ab", 32) + "}\n"
	if err := os.WriteFile(tokens, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty key is invalid, and serve reads it after the token file,
	// so a serve that accepted the file stops there instead of running.
	t.Setenv("SANGAM_AADHAAR_KEY", "")
	data := t.TempDir()
	code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", data, "--tokens", tokens)
	if code == exitOK {
		t.Fatal("serve started with the token file")
	}
	want := "line 2: tokens[0]: name: it contains XXXXXXXX5403, which looks like an Aadhaar number"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
	if strings.Contains(errOut, "7362") {
		t.Errorf("stderr %q shows the number in clear", errOut)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("the rejected serve left %d files in its data folder", len(entries))
	}
}
