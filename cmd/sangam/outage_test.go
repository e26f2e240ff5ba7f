package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/hub"
)

// outageHub starts a hub with tokens whose court responds to every filing
// with HTTP 503 and a body that shows the Aadhaar number 4918 7362 5403,
// and whose automatic retries to the court are off, so each chargesheet
// dies at its first attempt. It posts one chargesheet, waits until it is
// a dead letter, and returns the hub's URL, an operator's token and the
// message's id.
func outageHub(t *testing.T) (hubURL, operator, messageID string) {
	t.Helper()
	court := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance for 4918 7362 5403", http.StatusServiceUnavailable)
	}))
	t.Cleanup(court.Close)
	police, digest, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "tokens.yaml")
	operator = writeOperatorTokens(t, tokenFile,
		fmt.Sprintf("  - {name: station, agency: police, sha256: %s}\n", digest), "ops")[0]
	doc := fmt.Sprintf(`
destinations:
  - {name: ecourts-kerala, agency: courts, url: %s/ecf, timeout: 2s, retries: false}
routes:
  - name: final-report-to-court
    when: message.type == "chargesheet" && message.source == "police"
    to: [ecourts-kerala]
`, court.URL)
	file, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	hubURL = startMocksHub(t, hub.Config{Routes: []byte(doc), Tokens: tokens,
		AadhaarKey: []byte("outage command test key of 32 bytes!"),
		Log:        slog.New(slog.DiscardHandler)})
	messageID = postSampleAs(t, hubURL, police, "chargesheet-2023-ipc")
	waitUntil(t, "the chargesheet's dead letter", func() bool {
		code, out, _ := runCLI(t, "deadletters", "--hub", hubURL, "--token", operator, "--json")
		return code == exitOK && strings.Contains(out, messageID)
	})
	return hubURL, operator, messageID
}

func TestOutageCommandsShowDeadLetter(t *testing.T) {
	hubURL, operator, messageID := outageHub(t)
	flags := []string{"--hub", hubURL, "--token", operator}
	if code, _, errOut := runCLI(t, "destinations", "--hub", hubURL); code != exitSetup ||
		!strings.Contains(errOut, "--token") {
		t.Errorf("destinations without a token: exit %d, stderr %q; want 2 and a hint at --token",
			code, errOut)
	}

	code, out, errOut := runCLI(t, append([]string{"destinations"}, flags...)...)
	if code != exitOK {
		t.Fatalf("destinations: exit %d, want 0; stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "DESTINATION") {
		t.Fatalf("destinations: output %q, want a header and one row", out)
	}
	// The columns: name, breaker state, pending, retrying, dead letters,
	// retries.
	row := strings.Fields(lines[1])
	if len(row) < 6 || row[0] != "ecourts-kerala" {
		t.Fatalf("destinations: row %q, want ecourts-kerala first", lines[1])
	}
	if got := strings.Join(row, " "); !strings.Contains(got, " 0 0 1 off ") {
		t.Errorf("destinations: row %q, want 0 pending, 0 retrying, 1 dead letter, retries off",
			lines[1])
	}
	wantMasked(t, "destinations", out)

	code, out, errOut = runCLI(t, append([]string{"destinations", "--json"}, flags...)...)
	var page destinationsResponse
	if code != exitOK || json.Unmarshal([]byte(out), &page) != nil || len(page.Destinations) != 1 {
		t.Fatalf("destinations --json: exit %d, output %q, stderr %s; want the hub's JSON", code, out,
			errOut)
	}
	if page.Destinations[0].Backlog == nil || page.Destinations[0].DeadLetters != 1 {
		t.Errorf("destinations --json: %+v, want one dead letter", page.Destinations[0])
	}

	filter := []string{"--destination", "ecourts-kerala", "--reason", "HTTP 503"}
	code, out, errOut = runCLI(t, append(append([]string{"deadletters"}, flags...), filter...)...)
	if code != exitOK {
		t.Fatalf("deadletters: exit %d, want 0; stderr %s", code, errOut)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "DELIVERY") {
		t.Fatalf("deadletters: output %q, want a header and one row", out)
	}
	if row := strings.Fields(lines[1]); len(row) < 7 || row[1] != messageID ||
		row[2] != "ecourts-kerala" || row[3] != "final-report-to-court" || row[4] != "1" {
		t.Errorf("deadletters: row %q, want message %s to ecourts-kerala by final-report-to-court "+
			"after 1 attempt", lines[1], messageID)
	}
	wantMasked(t, "deadletters", out)
	deliveryID := strings.Fields(lines[1])[0]

	// The dry run of the same filter lists the dead letter and replays
	// nothing, so a second dry run lists it again.
	for range 2 {
		code, out, errOut = runCLI(t, append(append([]string{"replay", "--dry-run"}, flags...),
			filter...)...)
		if code != exitOK {
			t.Fatalf("replay --dry-run: exit %d, want 0; stderr %s", code, errOut)
		}
		if !strings.Contains(out, "would replay "+deliveryID+" to ecourts-kerala") ||
			!strings.HasSuffix(out, "dry run: nothing replayed\n") {
			t.Errorf("replay --dry-run: output %q, want the dead letter and no replay", out)
		}
		wantMasked(t, "replay --dry-run", out)
	}
	code, out, errOut = runCLI(t, append([]string{"replay", "--dry-run", deliveryID}, flags...)...)
	if code != exitOK || !strings.Contains(out, "would replay "+deliveryID) {
		t.Errorf("replay --dry-run ID: exit %d, output %q, stderr %s; want the dead letter", code,
			out, errOut)
	}
	code, out, _ = runCLI(t, append(append([]string{"deadletters", "--replayed=false"}, flags...),
		filter...)...)
	if code != exitOK || !strings.Contains(out, deliveryID) {
		t.Errorf("deadletters --replayed=false after the dry runs: exit %d, output %q, want the "+
			"dead letter still unreplayed", code, out)
	}
}

func TestDeadLettersFollowsPagesToLimit(t *testing.T) {
	var afters []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		afters = append(afters, q.Get("after"))
		w.Header().Set("Content-Type", "application/json")
		id := fmt.Sprintf("0190a000-0000-7000-8000-%012d", len(afters))
		fmt.Fprintf(w, `{"dead_letters": [{"id": %q, "reason": "HTTP 503: 491873625403"}], "next": %q}`,
			id, id)
	}))
	t.Cleanup(srv.Close)

	code, out, errOut := runCLI(t, "deadletters", "--hub", srv.URL, "--limit", "3", "--json")
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr %s", code, errOut)
	}
	if len(afters) != 3 || afters[0] != "" || afters[1] == "" || afters[2] == afters[1] {
		t.Errorf("after of each request %q, want none, then the next of each page", afters)
	}
	var page struct {
		DeadLetters []json.RawMessage `json:"dead_letters"`
		Next        string            `json:"next"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("output %q is not JSON: %v", out, err)
	}
	if len(page.DeadLetters) != 3 || page.Next == "" {
		t.Errorf("output %q, want 3 dead letters and the next cursor", out)
	}
	if !strings.Contains(errOut, "more match") {
		t.Errorf("stderr %q, want a warning that more match", errOut)
	}
	wantMasked(t, "deadletters --json", out)
}

func TestOutageCommandsExitStatus(t *testing.T) {
	unauthorized := problemHub(t, http.StatusUnauthorized,
		`{"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "missing token"}`)
	busy := problemHub(t, http.StatusServiceUnavailable,
		`{"type": "about:blank", "title": "Unavailable", "status": 503, "detail": "journal down"}`)
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"destinations", "--hub", unauthorized}, exitSetup},
		{[]string{"deadletters", "--hub", busy}, exitNotStored},
		{[]string{"destinations", "--hub", busy}, exitNotStored},
		{[]string{"deadletters", "--hub", busy, "--limit", "0"}, exitSetup},
		{[]string{"deadletters", "--hub", busy, "--from", "yesterday"}, exitSetup},
		{[]string{"deadletters", "--hub", busy, "--route", ""}, exitSetup},
		{[]string{"destinations", "--hub", busy, "extra"}, exitSetup},
	} {
		if code, _, errOut := runCLI(t, c.args...); code != c.want {
			t.Errorf("%v: exit %d, want %d; stderr %s", c.args, code, c.want, errOut)
		}
	}
}

