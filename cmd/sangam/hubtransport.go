package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
)

// errHubSetup marks a request that failed because --hub, as given,
// cannot work, such as an https URL for a hub that serves plain HTTP.
// Trying again does not help, so it counts as a setup error for the
// exit status.
var errHubSetup = errors.New("--hub does not work as given")

// hubSetupError returns an error naming --hub and hub, its value, when
// err, the error of a request to the hub that got no response, shows
// that the URL cannot work. That is so when the server at an https URL
// does not speak TLS, or when its certificate failed verification. It
// returns nil for every other error, such as a refused connection,
// which may pass.
func hubSetupError(hub string, err error) error {
	var record tls.RecordHeaderError
	var verify *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var problem string
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		problem = "the server answered the TLS handshake in plain HTTP: use an http:// URL, " +
			"or the address of the hub's TLS endpoint"
	case errors.As(err, &record):
		problem = "the server's answer to the TLS handshake is not TLS: check the scheme and " +
			"port of --hub"
	case errors.As(err, &verify), errors.As(err, &unknownAuthority), errors.As(err, &hostname),
		errors.As(err, &invalid):
		problem = "the hub's TLS certificate failed verification: check that the host of --hub " +
			"is a name the certificate lists, and that this machine trusts the certificate " +
			"authority that signed it, for example through SSL_CERT_FILE"
	default:
		return nil
	}
	return classedError{message: fmt.Sprintf("--hub %s: %s (%v)", hub, problem, err),
		class: errHubSetup, err: err}
}
