package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/mocks/police"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// writeSample writes the named police sample to a temporary file.
func writeSample(t *testing.T, name string) string {
	t.Helper()
	for _, s := range police.Samples() {
		if s.Name == name {
			path := filepath.Join(t.TempDir(), name+".json")
			if err := os.WriteFile(path, s.Body, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
	}
	t.Fatalf("no sample %q", name)
	return ""
}

func TestDecodeValidPrintsCanonical(t *testing.T) {
	code, out, errOut := runCLI(t, "decode", "--agency", "police",
		writeSample(t, "chargesheet-2025-bns-malayalam"))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var ms []canonical.Message
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatalf("output is not canonical JSON: %v\n%s", err, out)
	}
	if len(ms) != 1 || ms[0].Type != canonical.TypeChargesheet {
		t.Fatalf("decoded %+v, want one chargesheet", ms)
	}
	if strings.Contains(out, "586301729436") {
		t.Error("decode printed an Aadhaar number in clear")
	}
}

func TestDecodeInvalidExitsOne(t *testing.T) {
	code, out, errOut := runCLI(t, "decode", "--agency", "police",
		writeSample(t, "invalid-chargesheet"))
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	if out != "" {
		t.Errorf("printed output for invalid input: %s", out)
	}
	for _, want := range []string{"/sections/1/section", "(section)", "(aadhaar)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	cases := [][]string{
		{},
		{"frobnicate"},
		{"decode", "--agency", "police"},
		{"decode", "--agency", "astrologers", "x.json"},
		{"decode", "--agency", "police", "/no/such/file.json"},
		{"decode", "--no-such-flag", "x"},
	}
	for _, args := range cases {
		code, _, errOut := runCLI(t, args...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d (stderr %s)", args, code, exitSetup, errOut)
		}
	}
}

func TestEncodeChargesheetAsECF(t *testing.T) {
	_, out, _ := runCLI(t, "decode", "--agency", "police", writeSample(t, "chargesheet-2023-ipc"))
	var ms []json.RawMessage
	if err := json.Unmarshal([]byte(out), &ms); err != nil || len(ms) != 1 {
		t.Fatalf("decode output: %v", err)
	}
	// The hub assigns ids; the court filing must carry one.
	var m map[string]any
	if err := json.Unmarshal(ms[0], &m); err != nil {
		t.Fatal(err)
	}
	m["id"] = "01a241c7-2014-7871-9fda-300b27f08df7"
	doc, _ := json.Marshal(m)
	path := filepath.Join(t.TempDir(), "canonical.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	code, xml, errOut := runCLI(t, "encode", "--agency", "courts", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(xml, "urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CoreFilingMessage-4.0") {
		t.Errorf("output is not an ECF CoreFilingMessage:\n%.400s", xml)
	}
}

func TestEncodeInvalidCanonicalExitsOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"type":"chargesheet","source":"police"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "encode", "--agency", "courts", path)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	if !strings.Contains(errOut, "required") {
		t.Errorf("stderr does not list missing fields:\n%s", errOut)
	}
}

