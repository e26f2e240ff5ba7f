package outbound_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/internal/outbound/outboundtest"
	"github.com/sangam-hub/sangam/routes"
)

// table compiles a routes document whose destinations are the given YAML
// list items, each with a name, and one route to all of them.
func table(t *testing.T, destinations ...string) *routes.Table {
	t.Helper()
	var doc strings.Builder
	doc.WriteString("destinations:\n")
	var names []string
	for i, d := range destinations {
		name := fmt.Sprintf("d%d", i+1)
		names = append(names, name)
		fmt.Fprintf(&doc, "  - name: %s\n    agency: courts\n%s", name, d)
	}
	fmt.Fprintf(&doc, "routes:\n  - name: r\n    when: 'true'\n    to: [%s]\n", strings.Join(names, ", "))
	tbl, err := routes.Load([]byte(doc.String()))
	if err != nil {
		t.Fatalf("loading routes: %v\n%s", err, doc.String())
	}
	return tbl
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// authorize returns the Authorization header that the endpoint of
// destination d1 in set sets, and the endpoint's redact function.
func authorize(t *testing.T, set *outbound.Set) (string, func(string) string) {
	t.Helper()
	e, ok := set.Endpoint("d1")
	if !ok {
		t.Fatal("no endpoint for d1")
	}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", nil)
	redact, err := e.Authorize(req)
	if err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	return req.Header.Get("Authorization"), redact
}

func TestBuildNamesEveryMissingFile(t *testing.T) {
	dir := t.TempDir()
	missing := func(name string) string { return filepath.Join(dir, name) }
	_, err := outbound.Build(table(t,
		"    url: http://127.0.0.1:9/\n    bearer_token_file: "+missing("token")+"\n",
		"    url: http://127.0.0.1:9/\n    basic_auth: {username: hub, password_file: "+
			missing("password")+"}\n",
		"    url: https://127.0.0.1:9/\n    tls: {ca_file: "+missing("ca.pem")+"}\n",
		"    url: https://127.0.0.1:9/\n    tls: {cert_file: "+missing("c.pem")+
			", key_file: "+missing("k.pem")+"}\n",
	), nil, nil)
	if err == nil {
		t.Fatal("Build accepted four destinations whose files are missing")
	}
	for _, want := range []string{
		`destination "d1": bearer_token_file: stat ` + missing("token") + ": no such file",
		`destination "d2": basic_auth.password_file: stat ` + missing("password") + ": no such file",
		`destination "d3": tls.ca_file: open ` + missing("ca.pem") + ": no such file",
		`destination "d4": tls.cert_file: stat ` + missing("c.pem") + ": no such file",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}

func TestBuildProblemPointers(t *testing.T) {
	dir := t.TempDir()
	missing := func(name string) string { return filepath.Join(dir, name) }
	_, err := outbound.Build(table(t,
		"    url: http://127.0.0.1:9/\n",
		"    url: https://127.0.0.1:9/\n    bearer_token_file: "+missing("token")+
			"\n    tls: {ca_file: "+missing("ca.pem")+"}\n",
		"    url: http://127.0.0.1:9/\n    basic_auth: {username: hub, password_file: "+
			writeFile(t, dir, "empty", "\n")+"}\n",
		"    url: https://127.0.0.1:9/\n    tls: {cert_file: "+missing("c.pem")+
			", key_file: "+missing("k.pem")+"}\n",
	), nil, nil)
	var got []string
	for _, p := range routes.Problems(err) {
		got = append(got, p.Pointer+" "+p.Rule)
	}
	want := []string{
		"/destinations/1/bearer_token_file file",
		"/destinations/1/tls/ca_file file",
		"/destinations/2/basic_auth/password_file file",
		"/destinations/3/tls/cert_file file",
		"/destinations/3/tls/key_file file",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q\n%v", got, want, err)
	}
}

// TestCheckReportsEveryTLSFile names three unusable TLS files of one
// destination, each for another reason, and gets a problem for each.
func TestCheckReportsEveryTLSFile(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "cert-folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := routes.Parse([]byte("destinations:\n" +
		"  - {name: d1, agency: courts, url: 'https://127.0.0.1:9/', tls: {ca_file: " +
		writeFile(t, dir, "ca.pem", "no certificate here") + ", cert_file: " + folder +
		", key_file: " + filepath.Join(dir, "missing-key.pem") + "}}\n" +
		"routes:\n  - {name: r, when: 'true', to: [d1]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	checkErr := outbound.Check(c, nil)
	want := map[string]string{
		"/destinations/0/tls/ca_file":   "contains no PEM certificate",
		"/destinations/0/tls/cert_file": folder + " is a directory",
		"/destinations/0/tls/key_file":  "stat " + filepath.Join(dir, "missing-key.pem"),
	}
	problems := routes.Problems(checkErr)
	if len(problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(problems), len(want), checkErr)
	}
	for _, p := range problems {
		text, ok := want[p.Pointer]
		if !ok {
			t.Errorf("unexpected problem at %s: %s", p.Pointer, p.Message)
			continue
		}
		if !strings.Contains(p.Message, text) {
			t.Errorf("%s: message %q, want it to contain %q", p.Pointer, p.Message, text)
		}
	}
}

func TestCheckReadsFilesOfInvalidDocument(t *testing.T) {
	dir := t.TempDir()
	doc := "destinations:\n" +
		"  - name: relative\n    agency: courts\n    url: ftp://x\n    bearer_token_file: token\n" +
		"  - name: absolute\n    agency: courts\n    url: ftp://x\n    bearer_token_file: " +
		filepath.Join(dir, "token") + "\n" +
		"routes:\n  - name: r\n    when: 'true'\n    to: [nowhere]\n"
	c, err := routes.Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted an invalid document")
	}
	problems := routes.Problems(outbound.Check(c, nil))
	if len(problems) != 1 {
		t.Fatalf("Check found %d problems, want 1 for the absolute path: %v", len(problems), problems)
	}
	if p := problems[0]; p.Pointer != "/destinations/1/bearer_token_file" || p.Rule != routes.RuleFile {
		t.Errorf("problem at %q with rule %q, want /destinations/1/bearer_token_file and file",
			p.Pointer, p.Rule)
	}
	if !strings.Contains(problems[0].Message, `destination "absolute": bearer_token_file: stat `) {
		t.Errorf("message %q does not name the destination, the field and the path",
			problems[0].Message)
	}
}

