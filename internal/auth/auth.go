// Package auth identifies who calls the hub's API. Each agency system,
// each operator and each metrics scraper holds a bearer token. The hub
// keeps only the tokens' SHA-256 digests, in a YAML file such as:
//
//	tokens:
//	  - name: cctns-kerala      # who holds the token, for the journal
//	    agency: police          # may post to /api/v1/inbound/police
//	    sha256: 9f86d08...
//	  - name: oncall-operator
//	    operator: true          # may read journeys and replay deliveries
//	    sha256: 2c26b46...
//	  - name: prometheus
//	    metrics: true           # may read /metrics and nothing else
//	    sha256: 5e88489...
//
// A metrics entry grants nothing besides /metrics, so it may not also set
// agency or operator. A scraper's token then cannot change routes or
// replay deliveries.
//
// Each entry needs its own token, because a caller holding a token that
// two entries list would match both. `sangam token` makes a token and its
// digest line.
package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// Principal is the holder of a token.
type Principal struct {
	Name string `yaml:"name"`
	// Agency is the agency whose messages the holder may post; empty for
	// an operator and for a metrics scraper.
	Agency string `yaml:"agency,omitempty"`
	// Operator may read journeys and dead letters, replay deliveries,
	// change routes and read metrics.
	Operator bool `yaml:"operator,omitempty"`
	// Metrics may read the hub's metrics and nothing else. Parse rejects
	// an entry that sets it together with Agency or Operator.
	Metrics bool `yaml:"metrics,omitempty"`
	// SHA256 is the hex SHA-256 digest of the token.
	SHA256 string `yaml:"sha256"`
}

// MayReadMetrics reports whether the holder may read the hub's metrics:
// an operator or a metrics scraper.
func (p Principal) MayReadMetrics() bool { return p.Operator || p.Metrics }

// MetricsOnly reports whether the holder may read the hub's metrics and
// nothing else.
func (p Principal) MetricsOnly() bool { return p.Metrics && !p.Operator && p.Agency == "" }

// Tokens is a loaded token file. It is safe for concurrent use, and
// Replace swaps its entries for those of another file at once.
type Tokens struct {
	entries atomic.Pointer[entries]
}

// entries are the principals of one token file with their digests.
type entries struct {
	principals []Principal
	digests    [][]byte // digests[i] belongs to principals[i]
}

// unknownTokenField matches the error of gopkg.in/yaml.v3 for a key that
// a token entry does not have, which names a Go type.
var unknownTokenField = regexp.MustCompile(`^line (\d+): field (.*) not found in type auth\.Principal$`)

// plainYAMLError returns err with the lines about unknown keys of a token
// entry reworded to name the key and the keys an entry has, in place of
// the Go type that gopkg.in/yaml.v3 names.
func plainYAMLError(err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	lines := make([]string, len(typeErr.Errors))
	for i, line := range typeErr.Errors {
		lines[i] = line
		if m := unknownTokenField.FindStringSubmatch(line); m != nil {
			lines[i] = fmt.Sprintf("line %s: unknown field %q in a token entry, which has name, "+
				"sha256, agency, operator and metrics", m[1], m[2])
		}
	}
	return errors.New(strings.Join(lines, "; "))
}

// Parse reads a token file and checks every entry.
func Parse(doc []byte) (*Tokens, error) {
	var file struct {
		Tokens []Principal `yaml:"tokens"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("invalid token file: want YAML with a tokens list: %w", plainYAMLError(err))
	}
	t := &entries{}
	var errs []error
	// firstEntry maps each well-formed digest to the first entry with it.
	firstEntry := map[string]int{}
	for i, p := range file.Tokens {
		digest, err := hex.DecodeString(p.SHA256)
		validDigest := err == nil && len(digest) == sha256.Size
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("tokens[%d]: missing name", i))
		case !validDigest:
			errs = append(errs, fmt.Errorf("tokens[%d] %q: sha256: want 64 hex digits", i, p.Name))
		case p.Metrics && (p.Agency != "" || p.Operator):
			errs = append(errs, fmt.Errorf("tokens[%d] %q: metrics: true may not be combined with "+
				"agency or operator, because a metrics token may read /metrics only: "+
				"give the other grant its own entry and token", i, p.Name))
		case p.Agency == "" && !p.Operator && !p.Metrics:
			errs = append(errs, fmt.Errorf("tokens[%d] %q: grants nothing: set agency, operator or metrics",
				i, p.Name))
		}
		if validDigest {
			if earlier, seen := firstEntry[string(digest)]; seen {
				errs = append(errs, fmt.Errorf("tokens[%d] %q: sha256: same digest as tokens[%d] %q: "+
					"each entry needs its own token: make a new one with sangam token",
					i, p.Name, earlier, file.Tokens[earlier].Name))
			} else {
				firstEntry[string(digest)] = i
			}
		}
		t.principals = append(t.principals, p)
		t.digests = append(t.digests, digest)
	}
	if len(t.principals) == 0 {
		errs = append(errs, errors.New("token file lists no tokens"))
	}
	tokens := &Tokens{}
	tokens.entries.Store(t)
	return tokens, errors.Join(errs...)
}

// Replace makes t identify callers by from's entries. A request being
// identified keeps the entries it started with.
func (t *Tokens) Replace(from *Tokens) {
	t.entries.Store(from.entries.Load())
}

// Len returns the number of entries.
func (t *Tokens) Len() int { return len(t.entries.Load().principals) }

// CheckAgencies returns an error for each entry whose agency is not in
// known, the agencies the hub has adapters for, naming the entry and the
// known agencies. Such a token could post nothing.
func (t *Tokens) CheckAgencies(known []string) error {
	var errs []error
	for i, p := range t.entries.Load().principals {
		if p.Agency != "" && !slices.Contains(known, p.Agency) {
			errs = append(errs, fmt.Errorf("tokens[%d] %q: unknown agency %q: known agencies are %s",
				i, p.Name, p.Agency, strings.Join(known, ", ")))
		}
	}
	return errors.Join(errs...)
}

// ErrNoToken is returned for a request without a bearer token.
var ErrNoToken = errors.New("missing bearer token")

// ErrUnknownToken is returned for a token the file does not list.
var ErrUnknownToken = errors.New("unknown bearer token")

// Identify returns the principal whose token r carries in its
// Authorization header. Digests are compared in constant time.
func (t *Tokens) Identify(r *http.Request) (Principal, error) {
	// The scheme name is case-insensitive (RFC 9110, section 11.1).
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, ErrNoToken
	}
	sum := sha256.Sum256([]byte(token))
	e := t.entries.Load()
	found := -1
	for i, d := range e.digests {
		if subtle.ConstantTimeCompare(sum[:], d) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, ErrUnknownToken
	}
	return e.principals[found], nil
}

// NewToken returns a random token and the token file line for it.
func NewToken() (token, digest string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = hex.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, hex.EncodeToString(sum[:]), nil
}
