package main

import (
	"strings"
	"testing"
)

// TestServeInvalidPoolSettingNamesIt starts serve with connection URLs
// whose pool settings pgxpool rejects or cannot use. Each start exits 2,
// before it connects, with an error that names --postgres, the setting,
// its value and the rule, and leaves out the password.
func TestServeInvalidPoolSettingNamesIt(t *testing.T) {
	unsetModeVariables(t)
	unsetEnv(t, "PGSSLMODE")
	const base = "postgres://postgres:s3cret@127.0.0.1:5432/test?sslmode=disable&"
	cases := []struct{ setting, want string }{
		{"pool_max_conns=abc", `pool_max_conns: invalid value "abc": want a whole number ≥ 1`},
		{"pool_min_conns=many", `pool_min_conns: invalid value "many": want a whole number ≥ 0`},
		{"pool_max_conn_lifetime=1", `pool_max_conn_lifetime: invalid value "1": want a positive duration, such as 30s or 5m`},
		{"pool_max_conn_idle_time=x", `pool_max_conn_idle_time: invalid value "x": want a positive duration, such as 30s or 5m`},
		{"pool_health_check_period=0s", `pool_health_check_period: invalid value "0s": want a positive duration, such as 30s or 5m`},
	}
	for _, c := range cases {
		t.Run(c.setting, func(t *testing.T) {
			code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
				"--postgres", base+c.setting)
			if code != exitSetup {
				t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
			}
			if want := "sangam serve: --postgres: " + c.want; !strings.HasPrefix(errOut, want) {
				t.Errorf("stderr %q, want it to start with %q", errOut, want)
			}
			if strings.Contains(errOut, "s3cret") {
				t.Errorf("stderr repeats the password: %q", errOut)
			}
		})
	}
}