func TestCheckLeavesUnpairedKeyToValidate(t *testing.T) {
	dir := t.TempDir()
	doc := "destinations:\n" +
		"  - name: court\n    agency: courts\n    url: https://127.0.0.1:9/ecf\n" +
		"    tls: {cert_file: " + filepath.Join(dir, "client.pem") + "}\n" +
		"routes: []\n"
	c, err := routes.Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse accepted a client certificate without its key")
	}
	if problems := routes.Problems(outbound.Check(c, nil)); len(problems) != 0 {
		t.Errorf("Check found %v, want none: Validate reports the missing key_file", problems)
	}
}

func TestBuildRejectsInvalidFiles(t *testing.T) {
	dir := t.TempDir()
	pki := outboundtest.NewPKI(t)
	for name, tc := range map[string]struct {
		destination string
		want        string
	}{
		"empty token": {
			"    bearer_token_file: " + writeFile(t, dir, "empty", " \n") + "\n",
			"bearer_token_file: " + filepath.Join(dir, "empty") + " is empty",
		},
		"token of two lines": {
			"    bearer_token_file: " + writeFile(t, dir, "two", "abc\ndef\n") + "\n",
			"contains a control character",
		},
		"CA file without certificates": {
			"    tls: {ca_file: " + writeFile(t, dir, "ca.pem", "not PEM") + "}\n",
			"tls.ca_file: " + filepath.Join(dir, "ca.pem") + " contains no PEM certificate",
		},
		"key of another certificate": {
			"    tls: {cert_file: " + pki.CertFile + ", key_file: " +
				writeFile(t, dir, "k.pem", "not a key") + "}\n",
			"tls.cert_file " + pki.CertFile + " and tls.key_file " + filepath.Join(dir, "k.pem"),
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := outbound.Build(table(t, "    url: https://127.0.0.1:9/\n"+tc.destination), nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Build error %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "def") {
				t.Errorf("error repeats the file's content: %v", err)
			}
		})
	}
}

