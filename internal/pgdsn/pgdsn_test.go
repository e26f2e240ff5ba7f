package pgdsn

import (
	"strings"
	"testing"
)

const allowedModes = "want one of disable, allow, prefer, require, verify-ca or verify-full"

func TestCheckAcceptsValidStrings(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		"postgresql://u:p@localhost/db",
		"host=127.0.0.1 port=5432 user=postgres sslmode=verify-full",
		"host=127.0.0.1 password='a b\\'c' sslmode = require",
	} {
		if err := Check(dsn); err != nil {
			t.Errorf("Check(%q) = %v, want nil", dsn, err)
		}
	}
}

func TestCheckNamesInvalidSSLMode(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for _, dsn := range []string{
		"postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=bogus",
		"postgres://postgres:s3cret@127.0.0.1:5432/test?connect_timeout=5&sslmode=bogus#x",
		"postgresql://a:5432,b:5432/test?sslmode=bogus&password=s3cret",
		"host=127.0.0.1 password=s3cret sslmode=bogus",
		"host=127.0.0.1 password='s3 cret' sslmode = 'bogus'",
	} {
		err := Check(dsn)
		if err == nil {
			t.Errorf("Check(%q) = nil, want an error", dsn)
			continue
		}
		if want := `sslmode: invalid value "bogus": ` + allowedModes; err.Error() != want {
			t.Errorf("Check(%q) = %q, want %q", dsn, err, want)
		}
		if strings.Contains(err.Error(), "s3") {
			t.Errorf("Check(%q) = %q repeats the password", dsn, err)
		}
	}
}

func TestCheckNamesSSLModeVariable(t *testing.T) {
	t.Setenv("PGSSLMODE", "bogus")
	err := Check("postgres://postgres@127.0.0.1:5432/test")
	if want := `$PGSSLMODE: invalid value "bogus": ` + allowedModes; err == nil || err.Error() != want {
		t.Errorf("Check = %v, want %q", err, want)
	}
	// A mode in the string replaces the variable's.
	if err := Check("postgres://postgres@127.0.0.1:5432/test?sslmode=disable"); err != nil {
		t.Errorf("Check with sslmode=disable = %v, want nil", err)
	}
}

func TestCheckOtherFaultsShowForm(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	for _, dsn := range []string{
		"", " ", "\t", "secret-not-a-url", "postgres://u:s3cret@127.0.0.1:bad/db",
		"host=127.0.0.1 password='s3cret",
	} {
		err := Check(dsn)
		if err == nil {
			t.Errorf("Check(%q) = nil, want an error", dsn)
			continue
		}
		if !strings.HasPrefix(err.Error(), "invalid connection string: want a postgres:// URL") {
			t.Errorf("Check(%q) = %q, want the form of a connection URL", dsn, err)
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "secret-") {
			t.Errorf("Check(%q) = %q repeats the value", dsn, err)
		}
	}
}
