// Package outbound prepares the hub's requests to each destination of a
// routes table: the Authorization header, read from the destination's
// bearer_token_file or basic_auth password_file, and an HTTP transport of
// its own when the destination has tls settings.
//
// The routes document names the files, which live on the hub's machine.
// Build reads every file of a table before the hub puts the table in
// force, so that a table whose files are missing or invalid is
// rejected. BuildStored, for the version in force when the hub starts,
// logs such files instead, and only their destinations' attempts fail
// until the files are fixed. After that, an endpoint reads a token,
// password, client certificate or key file again when the file changes,
// so a rotated secret takes effect at the next attempt. A CA file is read
// once per Build, when a routes version is put in force or the hub
// starts.
package outbound

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sangam-hub/sangam/routes"
)

// Set is the endpoints of one routes table, by destination name. It is
// safe for concurrent use.
type Set struct {
	endpoints map[string]*Endpoint
}

// Build reads the files of every destination of t and returns their
// endpoints. A bearer_token_file or password_file that is one of
// reserved is a problem. The error is a *routes.InvalidError that lists
// every problem, each with rule routes.RuleFile, the pointer of the
// field, and a message that names the destination, the field and the
// path. An endpoint whose files fail at Authorize and then pass again
// logs one info line to log when they pass. A nil log discards it.
func Build(t *routes.Table, reserved *Reserved, log *slog.Logger) (*Set, error) {
	s := &Set{endpoints: map[string]*Endpoint{}}
	var problems []routes.Problem
	for i, d := range t.Config().Destinations {
		e, err := newEndpoint(d, reserved, log)
		if err != nil {
			problems = append(problems, fileProblems(i, d.Name, err)...)
			continue
		}
		s.endpoints[d.Name] = e
	}
	if len(problems) > 0 {
		return nil, routes.Invalid(problems...)
	}
	return s, nil
}

// Check reads the files of every destination of c as Build does, without
// keeping the endpoints, and returns an *routes.InvalidError with a
// problem for each file that is missing or invalid. c need not be valid:
// Check skips a destination with a path that is not absolute, or with a
// client certificate and no key or the reverse, which Validate reports.
func Check(c routes.Config, reserved *Reserved) error {
	var problems []routes.Problem
	for i, d := range c.Destinations {
		if !absolutePaths(d) || !pairedKey(d) {
			continue
		}
		if _, err := newEndpoint(d, reserved, nil); err != nil {
			problems = append(problems, fileProblems(i, d.Name, err)...)
		}
	}
	return routes.Invalid(problems...)
}

// pairedKey reports whether d's tls, if any, names both a client
// certificate and its key or neither. Validate reports one without the
// other, so Check does not read the files and report the empty path too.
func pairedKey(d routes.Destination) bool {
	return d.TLS == nil || (d.TLS.CertFile == "") == (d.TLS.KeyFile == "")
}

// absolutePaths reports whether every file path of d is absolute.
func absolutePaths(d routes.Destination) bool {
	paths := []string{d.BearerTokenFile}
	if d.BasicAuth != nil {
		paths = append(paths, d.BasicAuth.PasswordFile)
	}
	if d.TLS != nil {
		paths = append(paths, d.TLS.CAFile, d.TLS.CertFile, d.TLS.KeyFile)
	}
	for _, p := range paths {
		if p != "" && !filepath.IsAbs(p) {
			return false
		}
	}
	return true
}

// fileProblems returns a problem for each error of newEndpoint about
// destination i, named name, at the field that names the file.
func fileProblems(i int, name string, err error) []routes.Problem {
	errs := splitErrors(err)
	problems := make([]routes.Problem, len(errs))
	for j, e := range errs {
		field := ""
		var fe *fileError
		if errors.As(e, &fe) {
			field = fe.field
		}
		problems[j] = routes.Problem{Pointer: routes.DestinationPointer(i, field), Rule: routes.RuleFile,
			Message: fmt.Sprintf("destination %q: %v", name, e)}
	}
	return problems
}

// splitErrors returns the errors that err joins, at any depth, or err
// alone when it joins none.
func splitErrors(err error) []error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var errs []error
	for _, e := range joined.Unwrap() {
		errs = append(errs, splitErrors(e)...)
	}
	return errs
}

// Endpoint returns the named destination's endpoint.
func (s *Set) Endpoint(destination string) (*Endpoint, bool) {
	e, ok := s.endpoints[destination]
	return e, ok
}

// Close closes the idle connections of the set's transports. Requests in
// flight finish, and a later request opens a new connection.
func (s *Set) Close() {
	for _, e := range s.endpoints {
		if e.deferred != nil {
			e = e.deferred.loaded()
		}
		if e != nil && e.transport != nil {
			e.transport.CloseIdleConnections()
		}
	}
}

// Needed reports whether d has settings that Build reads: a destination
// with none can be sent to without an endpoint.
func Needed(d routes.Destination) bool {
	return d.BearerTokenFile != "" || d.BasicAuth != nil || d.TLS != nil
}

