package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/routestore"
)

// insertVersion2 stores doc as routes version 2 by SQL, as a hub without
// the rules that reject it now could have saved it.
func insertVersion2(t *testing.T, dsn, doc, comment string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO route_versions
		(number, document, created_by, comment, created_at)
		VALUES (2, $1, 'an older hub', $2, now())`, doc, comment); err != nil {
		t.Fatalf("inserting version 2: %v", err)
	}
}

// rejectedChange is the problem document of a rejected routes change.
type rejectedChange struct {
	Errors []struct {
		Pointer string `json:"pointer"`
		Rule    string `json:"rule"`
		Message string `json:"message"`
	} `json:"errors"`
}

// credentialRoutes returns routes that send every police chargesheet to
// one court destination at url, with settings, more YAML lines of the
// destination, each indented by four spaces.
func credentialRoutes(url, settings string) []byte {
	return []byte(`version: test
destinations:
  - name: ecourts-kerala
    agency: courts
    url: ` + url + `
    timeout: 2s
    max_attempts: 2
` + settings + `routes:
  - name: final-report-to-court
    when: message.type == "chargesheet" && message.source == "police"
    to: [ecourts-kerala]
`)
}

// guardedCourt is a court on loopback that accepts a filing only with
// the Authorization header want. It rejects any other with 401 and a
// body that repeats the header it got, as some servers' error pages do.
type guardedCourt struct {
	url  string
	want string

	mu       sync.Mutex // guards received
	received []string   // each request's Authorization header
}

func newGuardedCourt(t *testing.T, want string) *guardedCourt {
	t.Helper()
	c := &guardedCourt{want: want}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got := r.Header.Get("Authorization")
		c.mu.Lock()
		c.received = append(c.received, got)
		c.mu.Unlock()
		if got != c.want {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "invalid credentials: Authorization: %s", got)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL + "/ecf"
	return c
}

func (c *guardedCourt) headers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.received...)
}

// logBuffer is a log destination that the hub's goroutines may share.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// capturedLog returns a logger that keeps every record, debug included,
// and the buffer it keeps them in.
func capturedLog() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// writeSecret writes content to path and moves its modification time on,
// so that the change is seen even on a file system with a coarse clock.
func writeSecret(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
}

// getText returns the body of GET url, failing t unless it is 200.
func getText(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	return string(body)
}

// chargesheet returns the sample chargesheet as a new message, n, of a
// case of its own.
func chargesheet(t *testing.T, n int) []byte {
	t.Helper()
	doc := withMessageID(t, "chargesheet-2023-ipc", fmt.Sprintf("credentials-%d", n))
	return editJSON(t, doc, func(m map[string]any) {
		m["fir"].(map[string]any)["number"] = 5000 + n
	})
}

func TestDestinationTokenSentAndNeverShown(t *testing.T) {
	const first, second = "tok-first-5d1c9e8a7b", "tok-second-3f6a2b4c9d"
	tokenPath := filepath.Join(t.TempDir(), "court-token")
	writeSecret(t, tokenPath, first+"\n")
	court := newGuardedCourt(t, "Bearer "+first)
	log, logs := capturedLog()
	h := startHub(t, Config{PostgresDSN: postgresDSN(t), Log: log,
		Routes: credentialRoutes(court.url, "    bearer_token_file: "+tokenPath+"\n")})
	url := "http://" + h.Addr()

	_, delivered, body := post(t, url, "police", chargesheet(t, 1))
	if delivered.MessageID == "" {
		t.Fatalf("first chargesheet not accepted: %s", body)
	}
	if j := settledJourney(t, url, delivered.MessageID); j.Status != "delivered" {
		t.Fatalf("first chargesheet: status %s, want delivered: %+v", j.Status, j.Deliveries)
	}

	// A new token in the file is sent from the next attempt on, and the
	// court, which still expects the first, rejects it.
	writeSecret(t, tokenPath, second+"\n")
	_, rejected, body := post(t, url, "police", chargesheet(t, 2))
	if rejected.MessageID == "" {
		t.Fatalf("second chargesheet not accepted: %s", body)
	}
	j := settledJourney(t, url, rejected.MessageID)
	if j.Status != "dead" || len(j.Deliveries) != 1 {
		t.Fatalf("second chargesheet: status %s with %d deliveries, want dead with 1",
			j.Status, len(j.Deliveries))
	}
	want := "destination rejected the hub's credentials (the bearer token in " + tokenPath +
		"): HTTP 401: invalid credentials: Authorization: Bearer [redacted]"
	if got := j.Deliveries[0].Reason; got != want {
		t.Errorf("dead-letter reason = %q, want %q", got, want)
	}
	if got := court.headers(); len(got) != 2 || got[0] != "Bearer "+first || got[1] != "Bearer "+second {
		t.Errorf("court received Authorization headers %q, want the first token, then the second", got)
	}

	pages := map[string]string{}
	for _, path := range []string{
		"/api/v1/routes", "/api/v1/routes/versions", "/api/v1/routes/versions/1",
		"/api/v1/destinations", "/api/v1/messages/" + delivered.MessageID,
		"/api/v1/messages/" + rejected.MessageID, "/api/v1/deadletters",
	} {
		pages[path] = getText(t, url+path)
	}
	pages["the hub's log"] = logs.String()
	for where, text := range pages {
		for _, secret := range []string{first, second} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains the token %s:\n%s", where, secret, text)
			}
		}
	}
	var listed struct {
		Destinations []struct {
			BearerTokenFile string `json:"bearer_token_file"`
		} `json:"destinations"`
	}
	getJSON(t, url, "/api/v1/destinations", &listed)
	if len(listed.Destinations) != 1 || listed.Destinations[0].BearerTokenFile != tokenPath {
		t.Errorf("GET /api/v1/destinations = %+v, want the one destination with the token's path",
			listed.Destinations)
	}
	if !strings.Contains(pages["the hub's log"], "dead-lettered") {
		t.Errorf("the captured log has no dead letter, so its check saw nothing:\n%s", logs)
	}
}

func TestMissingTokenFileKeepsRoutes(t *testing.T) {
	court := newGuardedCourt(t, "")
	log, logs := capturedLog()
	h := startHub(t, Config{PostgresDSN: postgresDSN(t), Log: log,
		RoutesInterval: 20 * time.Millisecond, Routes: credentialRoutes(court.url, "")})
	url := "http://" + h.Addr()
	tokenPath := filepath.Join(t.TempDir(), "court-token")
	doc := string(credentialRoutes(court.url, "    bearer_token_file: "+tokenPath+"\n"))

	// The replica that saves a version checks its files, so the API
	// rejects the change and nothing is saved.
	var rejected rejectedChange
	status := sendJSON(t, http.MethodPut, url+"/api/v1/routes",
		api.RoutesChange{Document: doc, Expect: 1, By: "test"}, &rejected)
	if status != http.StatusBadRequest {
		t.Fatalf("PUT with a missing token file: status %d, want 400", status)
	}
	const pointer = "/destinations/0/bearer_token_file"
	want := `destination "ecourts-kerala": bearer_token_file: stat ` + tokenPath + ": no such file"
	if len(rejected.Errors) != 1 || !strings.Contains(rejected.Errors[0].Message, want) {
		t.Fatalf("PUT errors = %+v, want one containing %q", rejected.Errors, want)
	}
	if e := rejected.Errors[0]; e.Pointer != pointer || e.Rule != "file" {
		t.Errorf("PUT error at %q with rule %q, want %q and file", e.Pointer, e.Rule, pointer)
	}

	// A version saved where the file exists, as another replica may, is
	// not applied here, and the routes in force stay.
	v, err := h.backend.routes.Save(context.Background(), routestore.Change{
		Document: []byte(doc), By: "another replica", Expect: 1})
	if err != nil {
		t.Fatalf("saving version 2: %v", err)
	}
	waitFor(t, "the hub to reject version 2", func() bool {
		return strings.Contains(logs.String(), "routes version not applied")
	})
	if got := h.Routes().Version(); got != "v1" {
		t.Errorf("routes in force = %s, want v1", got)
	}
	// The text handler quotes the error, so its own quotes are escaped.
	logged := strings.ReplaceAll(pointer+": "+want, `"`, `\"`)
	if !strings.Contains(logs.String(), logged) {
		t.Errorf("the log does not give the pointer, destination, field and path %q:\n%s", logged, logs)
	}
	var current api.RoutesVersion
	getJSON(t, url, "/api/v1/routes", &current)
	if current.Number != v.Number || current.InForce {
		t.Errorf("GET /api/v1/routes = version %d, in force %v; want version %d not in force",
			current.Number, current.InForce, v.Number)
	}

	// Once the file is there, the watcher's next try applies the version.
	writeSecret(t, tokenPath, "tok-9c2e4f6a8b")
	waitFor(t, "version 2 in force", func() bool { return h.Routes().Version() == "v2" })
}

