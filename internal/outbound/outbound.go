// Package outbound prepares the hub's requests to each destination of a
// routes table: the Authorization header, read from the destination's
// bearer_token_file or basic_auth password_file, and an HTTP transport of
// its own when the destination has tls settings.
//
// The routes document names the files, which live on the hub's machine.
// Build reads every file of a table before the hub puts the table in
// force, so that a table whose files are missing or invalid is
// rejected. After that, an endpoint reads a token, password, client
// certificate or key file again when the file changes, so a rotated
// secret takes effect at the next attempt. A CA file is read once per
// Build, when a routes version is put in force or the hub starts.
package outbound

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sangam-hub/sangam/routes"
)

// Set is the endpoints of one routes table, by destination name. It is
// safe for concurrent use.
type Set struct {
	endpoints map[string]*Endpoint
}

// Build reads the files of every destination of t and returns their
// endpoints. The error lists every problem, each with the destination,
// the field and the path.
func Build(t *routes.Table) (*Set, error) {
	s := &Set{endpoints: map[string]*Endpoint{}}
	var errs []error
	for _, d := range t.Config().Destinations {
		e, err := newEndpoint(d)
		if err != nil {
			errs = append(errs, fmt.Errorf("destination %q: %w", d.Name, err))
			continue
		}
		s.endpoints[d.Name] = e
	}
	if len(errs) > 0 {
		s.Close()
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Check returns Build's error for t, without keeping the endpoints.
func Check(t *routes.Table) error {
	s, err := Build(t)
	if err != nil {
		return err
	}
	s.Close()
	return nil
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
		if e.transport != nil {
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
	// describe names what the endpoint authenticates with, for messages.
	describe string
}

// credentials is the Authorization header of one attempt and the secret
// strings in it.
type credentials struct {
	header  string
	secrets []string
}

func newEndpoint(d routes.Destination) (*Endpoint, error) {
	e := &Endpoint{}
	var described []string
	switch {
	case d.BearerTokenFile != "":
		r := &reloader[credentials]{
			files: []file{{"bearer_token_file", d.BearerTokenFile}},
			parse: func(contents [][]byte) (credentials, error) {
				token, err := secretText("bearer_token_file", d.BearerTokenFile, contents[0])
				if err != nil {
					return credentials{}, err
				}
				return credentials{header: "Bearer " + token, secrets: []string{token}}, nil
			},
		}
		e.secret = r.load
		described = append(described, "the bearer token in "+d.BearerTokenFile)
	case d.BasicAuth != nil:
		user, path := d.BasicAuth.Username, d.BasicAuth.PasswordFile
		r := &reloader[credentials]{
			files: []file{{"basic_auth.password_file", path}},
			parse: func(contents [][]byte) (credentials, error) {
				password, err := secretText("basic_auth.password_file", path, contents[0])
				if err != nil {
					return credentials{}, err
				}
				encoded := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
				return credentials{header: "Basic " + encoded,
					secrets: []string{password, encoded}}, nil
			},
		}
		e.secret = r.load
		described = append(described, fmt.Sprintf("basic authentication as %q with the password in %s",
			user, path))
	}
	if e.secret != nil {
		if _, err := e.secret(); err != nil {
			return nil, err
		}
	}
	if d.TLS != nil {
		t, err := newTransport(*d.TLS)
		if err != nil {
			return nil, err
		}
		e.transport = t
		if d.TLS.CertFile != "" {
			described = append(described, "the client certificate in "+d.TLS.CertFile)
		}
	}
	e.describe = strings.Join(described, " and ")
	return e, nil
}

// secretText returns content without surrounding white space, or an
// error naming field and path when that leaves nothing or a control
// character, which no header value may carry.
func secretText(field, path string, content []byte) (string, error) {
	s := strings.TrimSpace(string(content))
	if s == "" {
		return "", fmt.Errorf("%s: %s is empty", field, path)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", fmt.Errorf("%s: %s contains a control character, such as a line break "+
			"inside the secret: put the secret alone on one line", field, path)
	}
	return s, nil
}

// Transport returns the destination's own transport, or nil when it uses
// the caller's default.
func (e *Endpoint) Transport() *http.Transport {
	if e == nil {
		return nil
	}
	return e.transport
}

// Authorize sets req's Authorization header from the destination's secret
// file, read again when it changed since the last read. It returns a
// function that replaces each secret it sent with "[redacted]" in a
// text, such as a response body that repeats the request's headers.
func (e *Endpoint) Authorize(req *http.Request) (redact func(string) string, err error) {
	if e == nil || e.secret == nil {
		return func(s string) string { return s }, nil
	}
	c, err := e.secret()
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", c.header)
	return func(s string) string { return redactSecrets(s, c.secrets) }, nil
}

// minCutSecret is the shortest start of a secret that redactSecrets
// removes from the end of a text. Shorter ones match ordinary text too
// often to be worth hiding.
const minCutSecret = 4

// redactSecrets replaces each of secrets in s with "[redacted]", and
// also the start of one at the end of s, where a length limit on s may
// have cut it.
func redactSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
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

// Credentials names what the endpoint authenticates with, such as "the
// bearer token in /run/secrets/court-token", or returns "" when it sends
// no credentials.
func (e *Endpoint) Credentials() string {
	if e == nil {
		return ""
	}
	return e.describe
}
