package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/passport"
)

// edappallyTable is a jurisdiction table whose station EKM0499 serves
// Edappally, PIN 682024, where the fresh request's applicant lives.
const edappallyTable = `
district_offices:
  - {code: KOCHI-CITY, name: "District Police Office, Kochi City"}
stations:
  - code: EKM0499
    name: Edappally Police Station
    district_office: KOCHI-CITY
    pins: ["682024"]
`

// writeTable writes doc to a file of its own and returns the file's path.
func writeTable(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jurisdiction.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerificationFlagsDefaults(t *testing.T) {
	unsetEnv(t, "SANGAM_JURISDICTION")
	unsetEnv(t, "SANGAM_VERIFICATION_DEADLINE_DAYS")
	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Verification.Deadline != 0 {
		t.Errorf("deadline %s, want 0 for the hub's default", cfg.Verification.Deadline)
	}
	if cfg.Verification.Jurisdiction != nil {
		t.Errorf("jurisdiction table set, want nil for the embedded default")
	}
}

func TestVerificationFlagsSetDeadline(t *testing.T) {
	const day = 24 * time.Hour
	t.Setenv("SANGAM_VERIFICATION_DEADLINE_DAYS", "14")
	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Verification.Deadline != 14*day {
		t.Errorf("$SANGAM_VERIFICATION_DEADLINE_DAYS=14: deadline %s, want 336h", cfg.Verification.Deadline)
	}
	cfg, err = parseHubFlags(t, "--verification-deadline-days", "30")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Verification.Deadline != 30*day {
		t.Errorf("--verification-deadline-days 30 over the variable: deadline %s, want 720h",
			cfg.Verification.Deadline)
	}
}

func TestVerificationFlagsRejectDeadline(t *testing.T) {
	for _, value := range []string{"0", "-1", "366", "21d", "2.5", ""} {
		_, err := parseHubFlags(t, "--verification-deadline-days", value)
		want := `--verification-deadline-days: "` + value + `" is invalid: want a whole number ` +
			"of days from 1 to 365; run 'sangam serve -h' for the flags"
		if err == nil || withCommand(err, "serve").Error() != want {
			t.Errorf("--verification-deadline-days %q: error %v, want %q", value, err, want)
		}
	}
	for _, value := range []string{"0", "-21", "twenty"} {
		t.Setenv("SANGAM_VERIFICATION_DEADLINE_DAYS", value)
		_, err := parseHubFlags(t)
		want := `$SANGAM_VERIFICATION_DEADLINE_DAYS (default of --verification-deadline-days): "` +
			value + `" is invalid`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("$SANGAM_VERIFICATION_DEADLINE_DAYS=%s: error %v, want %q", value, err, want)
		}
	}
}

// TestVerificationFlagsRejectEmptyTable gives --jurisdiction an empty
// value, as a script does with an unset variable: the flags reject it,
// also over a variable that names a valid table, and do not fall back on
// the embedded table.
func TestVerificationFlagsRejectEmptyTable(t *testing.T) {
	const want = `--jurisdiction: "" is invalid: want the path of a jurisdiction table file; ` +
		"leave the flag out for the embedded table of the Ernakulam demo"
	for _, variable := range []string{"", writeTable(t, edappallyTable)} {
		t.Setenv("SANGAM_JURISDICTION", variable)
		for _, args := range [][]string{{"--jurisdiction", ""}, {"--jurisdiction="}} {
			cfg, err := parseHubFlags(t, args...)
			if err == nil || !strings.HasPrefix(err.Error(), want+";") {
				t.Errorf("%q with $SANGAM_JURISDICTION=%q: error %v, want %q", args, variable, err, want)
			}
			if cfg.Verification.Jurisdiction != nil {
				t.Errorf("%q with $SANGAM_JURISDICTION=%q: a table is set", args, variable)
			}
		}
	}
}