func TestURLCredentialsRejectedOnSave(t *testing.T) {
	court := newGuardedCourt(t, "")
	h := startHub(t, Config{PostgresDSN: postgresDSN(t), Routes: credentialRoutes(court.url, "")})
	url := "http://" + h.Addr()
	withPassword := strings.Replace(court.url, "http://", "http://hub:pw-8e1f3a@", 1)

	var rejected struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	status := sendJSON(t, http.MethodPut, url+"/api/v1/routes", api.RoutesChange{
		Document: string(credentialRoutes(withPassword, "")), Expect: 1, By: "test"}, &rejected)
	if status != http.StatusBadRequest {
		t.Fatalf("PUT with a password in the url: status %d, want 400", status)
	}
	want := `destination "ecourts-kerala": url must not contain credentials; ` +
		"use bearer_token_file or basic_auth"
	if len(rejected.Errors) != 1 || rejected.Errors[0].Message != want {
		t.Errorf("PUT errors = %+v, want one: %q", rejected.Errors, want)
	}
	var list struct {
		Versions []routestore.Info `json:"versions"`
	}
	getJSON(t, url, "/api/v1/routes/versions", &list)
	if len(list.Versions) != 1 {
		t.Errorf("%d versions after the rejected change, want 1", len(list.Versions))
	}
}

