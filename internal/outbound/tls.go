package outbound

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"

	"github.com/sangam-hub/sangam/routes"
)

// routesTLSFields names the fields of a destination's tls settings in
// errors.
var routesTLSFields = TLSFields{CAFile: "tls.ca_file", CertFile: "tls.cert_file", KeyFile: "tls.key_file"}

// newTransport returns a transport with the default transport's settings
// and the TLS configuration of c, as ClientTLS makes it, and a function
// that reads the client certificate's files again when they changed and
// returns their problem, or nil when c has no client certificate.
func newTransport(c routes.TLS) (*http.Transport, func() error, error) {
	config, pair, err := clientTLS(c, routesTLSFields)
	if err != nil {
		return nil, nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = config
	if pair == nil {
		return t, nil, nil
	}
	check := func() error {
		_, err := pair.load()
		return err
	}
	return t, check, nil
}

// TLSFields names the settings that give the files of a routes.TLS, for
// error messages.
type TLSFields struct {
	CAFile, CertFile, KeyFile string
}

// ClientTLS returns a TLS client configuration of at least TLS 1.2 with
// c's CAs in place of the system's roots, and c's client certificate,
// read again when its files change. Without a CA file it verifies
// servers against the system's roots. CertFile needs KeyFile, which the
// caller checks. The error starts with the field of fields that names
// the file at fault, and never repeats the content of a file.
func ClientTLS(c routes.TLS, fields TLSFields) (*tls.Config, error) {
	config, _, err := clientTLS(c, fields)
	return config, err
}

// clientTLS is ClientTLS that also returns the reloader of the client
// certificate, nil without one. Its error joins one error for each file
// that cannot be used.
func clientTLS(c routes.TLS, fields TLSFields) (*tls.Config, *reloader[tls.Certificate], error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	var errs []error
	if c.CAFile != "" {
		pool, err := readCAFile(c.CAFile, fields.CAFile)
		if err != nil {
			errs = append(errs, err)
		}
		config.RootCAs = pool
	}
	var pair *reloader[tls.Certificate]
	if c.CertFile != "" {
		pair = certificateReloader(c, fields)
		if _, err := pair.load(); err != nil {
			errs = append(errs, err)
		}
		config.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cert, err := pair.load()
			if err != nil {
				return nil, err
			}
			return &cert, nil
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return config, pair, nil
}

// readCAFile returns the certificates of the PEM file at path, which
// field names.
func readCAFile(path, field string) (*x509.CertPool, error) {
	pem, _, err := readFile(path, nil)
	if err != nil {
		return nil, fieldError(field, path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fieldError(field, path, fmt.Errorf("%s contains no PEM certificate", path))
	}
	return pool, nil
}

// certificateReloader returns the reloader of c's client certificate and
// key.
func certificateReloader(c routes.TLS, fields TLSFields) *reloader[tls.Certificate] {
	return &reloader[tls.Certificate]{
		files: []file{{fields.CertFile, c.CertFile}, {fields.KeyFile, c.KeyFile}},
		parse: func(contents [][]byte) (tls.Certificate, error) {
			cert, err := tls.X509KeyPair(contents[0], contents[1])
			if err != nil {
				// X509KeyPair's error names neither file, so this one
				// adds their paths. It repeats no key material. Either
				// file may be at fault, and the error is reported at
				// the cert file, the first of the pair.
				return tls.Certificate{}, &fileError{field: fields.CertFile, path: c.CertFile,
					err: fmt.Errorf("%s %s and %s %s: %w",
						fields.CertFile, c.CertFile, fields.KeyFile, c.KeyFile, err)}
			}
			return cert, nil
		},
	}
}
