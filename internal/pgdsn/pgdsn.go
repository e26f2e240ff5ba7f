// Package pgdsn checks PostgreSQL connection strings as pgx v5 parses
// them, and says what is wrong with one without repeating it, because it
// may contain a password.
package pgdsn

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

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

// Check returns nil when pgconn.ParseConfig accepts dsn and dsn is not
// blank. Otherwise it returns an error that names the setting at fault
// when it is sslmode, in dsn or in $PGSSLMODE, and lists the values
// allowed. Any other fault gets an error that shows the form of a
// connection URL. The error quotes only the sslmode value, never dsn,
// which may contain a password.
func Check(dsn string) error {
	// White space alone parses as libpq's defaults, which no one means.
	if strings.TrimSpace(dsn) == "" {
		return errForm
	}
	if _, err := pgconn.ParseConfig(dsn); err == nil {
		return nil
	}
	mode, set := settings(dsn)["sslmode"]
	source := "sslmode"
	if !set {
		// pgconn.ParseConfig takes a missing sslmode from $PGSSLMODE.
		mode, source = os.Getenv("PGSSLMODE"), "$PGSSLMODE"
	}
	if mode != "" && !slices.Contains(SSLModes, mode) {
		return fmt.Errorf("%s: invalid value %q: want one of %s or %s", source, mode,
			strings.Join(SSLModes[:len(SSLModes)-1], ", "), SSLModes[len(SSLModes)-1])
	}
	return errForm
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