func TestBearerTokenRereadWhenChanged(t *testing.T) {
	path := writeFile(t, t.TempDir(), "token", "  first-token\n")
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+path+"\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := authorize(t, set); got != "Bearer first-token" {
		t.Errorf("Authorization = %q, want %q", got, "Bearer first-token")
	}

	if err := os.WriteFile(path, []byte("second-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The new modification time must differ even on a coarse clock.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := authorize(t, set); got != "Bearer second-token" {
		t.Errorf("Authorization after the file changed = %q, want %q", got, "Bearer second-token")
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	e, _ := set.Endpoint("d1")
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", nil)
	_, err = e.Authorize(req)
	if err == nil || !strings.Contains(err.Error(), "bearer_token_file: stat "+path) {
		t.Errorf("Authorize after the file was removed: error %v, want the field and path", err)
	}
	if req.Header.Get("Authorization") != "" {
		t.Errorf("Authorization = %q after a failed read, want none", req.Header.Get("Authorization"))
	}
}

func TestBearerTokenCachedUntilChanged(t *testing.T) {
	path := writeFile(t, t.TempDir(), "token", "first-token\n")
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+path+"\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	// The same file with the same size and modification time counts as
	// unchanged, so the endpoint keeps the token it read and does not
	// read the file at every attempt.
	if err := os.WriteFile(path, []byte("other-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got, _ := authorize(t, set); got != "Bearer first-token" {
		t.Errorf("Authorization with the file unchanged by stat = %q, want the cached %q",
			got, "Bearer first-token")
	}
}

func TestBasicAuthHeader(t *testing.T) {
	path := writeFile(t, t.TempDir(), "password", "pa55:word\n")
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n"+
		"    basic_auth: {username: hub, password_file: "+path+"}\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	header, redact := authorize(t, set)
	req := &http.Request{Header: http.Header{"Authorization": {header}}}
	user, password, ok := req.BasicAuth()
	if !ok || user != "hub" || password != "pa55:word" {
		t.Errorf("basic credentials = %q, %q, %v; want hub, pa55:word", user, password, ok)
	}

	encoded := base64.StdEncoding.EncodeToString([]byte("hub:pa55:word"))
	got := redact("echo: pa55:word " + encoded)
	if strings.Contains(got, "pa55") || strings.Contains(got, encoded) {
		t.Errorf("redact left a secret: %q", got)
	}
	// A body excerpt cut short may end with the start of a secret.
	got = redact("echo: " + encoded[:10])
	if got != "echo: [redacted]" {
		t.Errorf("redact of a text that ends with the start of a secret = %q", got)
	}
	e, _ := set.Endpoint("d1")
	if want := `basic authentication as "hub" with the password in ` + path; e.Credentials() != want {
		t.Errorf("Credentials = %q, want %q", e.Credentials(), want)
	}
}

func TestEndpointWithoutCredentials(t *testing.T) {
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	header, redact := authorize(t, set)
	if header != "" {
		t.Errorf("Authorization = %q, want none", header)
	}
	if got := redact("body"); got != "body" {
		t.Errorf("redact changed a text without secrets: %q", got)
	}
	e, _ := set.Endpoint("d1")
	if e.Transport() != nil || e.Credentials() != "" {
		t.Errorf("endpoint without settings has transport %v and credentials %q",
			e.Transport(), e.Credentials())
	}
}

func TestMutualTLSTransport(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	srv := pki.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	get := func(transport http.RoundTripper) (*http.Response, error) {
		client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
		return client.Get(srv.URL)
	}

	set, err := outbound.Build(table(t,
		"    url: "+srv.URL+"\n    tls: {ca_file: "+pki.CAFile+", cert_file: "+pki.CertFile+
			", key_file: "+pki.KeyFile+"}\n",
		"    url: "+srv.URL+"\n    tls: {ca_file: "+pki.CAFile+"}\n",
	), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	withCert, _ := set.Endpoint("d1")
	if got := commonName(t, get, withCert.Transport()); got != "sangam-hub" {
		t.Errorf("server saw client %q, want sangam-hub", got)
	}

	// A renewed certificate at the same paths is used from the next
	// connection on.
	renewedCert, renewedKey := pki.IssueClient(t, "sangam-hub-renewed")
	later := time.Now().Add(time.Minute)
	for from, to := range map[string]string{renewedCert: pki.CertFile, renewedKey: pki.KeyFile} {
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(to, later, later); err != nil {
			t.Fatal(err)
		}
	}
	withCert.Transport().CloseIdleConnections()
	if got := commonName(t, get, withCert.Transport()); got != "sangam-hub-renewed" {
		t.Errorf("server saw client %q after the renewal, want sangam-hub-renewed", got)
	}

	caOnly, _ := set.Endpoint("d2")
	if resp, err := get(caOnly.Transport()); err == nil {
		resp.Body.Close()
		t.Errorf("request without a client certificate: status %d, want a TLS error", resp.StatusCode)
	}
	if resp, err := get(http.DefaultTransport); err == nil ||
		!strings.Contains(err.Error(), "certificate") {
		if resp != nil {
			resp.Body.Close()
		}
		t.Errorf("request with the system's roots: error %v, want an unknown authority", err)
	}
}

// commonName sends a request with transport through get and returns the
// response body: the common name of the client certificate the server saw.
func commonName(
	t *testing.T,
	get func(http.RoundTripper) (*http.Response, error),
	transport http.RoundTripper,
) string {
	t.Helper()
	resp, err := get(transport)
	if err != nil {
		t.Fatalf("request with the client certificate: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status with the client certificate = %d, want 200", resp.StatusCode)
	}
	return string(body)
}

// TestRedactEchoedTokenForms has a destination echo the bearer token as
// its base64 and in upper case, as servers that log their requests do.
func TestRedactEchoedTokenForms(t *testing.T) {
	const token = "S3cr3t-Bearer-Token-abcdefg123456"
	path := writeFile(t, t.TempDir(), "token", token+"\n")
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n"+
		"    bearer_token_file: "+path+"\n"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, redact := authorize(t, set)
	for _, echoed := range []string{
		token,
		strings.ToUpper(token),
		base64.StdEncoding.EncodeToString([]byte(token)),
		base64.RawURLEncoding.EncodeToString([]byte(token)),
	} {
		if got := redact("echo: " + echoed + " done"); got != "echo: [redacted] done" {
			t.Errorf("redact(%q) = %q, want the token redacted", echoed, got)
		}
	}
	if got := redact("Ärger über the body"); got != "Ärger über the body" {
		t.Errorf("redact changed a text without the token: %q", got)
	}
}

func TestBuildStoredWaitsForMissingFiles(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	dir := t.TempDir()
	token, ca := filepath.Join(dir, "token"), filepath.Join(dir, "ca.pem")
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	set := outbound.BuildStored(table(t,
		"    url: https://127.0.0.1:9/\n    bearer_token_file: "+token+"\n    tls: {ca_file: "+ca+"}\n",
		"    url: http://127.0.0.1:9/\n",
	), nil, log)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want one for each missing file:\n%s", len(lines), logs.String())
	}
	for i, want := range []string{"field=bearer_token_file file=" + token, "field=tls.ca_file file=" + ca} {
		if !strings.Contains(lines[i], "level=ERROR") || !strings.Contains(lines[i], "destination=d1 "+want) {
			t.Errorf("log line %d = %s, want an error with destination=d1 %s", i, lines[i], want)
		}
	}
	if e, ok := set.Endpoint("d2"); !ok || e.Transport() != nil {
		t.Errorf("d2, which names no files: endpoint %v, %v, want one with the default transport", e, ok)
	}

	e, ok := set.Endpoint("d1")
	if !ok {
		t.Fatal("no endpoint for d1, whose files are missing")
	}
	req, _ := http.NewRequest(http.MethodPost, "https://127.0.0.1:9/", nil)
	if _, err := e.Authorize(req); err == nil || !strings.Contains(err.Error(), "stat "+token) {
		t.Errorf("Authorize with the files missing: error %v, want the token file's", err)
	}

	// Once the files are back, the next attempt reads them all.
	writeFile(t, dir, "token", "late-token\n")
	caPEM, err := os.ReadFile(pki.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "ca.pem", string(caPEM))
	if got, _ := authorize(t, set); got != "Bearer late-token" {
		t.Errorf("Authorization once the files are back = %q, want %q", got, "Bearer late-token")
	}
	if tr := e.Transport(); tr == nil || tr.TLSClientConfig == nil || tr.TLSClientConfig.RootCAs == nil {
		t.Errorf("transport once the files are back = %v, want one with the CA file's roots", tr)
	}
	if got, want := e.Credentials(), "the bearer token in "+token; got != want {
		t.Errorf("Credentials = %q, want %q", got, want)
	}
}

// records is a slog.Handler that keeps every record it handles.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }

func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec.Clone())
	return nil
}