func TestVerificationFlagsLoadTable(t *testing.T) {
	file := writeTable(t, edappallyTable)
	edappally := canonical.Address{PIN: "682024", Locality: "Edappally"}
	t.Setenv("SANGAM_JURISDICTION", file)
	for _, args := range [][]string{nil, {"--jurisdiction", file}} {
		cfg, err := parseHubFlags(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if cfg.Verification.Jurisdiction == nil {
			t.Fatalf("%v: no jurisdiction table", args)
		}
		s, err := cfg.Verification.Jurisdiction.Lookup(edappally)
		if err != nil || s.Code != "EKM0499" {
			t.Errorf("%v: Edappally maps to %q, %v; want EKM0499 of the file", args, s.Code, err)
		}
	}
}

func TestVerificationFlagsRejectTable(t *testing.T) {
	const offices = "district_offices: [{code: KOCHI-CITY, name: Kochi City}]\n"
	folder := t.TempDir()
	cases := []struct {
		name string
		file string
		want []string
	}{
		{"missing file", filepath.Join(folder, "missing.yaml"),
			[]string{"reading jurisdiction table", "no such file"}},
		{"folder", folder, []string{"reading jurisdiction table", "is a directory"}},
		{"invalid YAML", writeTable(t, offices+"stations:\n  - code: EKM0412\n    name: [North\n"),
			[]string{"invalid jurisdiction table", "yaml: line"}},
		{"unknown district office", writeTable(t, offices+`stations:
  - {code: EKM0412, name: North, district_office: KOCHI-CTY, pins: ["682017"]}
`), []string{`line 3: stations[0] "EKM0412": district_office: unknown district office "KOCHI-CTY"`}},
		{"PIN under two stations", writeTable(t, offices+`stations:
  - {code: EKM0412, name: North, district_office: KOCHI-CITY, pins: ["682017"]}
  - {code: EKM0414, name: Palarivattom, district_office: KOCHI-CITY, pins: ["682017"]}
`), []string{`line 4: stations[1] "EKM0414": pins[0]: PIN 682017 is also under pins of stations[0]`}},
		{"invalid PIN", writeTable(t, offices+`stations:
  - {code: EKM0412, name: North, district_office: KOCHI-CITY, pins: ["68201"]}
`), []string{`line 3: stations[0] "EKM0412": pins[0]: invalid PIN "68201": want six digits`}},
		{"station code in lower case", writeTable(t, offices+`stations:
  - {code: ekm0412, name: North, district_office: KOCHI-CITY, pins: ["682017"]}
`), []string{`line 3: stations[0] "ekm0412": code: invalid code "ekm0412"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseHubFlags(t, "--jurisdiction", c.file)
			if err == nil {
				t.Fatal("the flags accepted the file")
			}
			for _, want := range append([]string{"--jurisdiction " + c.file + ": "}, c.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestServeStopsOnInvalidVerificationSettings starts serve with an
// invalid table or deadline: it exits with a usage error that names the
// setting and creates nothing in its data folder.
func TestServeStopsOnInvalidVerificationSettings(t *testing.T) {
	bad := writeTable(t, "stations: [{code: EKM0412, name: North, district_office: X, pins: [\"682017\"]}]\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--jurisdiction", bad}, `unknown district office "X"`},
		{[]string{"--verification-deadline-days", "0"}, "--verification-deadline-days"},
	} {
		data := filepath.Join(t.TempDir(), "data")
		args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data", data}, c.args...)
		code, _, errOut := runCLI(t, args...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d", c.args, code, exitSetup)
		}
		if !strings.Contains(errOut, c.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", c.args, c.want, errOut)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("%v: the data folder exists after the rejected start (%v)", c.args, err)
		}
	}
}

// TestVerificationFlagsReachHub starts a hub with a table and a deadline
// from the flags and sends it a request without a due date: the hub
// assigns the table's station and sets the due date that many days on.
func TestVerificationFlagsReachHub(t *testing.T) {
	cfg, err := parseHubFlags(t, "--jurisdiction", writeTable(t, edappallyTable),
		"--verification-deadline-days", "3", "--listen", "127.0.0.1:0", "--data", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg.AadhaarKey = []byte("verification flags test key, 32 bytes")
	logs := &syncBuffer{}
	cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	h, err := hub.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`msg="passport verification configured" jurisdiction=%s stations=1 `+
		"deadline_days=3", cfg.Verification.JurisdictionFile)
	if !strings.Contains(logs.String(), want) {
		t.Errorf("start-up log lacks %q:\n%s", want, logs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	const file = "CO1075120411399"
	before := time.Now()
	client := &hubClient{base: "http://" + h.Addr()}
	res, err := client.send(ctx, "passport", requestWithoutDueDate(t, file))
	if err != nil || res.problem != nil {
		t.Fatalf("sending the request: %v %+v", err, res.problem)
	}
	after := time.Now()
	var s verification.Status
	if err := client.get(ctx, "/api/v1/verifications/"+file, &s); err != nil {
		t.Fatal(err)
	}
	if s.PoliceStation != "EKM0499" {
		t.Errorf("request assigned to %q, want EKM0499 of the table file", s.PoliceStation)
	}
	// The due date is 3 days from the receipt, in IST, so a request
	// received at midnight may get either day.
	dueDate := func(at time.Time) string {
		return at.Add(72 * time.Hour).In(verification.IST).Format(time.DateOnly)
	}
	if s.DueOn != dueDate(before) && s.DueOn != dueDate(after) {
		t.Errorf("due on %s, want %s, 3 days after the request", s.DueOn, dueDate(after))
	}
}

// requestWithoutDueDate is the mock passport office's fresh request for
// file, made now, with no due date.
func requestWithoutDueDate(t *testing.T, file string) []byte {
	t.Helper()
	var doc map[string]any
	for _, s := range passport.Samples() {
		if s.Name == "request-fresh" {
			if err := json.Unmarshal(s.Body, &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if doc == nil {
		t.Fatal("no passport sample request-fresh")
	}
	now := time.Now().Format(time.RFC3339)
	doc["message_id"], doc["file_number"] = "RPO-FLAGS-1", file
	doc["sent_at"], doc["requested_at"] = now, now
	delete(doc, "due_on")
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return body
}
