// Package outboundtest makes what tests of destination credentials need:
// a certificate authority generated for the test, a loopback HTTPS
// server that requires a client certificate from it, and the PEM files
// that a routes document's tls settings name.
package outboundtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is a test CA with a server certificate for 127.0.0.1 and a client
// certificate, and the files of the CA and of the client.
type PKI struct {
	// CAFile is the CA's certificate in PEM.
	CAFile string
	// CertFile and KeyFile are the client certificate and its key in PEM.
	CertFile string
	KeyFile  string

	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey
	caPool   *x509.CertPool
	server   tls.Certificate
	dir      string
	serialNo int64
}

// NewPKI generates a CA, a server certificate and a client certificate,
// and writes the CA's and the client's files to a temporary folder.
func NewPKI(t *testing.T) *PKI {
	t.Helper()
	p := &PKI{dir: t.TempDir()}
	key := newKey(t)
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sangam test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("creating the CA certificate: %v", err)
	}
	if p.ca, err = x509.ParseCertificate(der); err != nil {
		t.Fatalf("parsing the CA certificate: %v", err)
	}
	p.caKey, p.serialNo = key, 1
	p.caPool = x509.NewCertPool()
	p.caPool.AddCert(p.ca)
	p.CAFile = p.write(t, "ca.pem", pemBlock("CERTIFICATE", der))

	p.server = p.issue(t, "127.0.0.1", x509.ExtKeyUsageServerAuth)
	p.CertFile, p.KeyFile = p.IssueClient(t, "sangam-hub")
	return p
}

// IssueClient writes a new client certificate for commonName, signed by
// the CA, and its key, and returns their paths.
func (p *PKI) IssueClient(t *testing.T, commonName string) (certFile, keyFile string) {
	t.Helper()
	cert := p.issue(t, commonName, x509.ExtKeyUsageClientAuth)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatalf("encoding the client key: %v", err)
	}
	name := commonName + "-" + big.NewInt(p.serialNo).String()
	certFile = p.write(t, name+".pem", pemBlock("CERTIFICATE", cert.Certificate[0]))
	keyFile = p.write(t, name+"-key.pem", pemBlock("PRIVATE KEY", keyDER))
	return certFile, keyFile
}

// NewServer starts a loopback HTTPS server with the server certificate
// that requires a client certificate signed by the CA. The test's
// cleanup closes it.
func (p *PKI) NewServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	// A client without a certificate is a case the tests make on purpose,
	// so its handshake errors are not logged.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = p.ServerConfig(tls.RequireAndVerifyClientCert)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// ServerConfig returns the TLS configuration of a server on 127.0.0.1
// with the server certificate. It requests and verifies client
// certificates signed by the CA according to clientAuth.
func (p *PKI) ServerConfig(clientAuth tls.ClientAuthType) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.server},
		ClientCAs:    p.caPool,
		ClientAuth:   clientAuth,
		MinVersion:   tls.VersionTLS12,
	}
}

func (p *PKI) issue(t *testing.T, name string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key := newKey(t)
	p.serialNo++
	template := &x509.Certificate{
		SerialNumber: big.NewInt(p.serialNo),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if ip := net.ParseIP(name); ip != nil {
		template.IPAddresses = []net.IP{ip}
	}
	der, err := x509.CreateCertificate(rand.Reader, template, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatalf("issuing a certificate for %s: %v", name, err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (p *PKI) write(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
	return path
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generating a key: %v", err)
	}
	return key
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}
