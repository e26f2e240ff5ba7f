package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// aadhaarSpellings are the spellings of the valid Aadhaar number
// 4918 7362 5403 that a command line may carry.
var aadhaarSpellings = []string{"491873625403", "4918 7362 5403"}

// wantMasked fails the test when output shows the Aadhaar number
// 4918 7362 5403 in clear, or lacks its masked form.
func wantMasked(t *testing.T, label, output string) {
	t.Helper()
	for _, clear := range aadhaarSpellings {
		if strings.Contains(output, clear) {
			t.Errorf("%s: output %q shows %q in clear", label, output, clear)
		}
	}
	if !strings.Contains(output, "XXXXXXXX5403") {
		t.Errorf("%s: output %q, want the number masked as XXXXXXXX5403", label, output)
	}
}

func TestErrorLinesMaskAadhaar(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "4918 7362 5403.tok")
	file := filepath.Join(dir, "j", "4918 7362 5403.json")
	routes := filepath.Join(dir, "r 4918 7362 5403.yaml")
	sample := writeSample(t, "chargesheet-2023-ipc")
	for _, args := range [][]string{
		{"send", "--agency", "police", "--hub", "http://127.0.0.1:9", file},
		{"send", "--agency", "police", "--hub", "http://127.0.0.1:9", "--token-file", token, sample},
		{"routes", "apply", "--hub", "http://127.0.0.1:9", routes},
		{"491873625403"},
	} {
		code, _, errOut := runCLI(t, args...)
		if code == exitOK {
			t.Errorf("%q: exit code %d, want a failure", args, code)
		}
		wantMasked(t, strings.Join(args, " "), errOut)
	}
}

func TestReplayLinesMaskAadhaar(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [{"of": "` + deadID1 + `", "delivery": {"id": "r 4918 7362 5403",
			"destination": "dpo", "status": "pending"}}]}`))
	}))
	defer srv.Close()

	code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, deadID1)
	if code != exitOK {
		t.Errorf("exit code %d, want %d; stderr: %s", code, exitOK, errOut)
	}
	wantMasked(t, "stdout", out)
	if !strings.Contains(out, deadID1+" replayed as r XXXXXXXX5403 to dpo") {
		t.Errorf("stdout = %q, want the replay line with the id masked", out)
	}

	// An Aadhaar number given as an id is no UUID: the error quotes it
	// masked, and nothing is replayed.
	code, _, errOut = runCLI(t, "replay", "--hub", srv.URL, "491873625403", deadID1)
	if code != exitSetup {
		t.Errorf("exit code %d with an Aadhaar number as id, want %d", code, exitSetup)
	}
	wantMasked(t, "stderr", errOut)
	if !strings.Contains(errOut, `DELIVERY_ID: invalid id "XXXXXXXX5403"`) {
		t.Errorf("stderr = %q, want it to name the masked id", errOut)
	}
	if len(paths) != 1 {
		t.Errorf("requests %v, want only the first replay's", paths)
	}
}

func TestSendRetryLineMasksAadhaar(t *testing.T) {
	// Nothing listens on the port, so each post is refused and send
	// prints a retry line that quotes the URL, with the agency in it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hub := "http://" + ln.Addr().String()
	ln.Close()

	sample := writeSample(t, "chargesheet-2023-ipc")
	code, _, errOut := runCLI(t, "send", "--agency", "491873625403", "--hub", hub,
		"--retries", "1", sample)
	if code == exitOK {
		t.Errorf("exit code %d, want a failure for the unreachable hub", code)
	}
	retry, _, ok := strings.Cut(errOut, "\n")
	if !ok || !strings.Contains(retry, "sending again in") {
		t.Fatalf("stderr = %q, want a retry line first", errOut)
	}
	wantMasked(t, "retry line", retry)
}

func TestReplayLinesKeepUUIDs(t *testing.T) {
	// Each id contains twelve digits that pass the Aadhaar check digit:
	// 357529373769, 493577528937 and 491835752938.
	const (
		dead    = "01a24aae-aef9-7ac6-b407-357529373769"
		replay  = "01a24aaa-4935-7752-8937-56e5cf084723"
		unknown = "49183575-2938-7ac6-b407-56e5cf084723"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/deliveries/"+dead+"/replay" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"replays": [{"of": "` + dead + `", "existing": true,
				"delivery": {"id": "` + replay + `", "destination": "dpo", "status": "dead",
				"reason": "refused"}}]}`))
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type": "urn:sangam:problem:not-found", "title": "Not found",
			"status": 404, "detail": "no delivery ` + unknown + `"}`))
	}))
	defer srv.Close()

	code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, unknown, dead)
	if code == exitOK {
		t.Errorf("exit code %d, want a failure for the unknown id", code)
	}
	if !strings.Contains(errOut, unknown+" not replayed") {
		t.Errorf("stderr = %q, want it to name %s not replayed", errOut, unknown)
	}
	if !strings.Contains(errOut, "no delivery "+unknown) {
		t.Errorf("stderr = %q, want the hub's detail with %s", errOut, unknown)
	}
	want := dead + " already replayed as " + replay + " to dpo (dead: refused); to try again, replay " + replay
	if !strings.Contains(out, want) {
		t.Errorf("stdout = %q, want %q", out, want)
	}
	if strings.Contains(out+errOut, "XXXXXXXX") {
		t.Errorf("output masks part of an id:\n%s%s", out, errOut)
	}
}

func TestErrorLinesMaskEscapedAadhaar(t *testing.T) {
	// The error quotes the value with %q, which writes each zero-width
	// space as \u200b, whose hex digits touch the number's digits.
	before := strings.Join(strings.Split("491873625403", ""), "\u200b")
	code, _, errOut := runCLI(t, "routes", "history", "--hub", "http://127.0.0.1:9", "--before", before)
	if code == exitOK {
		t.Errorf("exit code %d, want a failure for the invalid --before", code)
	}
	if !strings.Contains(errOut, "--before") {
		t.Errorf("stderr = %q, want the error of --before", errOut)
	}
	if strings.Contains(errOut, `7\u200b3\u200b6\u200b2`) {
		t.Errorf("stderr = %q shows the number in clear", errOut)
	}
	wantMasked(t, "stderr", errOut)
}

// TestDryRunLineMasksAadhaar checks that a dead letter's reason in the
// output of replay --dry-run shows the Aadhaar number masked when a
// zero-width space or a tab separates its digit groups.
func TestDryRunLineMasksAadhaar(t *testing.T) {
	for _, reason := range []string{`refused 4918\u200b7362 5403`, `refused 4918\t7362 5403`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"replays": [], "dry_run": true, "would_replay": [{"id": "` + deadID1 + `",
				"destination": "dpo", "message_id": "m1", "route": "r1",
				"updated_at": "2025-10-18T12:15:00Z", "reason": "` + reason + `"}]}`))
		}))
		code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, "--dry-run", deadID1)
		srv.Close()
		if code != exitOK {
			t.Errorf("reason %s: exit code %d, want %d; stderr: %s", reason, code, exitOK, errOut)
		}
		wantMasked(t, reason, out)
		if strings.Contains(out, "7362") {
			t.Errorf("reason %s: output %q shows the middle digits in clear", reason, out)
		}
		if !strings.Contains(out, "would replay "+deadID1+" to dpo") {
			t.Errorf("reason %s: output %q, want the would-replay line", reason, out)
		}
	}
}