// TestOperatorCommandsRejectNonHub runs the operator commands against a
// server that responds 200 with JSON or text that is not a hub's: each
// exits 2 and says so, where it printed an empty listing before.
func TestOperatorCommandsRejectNonHub(t *testing.T) {
	other := jsonHub(t, `{"status": "ok", "items": []}`)
	text := jsonHub(t, `all good`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"destinations", "--hub", other}, `does not look like a Sangam hub: its response has no "destinations" array`},
		{[]string{"destinations", "--hub", other, "--json"}, `does not look like a Sangam hub`},
		{[]string{"deadletters", "--hub", other}, `does not look like a Sangam hub: its response has no "dead_letters" array`},
		{[]string{"replay", "--hub", other, "--all"}, `does not look like a Sangam hub: its response has no "replays" array`},
		{[]string{"replay", "--hub", other, deadID1, deadID2}, `does not look like a Sangam hub`},
		{[]string{"deadletters", "--hub", text}, "reading the hub's response: invalid character 'a'"},
		{[]string{"destinations", "--hub", text}, "reading the hub's response: invalid character 'a'"},
	} {
		code, out, errOut := runCLI(t, c.args...)
		if code != exitSetup {
			t.Errorf("%v: exit %d, want %d", c.args, code, exitSetup)
		}
		if !strings.Contains(errOut, c.want) {
			t.Errorf("%v: stderr %q, want it to contain %q", c.args, errOut, c.want)
		}
		if out != "" {
			t.Errorf("%v: stdout %q, want nothing", c.args, out)
		}
	}
	// A hub with no destinations lists them as null.
	empty := jsonHub(t, `{"destinations": null}`)
	code, out, errOut := runCLI(t, "destinations", "--hub", empty)
	if code != exitOK || !strings.Contains(out, "no destinations") {
		t.Errorf("destinations null: exit %d, stdout %q, stderr %q; want 0 and no destinations",
			code, out, errOut)
	}
}

// jsonHub starts a server that responds to every request with 200 and body.
func jsonHub(t *testing.T, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestDeadLettersHelpNamesReplayedDefault checks that the help of
// --replayed states that the default lists all and what false lists.
func TestDeadLettersHelpNamesReplayedDefault(t *testing.T) {
	code, _, errOut := runCLI(t, "deadletters", "-h")
	if code != exitOK {
		t.Errorf("exit %d, want %d", code, exitOK)
	}
	for _, want := range []string{"the default lists all",
		"--replayed=false lists only dead letters never replayed"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("help %q, want it to contain %q", errOut, want)
		}
	}
}