func TestStoredURLCredentialsStillApply(t *testing.T) {
	req := &http.Request{Header: http.Header{}}
	req.SetBasicAuth("hub", "pw-4b7d2c")
	court := newGuardedCourt(t, req.Header.Get("Authorization"))
	dsn := postgresDSN(t)
	log, logs := capturedLog()
	first := startHub(t, Config{PostgresDSN: dsn, Log: log, RoutesInterval: 20 * time.Millisecond,
		Routes: credentialRoutes(court.url, "")})

	// Version 2 has the password in its url, as a hub without the rule
	// against it could save. Save rejects it now, so it goes in by SQL.
	legacy := credentialRoutes(strings.Replace(court.url, "http://", "http://hub:pw-4b7d2c@", 1), "")
	insertVersion2(t, dsn, string(legacy), "password in the url")

	// The running replica applies it, and a replica that starts now
	// starts with it.
	waitFor(t, "version 2 in force", func() bool { return first.Routes().Version() == "v2" })
	second := startHub(t, Config{PostgresDSN: dsn, Log: log})
	if got := second.Routes().Version(); got != "v2" {
		t.Errorf("a replica started on version 2 routes with %s", got)
	}
	if n := strings.Count(logs.String(), "destination url contains credentials"); n < 2 {
		t.Errorf("%d warnings about the url's credentials, want one from each replica:\n%s", n, logs)
	}

	url := "http://" + second.Addr()
	_, res, body := post(t, url, "police", chargesheet(t, 1))
	if res.MessageID == "" {
		t.Fatalf("chargesheet not accepted: %s", body)
	}
	if j := settledJourney(t, url, res.MessageID); j.Status != "delivered" {
		t.Errorf("status %s, want delivered with the url's credentials: %+v", j.Status, j.Deliveries)
	}
	if strings.Contains(logs.String(), "pw-4b7d2c") {
		t.Errorf("the log repeats the password:\n%s", logs)
	}
}