// Endpoint is the credentials and the transport of one destination. A
// nil *Endpoint sends without credentials over the default transport.
type Endpoint struct {
	// transport is the destination's own transport, or nil for the
	// caller's default.
	transport *http.Transport
	// secret returns the Authorization header's credentials, or is nil
	// when the destination has none.
	secret func() (credentials, error)
	// certificate reads the client certificate's files again when they
	// changed and returns their problem, or is nil when the destination
	// has no client certificate.
	certificate func() error
	// description names what the endpoint authenticates with, for
	// messages.
	description string
	// deferred, when set, builds the endpoint in place of the fields
	// above, which are then unset (see BuildStored).
	deferred *deferredEndpoint

	// destination is the destination's name, for log lines.
	destination string
	// log receives the line that the files can be used again, or is nil
	// to discard it.
	log *slog.Logger
	// unusable is set when Authorize fails on the files and cleared by
	// the next Authorize that passes, which logs the recovery once.
	unusable atomic.Bool
}

// credentials is the Authorization header of one attempt and the secret
// strings in it.
type credentials struct {
	header  string
	secrets []string
}

// newEndpoint reads d's files and returns its endpoint, which logs to
// log when its files pass again after a failure. The error joins one
// *fileError for the credentials and one for the TLS files, each when
// they are missing or invalid, or the credentials file is one of
// reserved.
func newEndpoint(d routes.Destination, reserved *Reserved, log *slog.Logger) (*Endpoint, error) {
	e := &Endpoint{destination: d.Name, log: log}
	var errs []error
	var described []string
	switch {
	case d.BearerTokenFile != "":
		e.secret = secretFile("bearer_token_file", d.BearerTokenFile, reserved, func(token string) credentials {
			return credentials{header: "Bearer " + token, secrets: secretForms(token)}
		})
		described = append(described, "the bearer token in "+d.BearerTokenFile)
	case d.BasicAuth != nil:
		user, path := d.BasicAuth.Username, d.BasicAuth.PasswordFile
		e.secret = secretFile("basic_auth.password_file", path, reserved, func(password string) credentials {
			encoded := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
			return credentials{header: "Basic " + encoded,
				secrets: append(secretForms(password), secretForms(encoded)...)}
		})
		described = append(described, fmt.Sprintf("basic authentication as %q with the password in %s",
			user, path))
	}
	if e.secret != nil {
		if _, err := e.secret(); err != nil {
			errs = append(errs, err)
		}
	}
	if d.TLS != nil {
		t, certificate, err := newTransport(*d.TLS)
		if err != nil {
			errs = append(errs, err)
		} else {
			e.transport, e.certificate = t, certificate
		}
		if d.TLS.CertFile != "" {
			described = append(described, "the client certificate in "+d.TLS.CertFile)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	warnOpenSecrets(log, d)
	e.description = strings.Join(described, " and ")
	return e, nil
}

// secretModes records the permission bits of each secret file that
// warnOpenSecrets checked, by path, for the life of the process. Every
// routes version that the hub loads is built again, so without it each
// load would repeat the same warnings.
var secretModes = struct {
	sync.Mutex
	byPath map[string]fs.FileMode
}{byPath: map[string]fs.FileMode{}}

// modeChanged records perm as the permission bits of path and reports
// whether they differ from those recorded before, or none were.
func modeChanged(path string, perm fs.FileMode) bool {
	secretModes.Lock()
	defer secretModes.Unlock()
	last, seen := secretModes.byPath[path]
	secretModes.byPath[path] = perm
	return !seen || last != perm
}

// warnOpenSecrets logs a warning for each file of d's secrets, its bearer
// token, password or client key, whose permissions let its group or
// others use it. It warns of a file once for each change of its
// permission bits in this process: a file that stays 0640 across reloads
// gets one line, and gets another if it becomes 0644, or 0600 and then
// 0640 again. The line names the destination being built when the
// change was seen, so a file that several destinations share is named
// with one of them. A nil log discards the lines and records nothing.
func warnOpenSecrets(log *slog.Logger, d routes.Destination) {
	if log == nil {
		return
	}
	var secrets []file
	switch {
	case d.BearerTokenFile != "":
		secrets = append(secrets, file{"bearer_token_file", d.BearerTokenFile})
	case d.BasicAuth != nil:
		secrets = append(secrets, file{"basic_auth.password_file", d.BasicAuth.PasswordFile})
	}
	if d.TLS != nil && d.TLS.KeyFile != "" {
		secrets = append(secrets, file{routesTLSFields.KeyFile, d.TLS.KeyFile})
	}
	for _, f := range secrets {
		st, err := os.Stat(f.path)
		if err != nil || !modeChanged(f.path, st.Mode().Perm()) || !openToOthers(st.Mode()) {
			continue
		}
		log.Warn("destination's secret file grants access to its group or others: "+
			"make it readable by the hub's user alone, such as with chmod 600",
			"destination", d.Name, "field", f.field, "file", f.path,
			"mode", fmt.Sprintf("%#o", st.Mode().Perm()))
	}
}

// secretText returns content without surrounding white space, or an
// error naming field and path when that leaves nothing or a control
// character, which no header value may carry.
func secretText(field, path string, content []byte) (string, error) {
	s := strings.TrimSpace(string(content))
	if s == "" {
		return "", fieldError(field, path, fmt.Errorf("%s is empty", path))
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", fieldError(field, path, fmt.Errorf("%s contains a control character, such as a "+
			"line break inside the secret: put the secret alone on one line", path))
	}
	return s, nil
}

