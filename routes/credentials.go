package routes

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
)

// BasicAuth is HTTP basic authentication (RFC 7617) with the password in
// a file on the hub's machine.
type BasicAuth struct {
	Username string `yaml:"username" json:"username"`
	// PasswordFile is the absolute path of a file whose content, without
	// surrounding white space, is the password.
	PasswordFile string `yaml:"password_file" json:"password_file"`
}

// TLS is the TLS configuration of an https destination. Each field is
// the absolute path of a PEM file on the hub's machine.
type TLS struct {
	// CAFile contains the certificates of the CAs that the destination's
	// server certificate must chain to. They replace the system's roots
	// for this destination.
	CAFile string `yaml:"ca_file,omitempty" json:"ca_file,omitempty"`
	// CertFile is the client certificate, followed by its intermediate
	// certificates, that the hub presents for mutual TLS. It needs
	// KeyFile.
	CertFile string `yaml:"cert_file,omitempty" json:"cert_file,omitempty"`
	// KeyFile is the private key of CertFile. It needs CertFile.
	KeyFile string `yaml:"key_file,omitempty" json:"key_file,omitempty"`
}

// URLHasCredentials reports whether d's url contains user information.
// Only a version that LoadStored compiles may have it.
func (d Destination) URLHasCredentials() bool {
	u, err := url.Parse(d.URL)
	return err == nil && u.User != nil
}

// validateCredentials checks the paths and the combination of the
// credential settings of d, entry i of the document's destinations. u is
// d's parsed url, or nil when it is invalid. Whether the files exist is
// for the hub to check, because they live on its machine.
func (d Destination) validateCredentials(i int, where string, u *url.URL) []Problem {
	var ps []Problem
	report := func(field, rule, format string, args ...any) {
		ps = append(ps, Problem{DestinationPointer(i, field), rule,
			where + ": " + fmt.Sprintf(format, args...)})
	}
	absolute := func(field, path string) {
		if path != "" && !filepath.IsAbs(path) {
			report(field, RuleAbsolutePath, "%s: %q is not an absolute path: "+
				"give the full path of the file on the hub's machine", field, path)
		}
	}
	absolute("bearer_token_file", d.BearerTokenFile)
	if d.BearerTokenFile != "" && d.BasicAuth != nil {
		report("", RuleCredentials, "bearer_token_file and basic_auth are both set: keep one of them")
	}
	if b := d.BasicAuth; b != nil {
		switch {
		case b.Username == "":
			report("basic_auth.username", RuleRequired, "basic_auth.username: missing")
		case strings.Contains(b.Username, ":"):
			report("basic_auth.username", RuleCredentials, "basic_auth.username: invalid %q: "+
				"basic authentication allows no colon in a user name", b.Username)
		case strings.ContainsFunc(b.Username, unicode.IsControl):
			report("basic_auth.username", RuleCredentials, "basic_auth.username: invalid %q: "+
				"contains a control character", b.Username)
		}
		if b.PasswordFile == "" {
			report("basic_auth.password_file", RuleRequired, "basic_auth.password_file: missing")
		}
		absolute("basic_auth.password_file", b.PasswordFile)
	}
	if t := d.TLS; t != nil {
		if t.CAFile == "" && t.CertFile == "" && t.KeyFile == "" {
			report("tls", RuleRequired, "tls: empty: give ca_file, or cert_file with key_file, "+
				"or leave tls out")
		}
		absolute("tls.ca_file", t.CAFile)
		absolute("tls.cert_file", t.CertFile)
		absolute("tls.key_file", t.KeyFile)
		if t.CertFile != "" && t.KeyFile == "" {
			report("tls.key_file", RuleRequired, "tls.key_file: missing: "+
				"tls.cert_file needs the private key of its certificate")
		}
		if t.KeyFile != "" && t.CertFile == "" {
			report("tls.cert_file", RuleRequired, "tls.cert_file: missing: "+
				"tls.key_file needs the certificate it belongs to")
		}
		if u != nil && u.Scheme != "https" {
			report("tls", RuleCredentials, "tls: the url is %s, so tls would not apply: "+
				"use an https url or leave tls out", u.Scheme)
		}
	}
	return ps
}

// maskedURL returns raw with any user information replaced by "xxxxx",
// for error messages, which must not repeat a password or a token.
func maskedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return raw
		}
		masked := *u
		masked.User = url.User("xxxxx")
		return masked.String()
	}
	// url.Parse failed, so find the authority by hand: it runs from
	// after the scheme's "://" to the next "/", "?" or "#".
	start := 0
	if i := strings.Index(raw, "://"); i >= 0 {
		start = i + len("://")
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], "/?#"); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(raw[start:end], "@"); at >= 0 {
		return raw[:start] + "xxxxx" + raw[start+at:]
	}
	return raw
}