func TestDemoShowsChargesheetToCNR(t *testing.T) {
	code, out, errOut := runCLI(t, "demo", "--once", "--listen", "127.0.0.1:0",
		"--mock-port", "0",
		"--data", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if n := strings.Count(out, "court answered with CNR KL"); n != 3 {
		t.Errorf("demo shows %d CNRs, want 3:\n%s", n, out)
	}
	// The supplementary chargesheet joins the case of the original.
	original := regexp.MustCompile(`court answered with CNR (KLER10[0-9]{10}) \(Registered as a new case\)`).
		FindStringSubmatch(out)
	if original == nil {
		t.Fatalf("demo does not show the court registering the EKM0412 case:\n%s", out)
	}
	if want := "court answered with CNR " + original[1] + " (Supplementary report 1 filed in case " +
		original[1] + ")"; !strings.Contains(out, want) {
		t.Errorf("demo output lacks %q:\n%s", want, out)
	}
	for station, want := range map[string]int{"cctns-ekm0412": 2, "cctns-ekm0420": 1} {
		if n := strings.Count(out, "-> "+station+": delivered"); n != want {
			t.Errorf("demo shows %d notifications delivered to %s, want %d, one per report of its FIR:\n%s",
				n, station, want, out)
		}
	}
	if !strings.Contains(out, "station EKM0412: 2 notifications") ||
		!strings.Contains(out, "station EKM0420: 1 notifications") {
		t.Errorf("demo's counts do not give each station one notification:\n%s", out)
	}
	if !strings.Contains(out, "hub rejected it (HTTP 400)") {
		t.Errorf("demo does not show the invalid chargesheet rejected:\n%s", out)
	}
	if n := strings.Count(out, "-> prison-klsjekm: delivered"); n != 2 {
		t.Errorf("demo shows %d court orders delivered to the Sub Jail, Ernakulam, want 2:\n%s", n, out)
	}
	if n := strings.Count(out, "hub rejected it (HTTP 400)"); n != 4 {
		t.Errorf("demo shows %d rejections, want 4 (chargesheet, court order, movement, "+
			"verification request):\n%s", n, out)
	}
	for _, want := range []string{
		"court-order-to-klcjviy",
		"-> prison-klcjviy: delivered",
		"court KLER10 issued a production warrant for Shibu K. R. (prisoner UT-2231-2025), prison KLSJEKM",
		"court KLER12 issued a committal order for Rajesh Nair, prison KLCJVIY",
		"appearance date 2025-09-03 is before the order date 2025-10-01 (chronology)",
		"prisons: 3 court orders",
		"-> ecourts-kerala-prisons: delivered",
		"-> immigration-frro-kochi: delivered",
		"release-or-escape-to-ekm0412, release-or-escape-to-ekm0420",
		"hub assigned police station EKM0420",
		"police station reported clear",
		"-> passport-office: delivered",
		"(mrz-check-digit)",
		"verification-request-to-ekm-rural-office",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func TestDemoRejectsTokenFile(t *testing.T) {
	_, printed, _ := runCLI(t, "token", "--name", "clerk", "--agency", "police")
	tokens := filepath.Join(t.TempDir(), "tokens.yaml")
	if err := os.WriteFile(tokens, []byte(printed), 0o600); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	code, out, errOut := runCLI(t, "demo", "--once", "--listen", "127.0.0.1:0", "--mock-port", "0",
		"--data", data, "--tokens", tokens)
	if code == exitOK {
		t.Fatalf("demo with a token file succeeded:\n%s", out)
	}
	if !strings.Contains(errOut, "does not take a token file") || !strings.Contains(errOut, tokens) {
		t.Errorf("error does not say the demo takes no token file:\n%s", errOut)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("the rejected demo left %d files in its data folder", len(entries))
	}

	// A token file that does not exist gets the same error, not one
	// about reading it.
	missing := filepath.Join(t.TempDir(), "missing-tokens.yaml")
	_, _, errOut = runCLI(t, "demo", "--once", "--listen", "127.0.0.1:0", "--mock-port", "0",
		"--data", data, "--tokens", missing)
	if !strings.Contains(errOut, "does not take a token file") || !strings.Contains(errOut, missing) {
		t.Errorf("error for a missing token file does not say the demo takes none:\n%s", errOut)
	}
	t.Setenv("SANGAM_TOKENS", missing)
	_, _, errOut = runCLI(t, "demo", "--once", "--listen", "127.0.0.1:0", "--mock-port", "0",
		"--data", data)
	if !strings.Contains(errOut, "does not take a token file") || !strings.Contains(errOut, missing) {
		t.Errorf("error for $SANGAM_TOKENS does not say the demo takes no token file:\n%s", errOut)
	}
}

func TestDecodeOutputEncodesDirectly(t *testing.T) {
	_, out, _ := runCLI(t, "decode", "--agency", "police", writeSample(t, "chargesheet-2023-ipc"))
	path := filepath.Join(t.TempDir(), "decoded.json")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	code, xml, errOut := runCLI(t, "encode", "--agency", "courts", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(xml, "CoreFilingMessage") {
		t.Errorf("output is not a court filing:\n%.300s", xml)
	}
}

func TestUnknownFlagReportedOnce(t *testing.T) {
	code, _, errOut := runCLI(t, "decode", "--bogus", "x")
	if code != exitSetup {
		t.Errorf("exit %d, want %d", code, exitSetup)
	}
	if n := strings.Count(errOut, "--bogus: no such flag"); n != 1 {
		t.Errorf("the flag error appears %d times, want once:\n%s", n, errOut)
	}
}

func TestHelpStartsWithUsage(t *testing.T) {
	for _, c := range commands {
		args := []string{c.name, "-h"}
		if c.name == "routes" {
			args = []string{"routes", "export", "-h"}
		}
		code, _, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Errorf("%v: exit %d, want %d", args, code, exitOK)
		}
		if want := "Usage: sangam " + c.name + " "; !strings.HasPrefix(errOut, want) {
			t.Errorf("%v: help does not start with %q:\n%s", args, want, errOut)
		}
	}
}

func TestHubCommandsTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)

	for _, name := range []string{"serve", "demo", "bench"} {
		debug.SetGCPercent(100)
		if code, _, stderr := runCLI(t, name, "--help"); code != exitOK {
			t.Fatalf("sangam %s --help exit status = %d, want %d; stderr:\n%s", name, code, exitOK, stderr)
		}
		if got := debug.SetGCPercent(100); got != hubGCPercent {
			t.Errorf("GC percent after sangam %s = %d, want %d", name, got, hubGCPercent)
		}
	}
}

func TestTuneGCKeepsOperatorGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)

	tuneGC()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GC percent after tuneGC with GOGC=50 = %d, want 50", got)
	}
}