// Transport returns the destination's own transport, or nil when it uses
// the caller's default. For an endpoint of BuildStored whose files have
// not passed yet it returns nil, so call it only after Authorize
// succeeded.
func (e *Endpoint) Transport() *http.Transport {
	if e != nil && e.deferred != nil {
		e = e.deferred.loaded()
	}
	if e == nil {
		return nil
	}
	return e.transport
}

// Authorize sets req's Authorization header from the destination's secret
// file, read again when it changed since the last read. It returns a
// function that replaces each secret it sent with "[redacted]" in a
// text, such as a response body that repeats the request's headers. It
// also reads the client certificate's files again when they changed, so
// that a missing or invalid one fails here, before anything is sent. An
// endpoint of BuildStored whose files failed reads them all again first,
// and returns their problem while one still fails.
func (e *Endpoint) Authorize(req *http.Request) (redact func(string) string, err error) {
	if e != nil && e.deferred != nil {
		built, err := e.deferred.load()
		if err != nil {
			return nil, err
		}
		return built.Authorize(req)
	}
	if e == nil {
		return func(s string) string { return s }, nil
	}
	c, err := e.readFiles()
	if err != nil {
		e.unusable.Store(true)
		return nil, err
	}
	if e.unusable.CompareAndSwap(true, false) {
		logUsable(e.log, e.destination)
	}
	if c == nil {
		return func(s string) string { return s }, nil
	}
	req.Header.Set("Authorization", c.header)
	return func(s string) string { return redactSecrets(s, c.secrets) }, nil
}

// readFiles reads the client certificate's files and the secret file
// again when they changed. It returns the credentials of the
// Authorization header, or nil when the endpoint has none.
func (e *Endpoint) readFiles() (*credentials, error) {
	if e.certificate != nil {
		if err := e.certificate(); err != nil {
			return nil, err
		}
	}
	if e.secret == nil {
		return nil, nil
	}
	c, err := e.secret()
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// logUsable logs that the files of destination can be used again, after
// attempts failed on them. A nil log discards the line.
func logUsable(log *slog.Logger, destination string) {
	if log == nil {
		return
	}
	log.Info("destination's files can be used again, so its deliveries are sent again",
		"destination", destination)
}

// minCutSecret is the shortest start of a secret that redactSecrets
// removes from the end of a text. Shorter ones match ordinary text too
// often to be worth hiding.
const minCutSecret = 4

// secretForms returns secret and the forms in which a destination that
// echoes its request may write it: base64, with and without padding and
// in the URL alphabet. redactSecrets also matches each in any case.
func secretForms(secret string) []string {
	forms := []string{secret}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding} {
		if form := enc.EncodeToString([]byte(secret)); !slices.Contains(forms, form) {
			forms = append(forms, form)
		}
	}
	return forms
}

// redactSecrets replaces each of secrets in s with "[redacted]", in any
// case of ASCII letters, and also the start of one at the end of s,
// where a length limit on s may have cut it.
func redactSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		s = replaceFold(s, secret, "[redacted]")
	}
	for _, secret := range secrets {
		for n := len(secret) - 1; n >= minCutSecret; n-- {
			if strings.HasSuffix(s, secret[:n]) {
				s = s[:len(s)-n] + "[redacted]"
				break
			}
		}
	}
	return s
}

// replaceFold replaces every match of old in s, ignoring the case of
// ASCII letters, with new.
func replaceFold(s, old, new string) string {
	if old == "" {
		return s
	}
	lower, target := asciiLower(s), asciiLower(old)
	if !strings.Contains(lower, target) {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, target)
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(new)
		s, lower = s[i+len(old):], lower[i+len(target):]
	}
	b.WriteString(s)
	return b.String()
}

// asciiLower returns s with its ASCII capitals in lower case, byte for
// byte, so that offsets into it are offsets into s.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// Credentials names what the endpoint authenticates with, such as "the
// bearer token in /run/secrets/court-token", or returns "" when it sends
// no credentials.
func (e *Endpoint) Credentials() string {
	if e != nil && e.deferred != nil {
		e = e.deferred.loaded()
	}
	if e == nil {
		return ""
	}
	return e.description
}