func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }

func (r *records) WithGroup(string) slog.Handler { return r }

// usableLines returns the destinations named by the info lines that report
// a destination's files can be used again.
func (r *records) usableLines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var destinations []string
	for _, rec := range r.list {
		if rec.Level != slog.LevelInfo || !strings.Contains(rec.Message, "files can be used again") {
			continue
		}
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "destination" {
				destinations = append(destinations, a.Value.String())
			}
			return true
		})
	}
	return destinations
}

// authorizeErr returns the error of Authorize on the endpoint of d1.
func authorizeErr(t *testing.T, set *outbound.Set) error {
	t.Helper()
	e, ok := set.Endpoint("d1")
	if !ok {
		t.Fatal("no endpoint for d1")
	}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", nil)
	_, err := e.Authorize(req)
	return err
}

func TestStoredFilesUsableAgainLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	logs := &records{}
	set := outbound.BuildStored(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+token+"\n"),
		nil, slog.New(logs))
	for range 2 {
		if err := authorizeErr(t, set); err == nil {
			t.Fatal("Authorize passed with the token file missing")
		}
	}
	if got := logs.usableLines(); len(got) != 0 {
		t.Errorf("usable-again lines while the file is missing: %v, want none", got)
	}

	writeFile(t, dir, "token", "late-token\n")
	for range 3 {
		if err := authorizeErr(t, set); err != nil {
			t.Fatalf("Authorize with the token file back: %v", err)
		}
	}
	if got := logs.usableLines(); !slices.Equal(got, []string{"d1"}) {
		t.Errorf("usable-again lines after the file came back: %v, want one for d1", got)
	}

	// A second loss and recovery logs a second line.
	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}
	if err := authorizeErr(t, set); err == nil {
		t.Fatal("Authorize passed with the token file removed")
	}
	writeFile(t, dir, "token", "later-token\n")
	for range 2 {
		if err := authorizeErr(t, set); err != nil {
			t.Fatalf("Authorize with the token file back again: %v", err)
		}
	}
	if got := logs.usableLines(); !slices.Equal(got, []string{"d1", "d1"}) {
		t.Errorf("usable-again lines after two recoveries: %v, want two for d1", got)
	}
}

func TestBuiltFilesUsableAgainLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	token := writeFile(t, dir, "token", "first-token\n")
	logs := &records{}
	set, err := outbound.Build(table(t, "    url: http://127.0.0.1:9/\n    bearer_token_file: "+token+"\n"),
		nil, slog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	if err := authorizeErr(t, set); err != nil {
		t.Fatalf("Authorize with the token file present: %v", err)
	}
	if got := logs.usableLines(); len(got) != 0 {
		t.Errorf("usable-again lines before any failure: %v, want none", got)
	}

	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := authorizeErr(t, set); err == nil {
			t.Fatal("Authorize passed with the token file removed")
		}
	}
	writeFile(t, dir, "token", "second-token\n")
	for range 2 {
		if err := authorizeErr(t, set); err != nil {
			t.Fatalf("Authorize with the token file back: %v", err)
		}
	}
	if got := logs.usableLines(); !slices.Equal(got, []string{"d1"}) {
		t.Errorf("usable-again lines after the file came back: %v, want one for d1", got)
	}
}
