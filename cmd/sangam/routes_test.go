package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/hub"
)

func startTestHub(t *testing.T) string {
	t.Helper()
	h, err := hub.Open(context.Background(), hub.Config{
		Listen: "127.0.0.1:0", DataDir: t.TempDir(),
		AadhaarKey: []byte("routes command test key of 32 bytes!!"),
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + h.Addr()
}

func TestRoutesCommandLifecycle(t *testing.T) {
	url := startTestHub(t)
	code, doc, errOut := runCLI(t, "routes", "export", "--hub", url)
	if code != exitOK || !strings.Contains(doc, "final-report-to-court") {
		t.Fatalf("export: exit %d, stderr %s\n%s", code, errOut, doc)
	}
	const oldWhen = `message.type == "chargesheet" && message.source == "police"`
	changed := strings.Replace(doc, oldWhen, oldWhen+` && message.chargesheet.title != ""`, 1)
	if changed == doc {
		t.Fatalf("the default routes lack the condition %s", oldWhen)
	}
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, _ := runCLI(t, "routes", "apply", file, "--hub", url, "--dry-run")
	if code != exitOK || !strings.Contains(out, "dry run: nothing saved") ||
		!strings.Contains(out, `route "final-report-to-court"`) {
		t.Errorf("apply --dry-run: exit %d\n%s", code, out)
	}
	code, out, errOut = runCLI(t, "routes", "apply", "--hub", url, "--comment", "reword", file)
	if code != exitOK || !strings.Contains(out, "saved as version 2") {
		t.Fatalf("apply: exit %d %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "; in force on the hub that answered") {
		t.Errorf("apply: output does not say version 2 is in force:\n%s", out)
	}
	_, out, _ = runCLI(t, "routes", "history", "--hub", url)
	if !strings.Contains(out, "v2") || !strings.Contains(out, "reword") || !strings.Contains(out, "v1") {
		t.Errorf("history:\n%s", out)
	}
	// The hub that saved version 2 put it in force before it responded,
	// so the mark is on version 2 at once.
	if !strings.HasPrefix(out, "* v2 ") || strings.Contains(out, "* v1 ") {
		t.Errorf("history right after the save does not mark version 2 alone:\n%s", out)
	}
	// --before past the newest version lists from the newest.
	_, out, _ = runCLI(t, "routes", "history", "--hub", url, "--before", "99")
	if !strings.HasPrefix(out, "* v2 ") || !strings.Contains(out, " v1 ") {
		t.Errorf("history --before 99:\n%s", out)
	}
	_, out, _ = runCLI(t, "routes", "history", "--hub", url, "--before", "1")
	if out != "no versions before version 1\n" {
		t.Errorf("history --before 1: %q, want no versions", out)
	}
	_, out, _ = runCLI(t, "routes", "diff", "--hub", url, "1", "2")
	if !strings.Contains(out, `+    when: message.type == "chargesheet"`) {
		t.Errorf("diff:\n%s", out)
	}
	code, out, _ = runCLI(t, "routes", "restore", "--hub", url, "--dry-run", "1")
	if code != exitOK || !strings.Contains(out, "dry run: nothing saved") || strings.Contains(out, "restored") {
		t.Errorf("restore --dry-run: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"restore", "1", "2"}, {"diff", "1", "2", "3"}, {"export", "--version", "0"},
		{"export", "--version", "-3"}, {"explain", "--message", "m1", "--agency", "police", "f.json"},
		{"history", "--limit", "0"},
	} {
		code, _, errOut := runCLI(t, append(append([]string{"routes"}, args...), "--hub", url)...)
		if code == exitOK {
			t.Errorf("routes %s: exit 0, want an error; stderr %s", strings.Join(args, " "), errOut)
		}
	}
	code, out, errOut = runCLI(t, "routes", "restore", "--hub", url, "1")
	if code != exitOK || !strings.Contains(out, "version 1 restored as version 3") ||
		!strings.Contains(errOut, "warning: without --expect") {
		t.Errorf("restore after the dry run and the rejected commands: exit %d, stderr %s\n%s", code, errOut, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	badDoc := strings.Replace(doc, `message.type == "chargesheet"`, `message.typo == 1`, 1)
	if err := os.WriteFile(bad, []byte(badDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "routes", "apply", "--hub", url, bad)
	if code != exitInvalid {
		t.Errorf("invalid apply: exit %d, want %d", code, exitInvalid)
	}
	// The problem's line starts with its pointer and ends, before the
	// CEL error's indented caret lines, with its rule.
	wantLine := regexp.MustCompile(`(?m)^  /routes/0/when: route "final-report-to-court": ` +
		`invalid condition .*(\n    .*)* \(cel-type\)$`)
	if !wantLine.MatchString(errOut) {
		t.Errorf("invalid apply: stderr lacks the problem with its pointer and rule:\n%s", errOut)
	}
	_, _, info := runCLI(t, "routes", "export", "--hub", url)
	if !strings.Contains(info, "routes version 3") {
		t.Errorf("an invalid apply changed the routes: %s", info)
	}
	code, out, _ = runCLI(t, "routes", "apply", "--hub", url, file)
	if code != exitOK || !strings.Contains(out, "saved as version 4") {
		t.Errorf("re-applying after the restore: exit %d\n%s", code, out)
	}
}

func TestRoutesExplainStoredMessage(t *testing.T) {
	url := startTestHub(t)
	code, out, errOut := runCLI(t, "send", "--agency", "police", "--hub", url,
		writeSample(t, "chargesheet-2023-ipc"))
	if code != exitOK {
		t.Fatalf("send: exit %d %s", code, errOut)
	}
	id := between(out, `"message_id": "`, `"`)
	code, out, errOut = runCLI(t, "routes", "explain", "--hub", url, "--message", id)
	if code != exitOK {
		t.Fatalf("explain: exit %d %s", code, errOut)
	}
	if !strings.Contains(out, `"same_as_journal": true`) {
		t.Errorf("explain does not agree with the journal:\n%s", out)
	}
	if !strings.Contains(out, `"destination": "ecourts-kerala"`) {
		t.Errorf("explain lacks the court delivery:\n%s", out)
	}
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

func TestTokenOutputIsATokenFile(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--name", "cctns-kerala", "--agency", "police")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	tokens, err := auth.Parse([]byte(out))
	if err != nil {
		t.Fatalf("the printed lines are not a token file: %v\n%s", err, out)
	}
	token := strings.TrimPrefix(strings.Split(out, "\n")[1], "# ")
	req := httptest.NewRequest("POST", "/", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	p, err := tokens.Identify(req)
	if err != nil || p.Agency != "police" {
		t.Errorf("the printed token identifies %+v, %v; want the police agency", p, err)
	}
}

func TestTokenRejectsUnknownAgency(t *testing.T) {
	code, out, errOut := runCLI(t, "token", "--name", "x", "--agency", "nosuch")
	if code != exitSetup {
		t.Errorf("exit %d, want %d", code, exitSetup)
	}
	if out != "" {
		t.Errorf("printed a token for an unknown agency:\n%s", out)
	}
	for _, want := range []string{`"nosuch"`, "courts", "passport", "police", "prisons"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestHubProblemShowsDetail(t *testing.T) {
	body := `{"type":"urn:sangam:problem:invalid-routes","title":"Routes document is invalid","status":400,` +
		`"detail":"the routes document is invalid; nothing changed",` +
		`"errors":[{"pointer":"/destinations/0/url","rule":"url","message":"destination \"court\": url: missing host"}]}`
	err := hubProblem("http://127.0.0.1:8400", http.StatusBadRequest, []byte(body))
	if !errors.Is(err, errInvalid) {
		t.Errorf("error %v does not wrap errInvalid", err)
	}
	want := "invalid input: the routes document is invalid; nothing changed\n" +
		`  /destinations/0/url: destination "court": url: missing host (url)`
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
}

func TestHubProblemNotFoundIsInput(t *testing.T) {
	body := `{"type":"urn:sangam:problem:not-found","title":"Not found","status":404,` +
		`"detail":"no message with id nosuch"}`
	err := hubProblem("http://127.0.0.1:8400", http.StatusNotFound, []byte(body))
	if !errors.Is(err, errInvalid) {
		t.Errorf("error %v does not wrap errInvalid, so the command would not exit 1", err)
	}
	if want := "not found: no message with id nosuch"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestRoutesMissingIsNotFound(t *testing.T) {
	url := startTestHub(t)
	code, _, errOut := runCLI(t, "routes", "diff", "--hub", url, "99")
	if code != exitInvalid {
		t.Errorf("diff 99: exit %d, want %d", code, exitInvalid)
	}
	if want := "sangam routes: not found: routes version 99 does not exist\n"; errOut != want {
		t.Errorf("diff 99: stderr %q, want %q", errOut, want)
	}
	code, _, errOut = runCLI(t, "routes", "explain", "--hub", url, "--message", deadID1)
	if code != exitInvalid {
		t.Errorf("explain --message %s: exit %d, want %d", deadID1, code, exitInvalid)
	}
	if want := "sangam routes: not found: no message with id " + deadID1 + "\n"; errOut != want {
		t.Errorf("explain --message %s: stderr %q, want %q", deadID1, errOut, want)
	}
}

func TestHubProblemTooLargeIsInput(t *testing.T) {
	body := `{"type":"urn:sangam:problem:too-large","title":"Message is too large","status":413,` +
		`"detail":"the body exceeds the limit of 2 MiB"}`
	err := hubProblem("http://127.0.0.1:8400", http.StatusRequestEntityTooLarge, []byte(body))
	if !errors.Is(err, errInvalid) {
		t.Errorf("error %v does not wrap errInvalid, so the command would not exit 1", err)
	}
}

func TestHubProblemRejectedTokenNamesFlag(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		body := fmt.Sprintf(`{"type":"urn:sangam:problem:unauthenticated","title":"Authentication required",`+
			`"status":%d,"detail":"send the token your administrator issued as Authorization: Bearer TOKEN"}`, status)
		err := hubProblem("http://127.0.0.1:8400", status, []byte(body))
		if !strings.Contains(err.Error(), "check --token") {
			t.Errorf("HTTP %d: error %q does not name the --token flag", status, err)
		}
		if errors.Is(err, errInvalid) || errors.Is(err, errUnavailable) {
			t.Errorf("HTTP %d: error %v wraps errInvalid or errUnavailable, want a setup error", status, err)
		}
	}
}

func TestShownLineEscapesControls(t *testing.T) {
	got := shownLine("routine\nv99 op-alice \x1b[31m\u202eevil")
	want := "routine<U+000A>v99 op-alice <U+001B>[31m<U+202E>evil"
	if got != want {
		t.Errorf("shownLine = %q, want %q", got, want)
	}
	if got := shownLine("റൂട്ട് മാറ്റം"); got != "റൂട്ട് മാറ്റം" {
		t.Errorf("shownLine changed plain text to %q", got)
	}
}

// TestRoutesApplyExpect has two admins export version 1 and apply their
// own edits. With --expect, the second fails and changes nothing. Without
// it, the second undoes the first, with a warning. --by names the admin.
func TestRoutesApplyExpect(t *testing.T) {
	url := startTestHub(t)
	_, doc, info := runCLI(t, "routes", "export", "--hub", url)
	if !strings.Contains(info, "routes version 1") {
		t.Fatalf("export: %s", info)
	}
	edit := func(name, from, to string) string {
		changed := strings.Replace(doc, from, to, 1)
		if changed == doc {
			t.Fatalf("the default routes lack %s", from)
		}
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, []byte(changed), 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	first := edit("a.yaml", "version: default-6", "version: admin-a")
	second := edit("b.yaml", "version: default-6", "version: admin-b")

	code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, "--expect", "1", "--by", "asha", first)
	if code != exitOK || !strings.Contains(out, "saved as version 2") ||
		strings.Contains(errOut, "warning: without --expect") {
		t.Fatalf("first apply: exit %d, stderr %s\n%s", code, errOut, out)
	}
	// --expect takes a version as routes history prints it, too.
	code, out, errOut = runCLI(t, "routes", "apply", "--hub", url, "--expect", "v1", second)
	if code == exitOK || !strings.Contains(errOut, "based on version 1 but the current version is 2") {
		t.Errorf("second apply with --expect v1: exit %d, stderr %s\n%s", code, errOut, out)
	}
	if _, _, info := runCLI(t, "routes", "export", "--hub", url); !strings.Contains(info, "routes version 2") {
		t.Errorf("the conflicting apply changed the routes: %s", info)
	}
	code, _, errOut = runCLI(t, "routes", "apply", "--hub", url, "--dry-run", "--expect", "1", second)
	if code == exitOK || !strings.Contains(errOut, "based on version 1") {
		t.Errorf("dry run with --expect 1: exit %d, stderr %s", code, errOut)
	}

	code, out, errOut = runCLI(t, "routes", "apply", "--hub", url, second)
	if code != exitOK || !strings.Contains(out, "saved as version 3") ||
		!strings.Contains(errOut, "warning: without --expect") {
		t.Errorf("second apply without --expect: exit %d, stderr %s\n%s", code, errOut, out)
	}
	_, out, _ = runCLI(t, "routes", "history", "--hub", url)
	if !regexp.MustCompile(`(?m)^  v2 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +asha`).MatchString(out) {
		t.Errorf("history does not give version 2's time in UTC and name asha:\n%s", out)
	}
	if code, _, _ := runCLI(t, "routes", "apply", "--hub", url, "--expect", "0", second); code == exitOK {
		t.Error("--expect 0: exit 0, want a usage error")
	}
}

// TestRoutesHistoryPages saves three versions and pages back through
// them two at a time.
func TestRoutesHistoryPages(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	for i, label := range []string{"page-2", "page-3"} {
		file := filepath.Join(t.TempDir(), label+".yaml")
		if err := os.WriteFile(file, []byte(strings.Replace(doc, "version: default-6", "version: "+label, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, "--expect", fmt.Sprint(i+1), file); code != exitOK {
			t.Fatalf("apply %s: exit %d %s\n%s", label, code, errOut, out)
		}
	}
	versions := func(args ...string) []string {
		_, out, _ := runCLI(t, append([]string{"routes", "history", "--hub", url, "--limit", "2"}, args...)...)
		var numbers []string
		for _, m := range regexp.MustCompile(`(?m)^[ *] (v\d+)`).FindAllStringSubmatch(out, -1) {
			numbers = append(numbers, m[1])
		}
		return numbers
	}
	if got := versions(); fmt.Sprint(got) != "[v3 v2]" {
		t.Errorf("first page = %v, want [v3 v2]", got)
	}
	if got := versions("--before", "2"); fmt.Sprint(got) != "[v1]" {
		t.Errorf("page before v2 = %v, want [v1]", got)
	}
	if _, out, _ := runCLI(t, "routes", "history", "--hub", url, "--before", "1"); out != "no versions before version 1\n" {
		t.Errorf("page before v1 = %q, want it to say there are none", out)
	}
	if code, _, _ := runCLI(t, "routes", "history", "--hub", url, "--before", "0"); code == exitOK {
		t.Error("--before 0: exit 0, want a usage error")
	}
}

// TestRoutesHistoryMarksInForce lists three versions from a hub that
// has yet to apply the newest, so only version 2 is marked.
func TestRoutesHistoryMarksInForce(t *testing.T) {
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"versions": [
			{"number": 3, "by": "asha", "comment": "", "created_at": "2026-03-02T10:00:00Z", "restored_from": 1, "in_force": false},
			{"number": 2, "by": "asha", "comment": "reword", "created_at": "2026-03-01T10:00:00Z", "restored_from": 0, "in_force": true},
			{"number": 1, "by": "api", "comment": "seed", "created_at": "2026-02-28T10:00:00Z", "restored_from": 0, "in_force": false}]}`)
	}))
	t.Cleanup(hub.Close)

	code, out, errOut := runCLI(t, "routes", "history", "--hub", hub.URL)
	if code != exitOK {
		t.Fatalf("history: exit %d %s", code, errOut)
	}
	want := "  v3    2026-03-02 10:00:00Z  asha                 (restores v1)\n" +
		"* v2    2026-03-01 10:00:00Z  asha                 reword\n" +
		"  v1    2026-02-28 10:00:00Z  api                  seed\n"
	if out != want {
		t.Errorf("history =\n%s\nwant\n%s", out, want)
	}

	_, out, _ = runCLI(t, "routes", "history", "--hub", startTestHub(t))
	if !regexp.MustCompile(`(?m)^\* v1 `).MatchString(out) {
		t.Errorf("a new hub's history does not mark version 1 in force:\n%s", out)
	}
}

func TestRoutesExplainSendsMarkupUnescaped(t *testing.T) {
	var request []byte
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		request, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"explanations": []}`)
	}))
	t.Cleanup(hub.Close)
	file := filepath.Join(t.TempDir(), "movement.xml")
	const xml = `<movement kind="admission">A & B</movement>`
	if err := os.WriteFile(file, []byte(xml), 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, errOut := runCLI(t, "routes", "explain", "--hub", hub.URL, "--agency", "prisons", file)
	if code != exitOK {
		t.Fatalf("explain: exit %d %s", code, errOut)
	}
	// The hub limits the request to twice the inbound limit, which a
	// body whose < and > took six bytes each could pass.
	want := `"body":"<movement kind=\"admission\">A & B</movement>"`
	if !strings.Contains(string(request), want) {
		t.Errorf("request %s, want it to contain %s", request, want)
	}
}

func TestRoutesApplyOversizeIsInvalidInput(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	// Comment lines keep the document valid YAML at any size.
	line := "# " + strings.Repeat("x", 98) + "\n"
	for name, size := range map[string]int{
		"over the 1 MiB document limit": 3 << 19,
		"over the 2 MiB body limit":     3 << 20,
	} {
		file := filepath.Join(t.TempDir(), "routes.yaml")
		padded := doc + strings.Repeat(line, size/len(line))
		if err := os.WriteFile(file, []byte(padded), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, "--expect", "1", file)
		if code != exitInvalid {
			t.Errorf("%s: exit %d, want %d for invalid input; stderr %s\n%s",
				name, code, exitInvalid, errOut, out)
		}
		if !strings.Contains(errOut, "is over the maximum of 1048576 for a routes document") {
			t.Errorf("%s: stderr %s does not name the limit", name, errOut)
		}
	}
	if _, _, info := runCLI(t, "routes", "export", "--hub", url); !strings.Contains(info, "routes version 1") {
		t.Errorf("an oversize apply changed the routes: %s", info)
	}
}

func TestRoutesApplyCurrentVersionIsNoChange(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dryRun := range []string{"--dry-run=false", "--dry-run"} {
		code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, "--expect", "1", dryRun, file)
		if code != exitOK || !strings.Contains(out, "no change: the file is the current version") {
			t.Errorf("apply %s of the exported file: exit %d, stderr %s\n%s", dryRun, code, errOut, out)
		}
	}
	code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, file)
	if code != exitOK || !strings.Contains(out, "no change") || strings.Contains(errOut, "warning") {
		t.Errorf("apply without --expect of the exported file: exit %d, stderr %s\n%s; "+
			"want no change and no warning", code, errOut, out)
	}
	code, _, errOut = runCLI(t, "routes", "restore", "--hub", url, "--expect", "1", "--dry-run", "1")
	if code != exitInvalid || !strings.Contains(errOut, "the document is the current version") {
		t.Errorf("restore --dry-run of the current version: exit %d, stderr %s", code, errOut)
	}
}

func TestRoutesHelpNamesDefaultBy(t *testing.T) {
	for _, args := range [][]string{{"routes", "--help"}, {"routes", "apply", "--help"}} {
		_, _, errOut := runCLI(t, args...)
		if !strings.Contains(errOut, "api") || !strings.Contains(errOut, "--by") {
			t.Errorf("%s does not say that a change without --by is recorded as api:\n%s",
				strings.Join(args, " "), errOut)
		}
	}
}

func TestRoutesApplyRecordsAPIWithoutBy(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(doc+"# reviewed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, "routes", "apply", "--hub", url, "--expect", "1", file); code != exitOK {
		t.Fatalf("apply: exit %d, stderr %s\n%s", code, errOut, out)
	}
	_, out, _ := runCLI(t, "routes", "history", "--hub", url)
	if !regexp.MustCompile(`(?m)^[* ] v2 +\S+ \S+ +api\b`).MatchString(out) {
		t.Errorf("history does not record version 2 as made by api:\n%s", out)
	}
}

// TestChangeNotesRejectAadhaarLike gives routes apply, routes restore and
// replay a --by or --comment that contains the Aadhaar-valid number
// 491873625403: each is a usage error that writes the number masked, and
// the hub gets no request.
func TestChangeNotesRejectAadhaarLike(t *testing.T) {
	hub := &authorizationRecorder{}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte("destinations: []\nroutes: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{"ops 4918 7362 5403", "ops-4918-7362-5403", "ops_491873625403"} {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"routes", "apply", "--by", value, file}, "sangam routes: --by: invalid: it contains XXXXXXXX5403"},
			{[]string{"routes", "apply", "--comment", value, file}, "sangam routes: --comment: invalid: it contains XXXXXXXX5403"},
			{[]string{"routes", "restore", "--by", value, "1"}, "sangam routes: --by: invalid: it contains XXXXXXXX5403"},
			{[]string{"routes", "restore", "--comment", value, "1"}, "sangam routes: --comment: invalid: it contains XXXXXXXX5403"},
			{[]string{"replay", "--by", value, deadID1}, "sangam replay: --by: invalid: it contains XXXXXXXX5403"},
		} {
			args := append([]string{tc.args[0]}, tc.args[1:]...)
			args = append(args, "--hub", srv.URL)
			code, out, errOut := runCLI(t, args...)
			if code != exitSetup {
				t.Errorf("%v: exit %d, want %d", tc.args, code, exitSetup)
			}
			if out != "" {
				t.Errorf("%v: stdout %q, want nothing", tc.args, out)
			}
			if !strings.HasPrefix(errOut, tc.want) {
				t.Errorf("%v: stderr %q does not start with %q", tc.args, errOut, tc.want)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("%v: stderr %q has more than one line", tc.args, errOut)
			}
			if strings.Contains(errOut, "7362") {
				t.Errorf("%v: stderr %q shows the number in clear", tc.args, errOut)
			}
		}
	}
	if got := hub.received(); len(got) != 0 {
		t.Errorf("the hub got %d requests, want none", len(got))
	}
}

// TestRoutesRestoreErrorWithoutWarning restores, without --expect, a
// version that does not exist and the current version: each fails with
// the hub's error alone, without the warning that the restore replaces
// the current version, and nothing is saved.
func TestRoutesRestoreErrorWithoutWarning(t *testing.T) {
	url := startTestHub(t)
	for _, c := range []struct {
		version string
		code    int
		want    string
	}{
		{"99", exitInvalid, "sangam routes: not found: "},
		{"1", exitInvalid, "sangam routes: conflict: "},
	} {
		for _, flags := range [][]string{{}, {"--dry-run"}} {
			args := append([]string{"routes", "restore", "--hub", url, c.version}, flags...)
			code, out, errOut := runCLI(t, args...)
			if code != c.code {
				t.Errorf("%v: exit %d, want %d; stderr %s", args, code, c.code, errOut)
			}
			if !strings.HasPrefix(errOut, c.want) {
				t.Errorf("%v: stderr does not start with %q:\n%s", args, c.want, errOut)
			}
			if strings.Contains(errOut, "warning") {
				t.Errorf("%v: stderr has a warning before the error:\n%s", args, errOut)
			}
			if out != "" {
				t.Errorf("%v: stdout %q, want none", args, out)
			}
		}
	}
	_, _, info := runCLI(t, "routes", "export", "--hub", url)
	if !strings.Contains(info, "routes version 1 ") {
		t.Errorf("a failed restore saved a version: %s", info)
	}
}

// TestRoutesRestoreHistoryComment restores version 1 without a comment
// and with one: history shows the hub's default comment without the
// "(restores v1)" that repeats it, and a comment of the operator's with it.
func TestRoutesRestoreHistoryComment(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(doc, "version: ", "version: changed-", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"apply", "--expect", "1", file},
		{"restore", "--expect", "2", "1"},
		{"apply", "--expect", "3", file},
		{"restore", "--expect", "4", "--comment", "undo the label", "1"},
	}
	for _, step := range steps {
		if code, out, errOut := runCLI(t, append(append([]string{"routes"}, step...), "--hub", url)...); code != exitOK {
			t.Fatalf("routes %v: exit %d, stderr %s\n%s", step, code, errOut, out)
		}
	}
	_, out, _ := runCLI(t, "routes", "history", "--hub", url)
	lines := strings.Split(out, "\n")
	if len(lines) < 4 {
		t.Fatalf("history has %d lines, want 5:\n%s", len(lines), out)
	}
	if !strings.HasSuffix(lines[0], " undo the label (restores v1)") {
		t.Errorf("history line of version 5 = %q, want it to end with the comment and (restores v1)", lines[0])
	}
	if !strings.HasSuffix(lines[2], " restore version 1") {
		t.Errorf("history line of version 3 = %q, want it to end with \"restore version 1\"", lines[2])
	}
}

func TestHubProblemOtherBodyNotHub(t *testing.T) {
	page := "<!DOCTYPE HTML>\n<html><body><h1>Error response</h1><p>Error code: 501</p>" +
		strings.Repeat("<p>Unsupported method ('POST')</p>\n", 10) + "</body></html>"
	err := hubProblem("http://127.0.0.1:8400", http.StatusNotImplemented, []byte(page))
	if !errors.Is(err, errHubSetup) {
		t.Errorf("HTTP 501 with a web page: error %v does not wrap errHubSetup, so the "+
			"command would not exit 2", err)
	}
	if errors.Is(err, errUnavailable) {
		t.Errorf("HTTP 501 with a web page: error %v wraps errUnavailable", err)
	}
	if !strings.Contains(err.Error(), "--hub http://127.0.0.1:8400 does not look like a Sangam hub") {
		t.Errorf("HTTP 501 with a web page: error %q does not name --hub", err)
	}
	if strings.Contains(err.Error(), "\n") || len([]rune(err.Error())) > 250 {
		t.Errorf("HTTP 501 with a web page: error %q is not one short line", err)
	}
}

func TestHubProblemProxyBodyUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		err := hubProblem("http://127.0.0.1:8400", status, []byte("<html>upstream 4918 7362 5403</html>"))
		if !errors.Is(err, errUnavailable) {
			t.Errorf("HTTP %d with a web page: error %v does not wrap errUnavailable", status, err)
		}
		if strings.Contains(err.Error(), "7362") {
			t.Errorf("HTTP %d: error %q shows an Aadhaar number", status, err)
		}
	}
}