func TestFirstStartFailureNamesWhatItLeft(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(t.TempDir(), "court-token")
	doc := credentialRoutes("http://127.0.0.1:9/ecf", "    bearer_token_file: "+tokenFile+"\n")
	cfg := Config{Listen: "127.0.0.1:0", DataDir: dir, Routes: doc, Log: quietLog()}

	_, err := Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a routes file naming a missing token file succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		"/destinations/0/bearer_token_file",
		"the routes were not saved",
		"the journal " + filepath.Join(dir, journalFile) + " is created and migrated",
		"this start created the Aadhaar key file " + keyPath(dir),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Open error lacks %q: %v", want, msg)
		}
	}
	if strings.Contains(msg, "nothing was saved") {
		t.Errorf("Open error says nothing was saved, but the journal and key exist: %v", msg)
	}
	for _, path := range []string{keyPath(dir), filepath.Join(dir, journalFile)} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v, want it left for the next start", path, err)
		}
	}
}

func TestFirstStartWithUnknownAgencyLeavesNoKey(t *testing.T) {
	dir := t.TempDir()
	doc := strings.Replace(string(credentialRoutes("http://127.0.0.1:9/ecf", "")), "agency: courts",
		"agency: nosuch", 1)
	cfg := Config{Listen: "127.0.0.1:0", DataDir: dir, Routes: []byte(doc), Log: quietLog()}

	_, err := Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a destination of an unknown agency succeeded")
	}
	if !strings.Contains(err.Error(), "/destinations/0/agency") ||
		!strings.Contains(err.Error(), "nothing was stored") {
		t.Errorf("Open error = %v, want the field's pointer and that nothing was stored", err)
	}
	if _, err := os.Stat(keyPath(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("key file %s: %v, want it removed", keyPath(dir), err)
	}
}

