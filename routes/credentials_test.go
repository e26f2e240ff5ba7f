package routes

import (
	"encoding/json"
	"strings"
	"testing"
)

// destinationDoc returns a routes document whose one destination, court,
// has the given YAML lines after its name and agency.
func destinationDoc(lines string) []byte {
	return []byte("destinations:\n  - name: court\n    agency: courts\n" + lines +
		"routes:\n  - name: r\n    when: 'true'\n    to: [court]\n")
}

func TestURLWithCredentialsRejected(t *testing.T) {
	for _, url := range []string{
		"https://hub:s3cret-pw@courts.example/ecf",
		"https://s3cret-pw@courts.example/ecf",
	} {
		doc := destinationDoc("    url: " + url + "\n")
		_, err := Load(doc)
		if err == nil {
			t.Fatalf("Load accepted url %s", url)
		}
		want := `destination "court": url must not contain credentials; use bearer_token_file or basic_auth`
		if !strings.Contains(err.Error(), want) {
			t.Errorf("url %s: error %q, want %q", url, err, want)
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("url %s: error repeats the secret: %q", url, err)
		}
	}
}

func TestInvalidURLMasksCredentials(t *testing.T) {
	for _, url := range []string{
		"https://hub:s3cret-pw@courts.example:99999/ecf",
		"https://hub:s3cret-pw@courts.example:8x/ecf",
		"ftp://hub:s3cret-pw@courts.example/ecf",
	} {
		_, err := Load(destinationDoc("    url: " + url + "\n"))
		if err == nil || !strings.Contains(err.Error(), "invalid url") {
			t.Errorf("url %s: error %v, want invalid url", url, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("url %s: error repeats the password: %q", url, err)
		}
		if !strings.Contains(err.Error(), "xxxxx@courts.example") {
			t.Errorf("url %s: error %q does not show the url with its credentials masked", url, err)
		}
	}
}

func TestLoadStoredAcceptsURLCredentials(t *testing.T) {
	doc := destinationDoc("    url: https://hub:s3cret-pw@courts.example/ecf\n")
	table, err := LoadStored(doc)
	if err != nil {
		t.Fatalf("LoadStored: %v", err)
	}
	d, _ := table.Destination("court")
	if !d.URLHasCredentials() {
		t.Error("URLHasCredentials = false for a url with a password")
	}

	// LoadStored keeps every other rule.
	_, err = LoadStored(destinationDoc("    url: https://courts.example/ecf\n" +
		"    bearer_token_file: token\n"))
	if err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Errorf("LoadStored of a relative bearer_token_file: error %v, want it rejected", err)
	}
}

func TestCredentialRules(t *testing.T) {
	const https = "    url: https://courts.example/ecf\n"
	for name, tc := range map[string]struct {
		lines string
		want  string
	}{
		"relative token file": {
			https + "    bearer_token_file: secrets/token\n",
			`destination "court": bearer_token_file: "secrets/token" is not an absolute path`,
		},
		"both kinds": {
			https + "    bearer_token_file: /run/token\n" +
				"    basic_auth: {username: hub, password_file: /run/password}\n",
			`destination "court": bearer_token_file and basic_auth are both set`,
		},
		"basic without user name": {
			https + "    basic_auth: {password_file: /run/password}\n",
			`destination "court": basic_auth.username: missing`,
		},
		"basic user name with colon": {
			https + "    basic_auth: {username: 'a:b', password_file: /run/password}\n",
			`destination "court": basic_auth.username: invalid "a:b"`,
		},
		"basic without password file": {
			https + "    basic_auth: {username: hub}\n",
			`destination "court": basic_auth.password_file: missing`,
		},
		"relative password file": {
			https + "    basic_auth: {username: hub, password_file: password}\n",
			`destination "court": basic_auth.password_file: "password" is not an absolute path`,
		},
		"cert without key": {
			https + "    tls: {cert_file: /run/client.crt}\n",
			`destination "court": tls.key_file: missing`,
		},
		"key without cert": {
			https + "    tls: {key_file: /run/client.key}\n",
			`destination "court": tls.cert_file: missing`,
		},
		"relative ca file": {
			https + "    tls: {ca_file: ca.pem}\n",
			`destination "court": tls.ca_file: "ca.pem" is not an absolute path`,
		},
		"empty tls": {
			https + "    tls: {}\n",
			`destination "court": tls: empty`,
		},
		"tls on http": {
			"    url: http://courts.example/ecf\n    tls: {ca_file: /run/ca.pem}\n",
			`destination "court": tls: the url is http, so tls would not apply`,
		},
		"password in the document": {
			https + "    basic_auth: {username: hub, password: s3cret}\n",
			`unknown field "password"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(destinationDoc(tc.lines))
			if err == nil {
				t.Fatal("Load accepted the document")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestCredentialSettingsLoad(t *testing.T) {
	table, err := Load(destinationDoc("    url: https://courts.example/ecf\n" +
		"    basic_auth: {username: hub, password_file: /run/secrets/court-password}\n" +
		"    tls:\n      ca_file: /run/secrets/ca.pem\n" +
		"      cert_file: /run/secrets/client.pem\n      key_file: /run/secrets/client-key.pem\n"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	d, _ := table.Destination("court")
	if d.BasicAuth == nil || d.BasicAuth.Username != "hub" ||
		d.BasicAuth.PasswordFile != "/run/secrets/court-password" {
		t.Errorf("basic_auth = %+v", d.BasicAuth)
	}
	if d.TLS == nil || d.TLS.CAFile != "/run/secrets/ca.pem" ||
		d.TLS.CertFile != "/run/secrets/client.pem" || d.TLS.KeyFile != "/run/secrets/client-key.pem" {
		t.Errorf("tls = %+v", d.TLS)
	}
	if d.URLHasCredentials() {
		t.Error("URLHasCredentials = true for a url without user information")
	}

	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"basic_auth":{"username":"hub","password_file":`,
		`"tls":{"ca_file":`, `"cert_file":`, `"key_file":`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON %s does not contain %s", out, want)
		}
	}

	table, err = Load(destinationDoc("    url: http://127.0.0.1:9/ecf\n" +
		"    bearer_token_file: /run/secrets/court-token\n"))
	if err != nil {
		t.Fatalf("Load with bearer_token_file: %v", err)
	}
	if d, _ := table.Destination("court"); d.BearerTokenFile != "/run/secrets/court-token" {
		t.Errorf("bearer_token_file = %q", d.BearerTokenFile)
	}
}
