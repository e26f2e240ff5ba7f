package outbound

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"

	"github.com/sangam-hub/sangam/routes"
)

// routesTLSFields names the fields of a destination's tls settings in
// errors.
var routesTLSFields = TLSFields{CAFile: "tls.ca_file", CertFile: "tls.cert_file", KeyFile: "tls.key_file"}

// newTransport returns a transport with the default transport's settings
// and the TLS configuration of c, as ClientTLS makes it.
func newTransport(c routes.TLS) (*http.Transport, error) {
	config, err := ClientTLS(c, routesTLSFields)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = config
	return t, nil
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
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, _, err := readFile(c.CAFile, nil)
		if err != nil {
			return nil, fieldError(fields.CAFile, c.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fieldError(fields.CAFile, c.CAFile, fmt.Errorf("%s contains no PEM certificate", c.CAFile))
		}
		config.RootCAs = pool
	}
	if c.CertFile != "" {
		pair := &reloader[tls.Certificate]{
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
		if _, err := pair.load(); err != nil {
			return nil, err
		}
		config.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cert, err := pair.load()
			if err != nil {
				return nil, err
			}
			return &cert, nil
		}
	}
	return config, nil
}
