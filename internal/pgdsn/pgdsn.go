// Package pgdsn checks PostgreSQL connection strings as pgx v5 and its
// pool, pgxpool, parse them, and reports what is wrong with one without
// repeating it, because it may contain a password.
package pgdsn

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// SSLModes are the values of sslmode that pgconn.ParseConfig accepts,
// the same as libpq's.
var SSLModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// Example is a connection URL that errors show as the form to use.
const Example = "postgres://user@127.0.0.1:5432/sangam?sslmode=disable"

// errForm is the error of a connection string whose fault Check cannot
// name.
var errForm = errors.New("invalid connection string: want a postgres:// URL or key=value " +
	"pairs, such as " + Example)

// Check returns nil when pgconn.ParseConfig accepts dsn, dsn is not
// blank, every setting in poolSettings that dsn gives is valid and
// neither pool minimum is above the pool's maximum (see checkPoolSizes).
// Otherwise it returns an error that names the setting at fault when it
// is sslmode, in dsn or in $PGSSLMODE, or one of poolSettings, and lists
// the values allowed. Any other fault gets an error that shows the
// form of a connection URL. The error quotes only the value of the
// setting at fault, never dsn, which may contain a password.
func Check(dsn string) error {
	// White space alone parses as libpq's defaults, which no one means.
	if strings.TrimSpace(dsn) == "" {
		return errForm
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err == nil {
		return checkPoolSettings(cfg.RuntimeParams)
	}
	mode, set := settings(dsn)["sslmode"]
	source := "sslmode"
	if !set {
		// pgconn.ParseConfig takes a missing sslmode from $PGSSLMODE.
		mode, source = os.Getenv("PGSSLMODE"), "$PGSSLMODE"
	}
	if mode != "" && !slices.Contains(SSLModes, mode) {
		return fmt.Errorf("%s: invalid value %q: want one of %s", source, mode, orList(SSLModes))
	}
	return errForm
}

// poolSetting is a setting of the connection string that pgx or pgxpool
// reads itself instead of sending it to the server as a run-time
// parameter. check returns what the value must be, or "" when value is
// valid.
type poolSetting struct {
	name  string
	check func(value string) string
}

// poolSettings are the settings that pgx.ParseConfig and
// pgxpool.ParseConfig of pgx v5.13 read, in the order that they read
// them. pgconn.ParseConfig passes them on as run-time parameters, so
// Check tests them here. The rules are the ones pgx applies, and
// stricter where pgx accepts a value that cannot work: a negative
// count, or a pool_health_check_period that is not positive, which
// makes the pool panic when it starts its health checks.
var poolSettings = []poolSetting{
	{"statement_cache_capacity", wholeNumber(0)},
	{"description_cache_capacity", wholeNumber(0)},
	{"default_query_exec_mode", oneOf("cache_statement", "cache_describe", "describe_exec", "exec",
		"simple_protocol")},
	{"pool_max_conns", wholeNumber(1)},
	{"pool_min_conns", wholeNumber(0)},
	{"pool_min_idle_conns", wholeNumber(0)},
	{"pool_max_conn_lifetime", duration(false)},
	{"pool_max_conn_idle_time", duration(false)},
	{"pool_health_check_period", duration(false)},
	{"pool_max_conn_lifetime_jitter", duration(true)},
	{"pool_ping_timeout", duration(true)},
}

// checkPoolSettings returns an error for the first of poolSettings whose
// value in params is invalid, or for pool sizes that contradict each
// other, or nil when there is none.
func checkPoolSettings(params map[string]string) error {
	for _, s := range poolSettings {
		value, ok := params[s.name]
		if !ok {
			continue
		}
		if want := s.check(value); want != "" {
			return fmt.Errorf("%s: invalid value %q: want %s", s.name, value, want)
		}
	}
	return checkPoolSizes(params)
}

// checkPoolSizes returns an error naming both settings when
// pool_min_conns or pool_min_idle_conns in params is more than
// pool_max_conns. pgxpool accepts such a string, but it can never keep
// that many connections. Without pool_max_conns each of the hub's pools
// takes a size of its own, so there is nothing to compare with. The
// values in params must be valid.
func checkPoolSizes(params map[string]string) error {
	value, ok := params["pool_max_conns"]
	if !ok {
		return nil
	}
	maxConns, _ := strconv.ParseInt(value, 10, 32)
	for _, name := range []string{"pool_min_conns", "pool_min_idle_conns"} {
		value, ok := params[name]
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(value, 10, 32)
		if n > maxConns {
			return fmt.Errorf("%s, pool_max_conns: %s=%d is more than pool_max_conns=%d, so "+
				"the pool can never hold that many connections: lower %s or raise pool_max_conns",
				name, name, n, maxConns, name)
		}
	}
	return nil
}

// wholeNumber returns a check for a whole number from least to the
// largest int32, the type in which pgx keeps these settings.
func wholeNumber(least int64) func(string) string {
	return func(value string) string {
		n, err := strconv.ParseInt(value, 10, 32)
		if err != nil || n < least {
			return fmt.Sprintf("a whole number of at least %d", least)
		}
		return ""
	}
}

// duration returns a check for a duration in the form of
// time.ParseDuration that is positive, or also zero when zeroAllowed.
func duration(zeroAllowed bool) func(string) string {
	return func(value string) string {
		d, err := time.ParseDuration(value)
		switch {
		case zeroAllowed && (err != nil || d < 0):
			return "a duration of 0 or more, such as 30s"
		case !zeroAllowed && (err != nil || d <= 0):
			return "a positive duration, such as 30s or 5m"
		}
		return ""
	}
}

// oneOf returns a check for one of values.
func oneOf(values ...string) func(string) string {
	return func(value string) string {
		if slices.Contains(values, value) {
			return ""
		}
		return "one of " + orList(values)
	}
}

// orList returns values as "a, b or c".
func orList(values []string) string {
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// settings returns the settings that dsn, a postgres:// URL or key=value
// pairs, names by key, as far as it can read them: for a URL the query
// parameters, where pgx reads sslmode. A value that it cannot read is
// left out.
func settings(dsn string) map[string]string {
	out := map[string]string{}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		_, query, _ := strings.Cut(dsn, "?")
		query, _, _ = strings.Cut(query, "#")
		// ParseQuery returns every pair that it could decode along with
		// the error of the first that it could not.
		values, _ := url.ParseQuery(query)
		for key, vs := range values {
			out[key] = vs[len(vs)-1]
		}
		return out
	}
	s := strings.TrimSpace(dsn)
	for s != "" {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			return out
		}
		key = strings.TrimSpace(key)
		value, rest, ok := keywordValue(strings.TrimLeft(rest, " \t\n\r\v\f"))
		if !ok {
			return out
		}
		out[key] = value
		s = strings.TrimSpace(rest)
	}
	return out
}

// keywordValue reads the value at the start of s in libpq's key=value
// form: either in single quotes, or up to the next white space, with a
// backslash escaping the character after it. It returns the value, the
// rest of s, and false when a quote is not closed.
func keywordValue(s string) (value, rest string, ok bool) {
	var b strings.Builder
	quoted := strings.HasPrefix(s, "'")
	if quoted {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case quoted && c == '\'':
			return b.String(), s[i+1:], true
		case !quoted && strings.IndexByte(" \t\n\r\v\f", c) >= 0:
			return b.String(), s[i:], true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", !quoted
}
