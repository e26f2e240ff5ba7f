package outbound

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"

	"github.com/sangam-hub/sangam/routes"
)

// newTransport returns a transport with the default transport's settings
// and the TLS configuration of c: c's CAs in place of the system's
// roots, and c's client certificate, read again when its files change.
func newTransport(c routes.TLS) (*http.Transport, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := readFile(c.CAFile)
		if err != nil {
			return nil, fieldError("tls.ca_file", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fieldError("tls.ca_file", fmt.Errorf("%s contains no PEM certificate", c.CAFile))
		}
		config.RootCAs = pool
	}
	if c.CertFile != "" {
		pair := &reloader[tls.Certificate]{
			files: []file{{"tls.cert_file", c.CertFile}, {"tls.key_file", c.KeyFile}},
			parse: func(contents [][]byte) (tls.Certificate, error) {
				cert, err := tls.X509KeyPair(contents[0], contents[1])
				if err != nil {
					// X509KeyPair's error names neither file, so this one
					// adds their paths. It repeats no key material. Either
					// file may be at fault, and the error is reported at
					// cert_file, the first of the pair.
					return tls.Certificate{}, &fileError{field: "tls.cert_file", err: fmt.Errorf(
						"tls.cert_file %s and tls.key_file %s: %w", c.CertFile, c.KeyFile, err)}
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
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = config
	return t, nil
}