func TestFirstStartWithUnknownTokenAgencyLeavesNoKey(t *testing.T) {
	dir := t.TempDir()
	tokens, err := auth.Parse([]byte("tokens:\n  - {name: stray, agency: nosuch, sha256: " +
		digestOf("stray-secret") + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Listen: "127.0.0.1:0", DataDir: dir, Tokens: tokens, Log: quietLog()}

	_, err = Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a token of an unknown agency succeeded")
	}
	if !strings.Contains(err.Error(), `unknown agency "nosuch"`) {
		t.Errorf("Open error = %v, want the unknown agency", err)
	}
	if _, err := os.Stat(keyPath(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("key file %s: %v, want it removed", keyPath(dir), err)
	}
}

func TestFirstStartWithMissingFileSavesNothing(t *testing.T) {
	court := newGuardedCourt(t, "Bearer first-token")
	tokenFile := filepath.Join(t.TempDir(), "court-token")
	doc := credentialRoutes(court.url, "    bearer_token_file: "+tokenFile+"\n")
	cfg := Config{Listen: "127.0.0.1:0", AadhaarKey: testKey, PostgresDSN: postgresDSN(t),
		Routes: doc, Log: quietLog()}

	_, err := Open(context.Background(), cfg)
	if err == nil {
		t.Fatal("Open with a routes file naming a missing token file succeeded")
	}
	if !strings.Contains(err.Error(), "/destinations/0/bearer_token_file") ||
		!strings.Contains(err.Error(), "the routes were not saved, but the journal in PostgreSQL "+
			"is created and migrated") {
		t.Errorf("Open error = %v, want the field's pointer and that the routes were not saved", err)
	}

	// The store is still empty, so the same file seeds it once the token
	// file is in place.
	writeSecret(t, tokenFile, "first-token\n")
	h := startHub(t, cfg)
	v, err := h.backend.routes.Current(context.Background())
	if err != nil {
		t.Fatalf("reading the seeded version: %v", err)
	}
	if v.Number != 1 || v.Comment != routestore.SeedComment {
		t.Errorf("current version = %d %q, want the seed as version 1", v.Number, v.Comment)
	}
}

// TestStartWithMissingTokenFile restarts a hub on stored routes whose
// destination's token file is gone. The hub starts and logs the file, and
// the destination's deliveries wait until the file is back, as they do
// when the file goes missing while the hub runs.
func TestStartWithMissingTokenFile(t *testing.T) {
	const token = "tok-start-6e2a9d4c1b"
	court := newGuardedCourt(t, "Bearer "+token)
	tokenPath := filepath.Join(t.TempDir(), "court-token")
	writeSecret(t, tokenPath, token+"\n")
	doc := bytes.Replace(credentialRoutes(court.url, "    bearer_token_file: "+tokenPath+"\n"),
		[]byte("max_attempts: 2"), []byte("max_attempts: 100"), 1)
	dataDir := t.TempDir()
	first, stop, done := runHub(t, Config{DataDir: dataDir, Routes: doc})
	if got := first.Routes().Version(); got != "v1" {
		t.Fatalf("first start: routes %s, want v1", got)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("first hub Run: %v", err)
	}

	if err := os.Remove(tokenPath); err != nil {
		t.Fatal(err)
	}
	log, logs := capturedLog()
	h := startHub(t, Config{DataDir: dataDir, Routes: doc, Log: log})
	if got := h.Routes().Version(); got != "v1" {
		t.Errorf("routes in force = %s, want v1", got)
	}
	var errorLines []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) != 1 {
		t.Fatalf("%d error lines at start, want 1:\n%s", len(errorLines), logs)
	}
	for _, want := range []string{"destination=ecourts-kerala", "field=bearer_token_file",
		"file=" + tokenPath, "no such file", "routes_version=1"} {
		if !strings.Contains(errorLines[0], want) {
			t.Errorf("the error line does not contain %q: %s", want, errorLines[0])
		}
	}

	url := "http://" + h.Addr()
	_, res, body := post(t, url, "police", chargesheet(t, 1))
	if res.MessageID == "" {
		t.Fatalf("chargesheet not accepted: %s", body)
	}
	want := `not sent: destination "ecourts-kerala": bearer_token_file: stat ` + tokenPath
	waitFor(t, "an attempt that names the missing file", func() bool {
		var j journal.Journey
		getJSON(t, url, "/api/v1/messages/"+res.MessageID, &j)
		return len(j.Deliveries) == 1 && len(j.Deliveries[0].Attempts) > 0 &&
			strings.HasPrefix(j.Deliveries[0].Attempts[0].Error, want)
	})
	if got := court.headers(); len(got) != 0 {
		t.Errorf("the court received %d requests while the token file was missing, want none", len(got))
	}

	writeSecret(t, tokenPath, token+"\n")
	if j := settledJourney(t, url, res.MessageID); j.Status != "delivered" {
		t.Errorf("status %s once the file is back, want delivered: %+v", j.Status, j.Deliveries)
	}
}