// TestDecodeMasksAadhaarInText decodes a booking report whose booking
// number is a valid Aadhaar number: decode prints it masked, as the hub
// journals it, where the adapter alone keeps it.
func TestDecodeMasksAadhaarInText(t *testing.T) {
	sample, err := os.ReadFile("../../adapters/prisons/testdata/booking_report.xml")
	if err != nil {
		t.Fatal(err)
	}
	// A booking number is matched as written, so a number like an Aadhaar
	// number there is rejected. One in the status text is masked.
	status := "<core:StatusDescriptionText>  judicial   custody </core:StatusDescriptionText>"
	if !strings.Contains(string(sample), status) {
		t.Fatal("booking_report.xml lacks its status text")
	}
	body := strings.Replace(string(sample), status,
		"<core:StatusDescriptionText>judicial custody, Aadhaar 586301729436</core:StatusDescriptionText>", 1)
	path := filepath.Join(t.TempDir(), "booking.xml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "decode", "--agency", "prisons", path)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if strings.Contains(out, "586301729436") || !strings.Contains(out, "XXXXXXXX9436") {
		t.Errorf("decode output keeps the number in clear or lacks its masked form:\n%s", out)
	}
}

func TestDemoRejectsInvalidMockPort(t *testing.T) {
	for _, port := range []string{"-1", "65529", "70000"} {
		code, _, errOut := runCLI(t, "demo", "--once", "--listen", "127.0.0.1:0", "--mock-port", port,
			"--data", t.TempDir())
		want := "--mock-port: " + port + " is invalid: want 0 for free ports, or the first of 8 ports from 1 to 65528"
		if code == exitOK || !strings.Contains(errOut, want) {
			t.Errorf("--mock-port %s: exit %d, stderr %q; want an error containing %q", port, code, errOut, want)
		}
	}
}

// TestUsageListsExitStatuses checks that the usage lists each exit
// status at the start of a line of its own.
func TestUsageListsExitStatuses(t *testing.T) {
	var out bytes.Buffer
	usage(&out)
	for _, status := range []string{"0  success", "1  invalid input", "2  usage or setup error",
		"3  not done for now"} {
		if !strings.Contains(out.String(), "\n  "+status) {
			t.Errorf("usage lacks a line starting with %q:\n%s", status, out.String())
		}
	}
}
