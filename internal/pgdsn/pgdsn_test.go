package pgdsn

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
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

func TestCheckNamesInvalidPoolSetting(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	const base = "postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=disable&"
	cases := []struct{ setting, want string }{
		{"pool_max_conns=abc", `pool_max_conns: invalid value "abc": want a whole number of at least 1`},
		{"pool_max_conns=0", `pool_max_conns: invalid value "0": want a whole number of at least 1`},
		{"pool_max_conns=3000000000", `pool_max_conns: invalid value "3000000000": want a whole number of at least 1`},
		{"pool_min_conns=-1", `pool_min_conns: invalid value "-1": want a whole number of at least 0`},
		{"pool_min_idle_conns=x", `pool_min_idle_conns: invalid value "x": want a whole number of at least 0`},
		{"pool_max_conn_lifetime=1", `pool_max_conn_lifetime: invalid value "1": want a positive duration, such as 30s or 5m`},
		{"pool_max_conn_idle_time=-5s", `pool_max_conn_idle_time: invalid value "-5s": want a positive duration, such as 30s or 5m`},
		{"pool_health_check_period=0s", `pool_health_check_period: invalid value "0s": want a positive duration, such as 30s or 5m`},
		{"pool_max_conn_lifetime_jitter=soon", `pool_max_conn_lifetime_jitter: invalid value "soon": want a duration of 0 or more, such as 30s`},
		{"pool_ping_timeout=-1s", `pool_ping_timeout: invalid value "-1s": want a duration of 0 or more, such as 30s`},
		{"statement_cache_capacity=big", `statement_cache_capacity: invalid value "big": want a whole number of at least 0`},
		{"default_query_exec_mode=fast", `default_query_exec_mode: invalid value "fast": want one of cache_statement, cache_describe, describe_exec, exec or simple_protocol`},
	}
	for _, c := range cases {
		for _, dsn := range []string{base + c.setting, "host=127.0.0.1 password=s3cret " + c.setting} {
			checkRejects(t, dsn, c.want)
		}
	}
}

func TestCheckAcceptsValidPoolSettings(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	dsn := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&pool_max_conns=10" +
		"&pool_min_conns=0&pool_min_idle_conns=1&pool_max_conn_lifetime=1h" +
		"&pool_max_conn_idle_time=30s&pool_health_check_period=10s" +
		"&pool_max_conn_lifetime_jitter=0s&pool_ping_timeout=0&statement_cache_capacity=0" +
		"&description_cache_capacity=128&default_query_exec_mode=exec"
	if err := Check(dsn); err != nil {
		t.Errorf("Check = %v, want nil", err)
	}
	if _, err := pgxpool.ParseConfig(dsn); err != nil {
		t.Errorf("pgxpool.ParseConfig = %v, want nil", err)
	}
}

func TestCheckPoolMinimumAboveMaximum(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	const base = "postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=disable&"
	cases := []struct{ settings, want string }{
		{"pool_min_conns=5&pool_max_conns=2", "pool_min_conns, pool_max_conns: pool_min_conns=5 " +
			"is more than pool_max_conns=2, so the pool can never hold that many connections: " +
			"lower pool_min_conns or raise pool_max_conns"},
		{"pool_max_conns=2&pool_min_idle_conns=3", "pool_min_idle_conns, pool_max_conns: " +
			"pool_min_idle_conns=3 is more than pool_max_conns=2, so the pool can never hold " +
			"that many connections: lower pool_min_idle_conns or raise pool_max_conns"},
	}
	for _, c := range cases {
		keywords := "host=127.0.0.1 password=s3cret " + strings.ReplaceAll(c.settings, "&", " ")
		for _, dsn := range []string{base + c.settings, keywords} {
			checkRejects(t, dsn, c.want)
		}
	}
}

func TestCheckAcceptsPoolMinimumAtMaximum(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	const base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&"
	for _, settings := range []string{
		"pool_min_conns=2&pool_max_conns=2&pool_min_idle_conns=2",
		// Without pool_max_conns each of the hub's pools sets its own size.
		"pool_min_conns=64&pool_min_idle_conns=64",
	} {
		dsn := base + settings
		if err := Check(dsn); err != nil {
			t.Errorf("Check(%q) = %v, want nil", dsn, err)
		}
	}
}

// checkRejects checks that Check rejects dsn with the error want, which
// does not repeat the password s3cret.
func checkRejects(t *testing.T, dsn, want string) {
	t.Helper()
	err := Check(dsn)
	if err == nil {
		t.Errorf("Check(%q) = nil, want an error", dsn)
		return
	}
	if err.Error() != want {
		t.Errorf("Check(%q) = %q, want %q", dsn, err, want)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Check(%q) = %q repeats the password", dsn, err)
	}
}