// TestHubSecretsNotDestinationCredentials saves, through the admin API, a
// destination whose bearer token is the hub's Aadhaar key file, which
// would send the key to any URL an operator names. The save is rejected,
// nothing reaches the destination, and the key is in no response.
func TestHubSecretsNotDestinationCredentials(t *testing.T) {
	court := newGuardedCourt(t, "")
	dataDir := t.TempDir()
	// The key file of a hub started without a key in its configuration.
	key := []byte("4672e512c0a94f3b8d17e6a25b9c0d3f1e8a7b6c5d4e3f2a1b0c9d8e7f6a6714")
	writeSecret(t, filepath.Join(dataDir, "aadhaar.key"), string(key))
	h := startHub(t, Config{DataDir: dataDir, Routes: credentialRoutes(court.url, "")})
	url := "http://" + h.Addr()

	var rejected rejectedChange
	doc := credentialRoutes(court.url, "    bearer_token_file: "+filepath.Join(dataDir, "aadhaar.key")+"\n")
	status := sendJSON(t, http.MethodPut, url+"/api/v1/routes", api.RoutesChange{
		Document: string(doc), Expect: 1, By: "test"}, &rejected)
	if status != http.StatusBadRequest {
		t.Fatalf("PUT naming the key file: status %d, want 400", status)
	}
	if len(rejected.Errors) != 1 || rejected.Errors[0].Pointer != "/destinations/0/bearer_token_file" ||
		rejected.Errors[0].Rule != "file" ||
		!strings.Contains(rejected.Errors[0].Message, "the hub's Aadhaar key file") {
		t.Errorf("PUT errors = %+v, want one file problem at the bearer_token_file naming the key file",
			rejected.Errors)
	}
	if strings.Contains(fmt.Sprint(rejected), strings.TrimSpace(string(key))) {
		t.Error("the response repeats the Aadhaar key")
	}
	var list struct {
		Versions []routestore.Info `json:"versions"`
	}
	getJSON(t, url, "/api/v1/routes/versions", &list)
	if len(list.Versions) != 1 {
		t.Errorf("%d versions after the rejected change, want 1", len(list.Versions))
	}
	if got := court.headers(); len(got) != 0 {
		t.Errorf("the court received %d requests, want none", len(got))
	}
}

// TestPostgresPasswordFileNotDestinationCredentials names, as a
// destination's bearer token, the one-line password file that pgx reads
// through $PGPASSFILE. The save is rejected as for the hub's own files.
func TestPostgresPasswordFileNotDestinationCredentials(t *testing.T) {
	passfile := filepath.Join(t.TempDir(), "pgpass")
	writeSecret(t, passfile, "127.0.0.1:5432:*:sangam:pg-secret-pw\n")
	t.Setenv("PGPASSFILE", passfile)
	court := newGuardedCourt(t, "")
	h := startHub(t, Config{DataDir: t.TempDir(), Routes: credentialRoutes(court.url, "")})

	var rejected rejectedChange
	doc := credentialRoutes(court.url, "    bearer_token_file: "+passfile+"\n")
	status := sendJSON(t, http.MethodPut, "http://"+h.Addr()+"/api/v1/routes", api.RoutesChange{
		Document: string(doc), Expect: 1, By: "test", DryRun: true}, &rejected)
	if status != http.StatusBadRequest {
		t.Fatalf("dry run naming $PGPASSFILE: status %d, want 400", status)
	}
	if len(rejected.Errors) != 1 || !strings.Contains(rejected.Errors[0].Message, "$PGPASSFILE") {
		t.Errorf("errors = %+v, want one naming the PostgreSQL password file", rejected.Errors)
	}
}

func TestPostgresPasswordFilesFromURL(t *testing.T) {
	t.Setenv("PGPASSFILE", "")
	for dsn, want := range map[string]string{
		"postgres://sangam@db:5432/sangam?passfile=/etc/sangam/pgpass&sslmode=disable": "/etc/sangam/pgpass",
		"host=db user=sangam passfile='/etc/sangam/pgpass' dbname=sangam":              "/etc/sangam/pgpass",
		"postgres://sangam@db:5432/sangam":                                             "",
	} {
		got := postgresPasswordFiles(dsn)["the PostgreSQL password file of the hub's URL"]
		if got != want {
			t.Errorf("%s: passfile %q, want %q", dsn, got, want)
		}
	}
}

// TestAddressInUseLeavesNoTrace starts a hub on an address another
// listener holds. The start fails before it creates a key file or a
// journal in the data folder.
func TestAddressInUseLeavesNoTrace(t *testing.T) {
	holder, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	data := t.TempDir()
	addr := holder.Addr().String()
	_, err = Open(context.Background(), Config{Listen: addr, DataDir: data, Log: quietLog()})
	if err == nil {
		t.Fatal("Open on an address in use succeeded")
	}
	if !strings.Contains(err.Error(), "listening on "+addr) {
		t.Errorf("Open on an address in use: err = %v, want it to name the address", err)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("the failed start left %d files in the data folder", len(entries))
	}
}
