// Package routes decides which destinations receive a message. Routes
// are data: a YAML document of destinations and routes, each route a CEL
// condition over the canonical message and a list of destinations. Load
// compiles and type-checks every condition before the hub starts, and
// Table.Decide records why each route matched or not.
package routes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/internal/policy"
)

// Config is the routes document.
type Config struct {
	// Version labels this set of routes in the journal. Empty means the
	// first 12 hex digits of the document's SHA-256.
	Version string `yaml:"version,omitempty" json:"version,omitempty"`
	// Agencies lists the agencies that may send messages to the hub. Empty
	// lets every agency the hub has an adapter for send.
	Agencies     []Agency      `yaml:"agencies,omitempty" json:"agencies,omitempty"`
	Destinations []Destination `yaml:"destinations" json:"destinations"`
	Routes       []Route       `yaml:"routes" json:"routes"`
}

// Agency is an agency system that may send messages to the hub, at
// POST /api/v1/inbound/{name}. Its name is also the adapter that decodes
// its messages and the source that routes see.
type Agency struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
}

// Destination is an agency system the hub delivers to.
type Destination struct {
	// Name identifies the destination in routes and the journal.
	Name string `yaml:"name" json:"name"`
	// Agency names the adapter that encodes for this destination.
	Agency string `yaml:"agency" json:"agency"`
	// URL receives each delivery as an HTTP POST.
	URL string `yaml:"url" json:"url"`
	// Timeout bounds one delivery attempt, at most MaxTimeout. Zero or
	// absent means DefaultTimeout, 10s.
	Timeout Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// MaxAttempts is how many times a delivery is tried before it is
	// dead-lettered, at most MaxAttemptsLimit. Zero or absent means
	// DefaultMaxAttempts, 8.
	MaxAttempts int `yaml:"max_attempts,omitempty" json:"max_attempts,omitempty"`
	// Concurrency caps the attempts in flight to this destination from
	// one hub replica, at most MaxConcurrency. Zero or absent means
	// DefaultConcurrency, 4.
	Concurrency int `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	// Policy is what the destination may receive: message types, fields
	// and masks. Default policy.AllowAll, which still never passes an
	// Aadhaar number in clear.
	Policy *policy.Policy `yaml:"policy,omitempty" json:"policy,omitempty"`
	// Retries turns automatic retries to this destination on or off.
	// When off, a delivery gets its first attempt only, and a failed or
	// waiting delivery is dead-lettered instead of tried again. Default on.
	Retries *bool `yaml:"retries,omitempty" json:"retries,omitempty"`
	// BearerTokenFile is the absolute path, on the hub's machine, of a
	// file whose content, without surrounding white space, each attempt
	// sends as "Authorization: Bearer <token>". The document contains the
	// path only, never the token.
	BearerTokenFile string `yaml:"bearer_token_file,omitempty" json:"bearer_token_file,omitempty"`
	// BasicAuth sends HTTP basic authentication with each attempt. At
	// most one of BearerTokenFile and BasicAuth may be set.
	BasicAuth *BasicAuth `yaml:"basic_auth,omitempty" json:"basic_auth,omitempty"`
	// TLS is the private CA and the client certificate of an https url.
	TLS *TLS `yaml:"tls,omitempty" json:"tls,omitempty"`
}

// Route sends the messages its condition selects to its destinations.
type Route struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// When is a CEL expression over `message`, the canonical message,
	// that must evaluate to a bool.
	When string   `yaml:"when" json:"when"`
	To   []string `yaml:"to" json:"to"`
	// Retries turns automatic retries of this route's deliveries on or
	// off, as Destination.Retries does. Default on.
	Retries *bool `yaml:"retries,omitempty" json:"retries,omitempty"`
}

// Defaults for Destination fields left at zero, and the largest values
// the fields accept.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxAttempts = 8
	DefaultConcurrency = 4
	MaxConcurrency     = 64
	// MaxAttemptsLimit is the largest max_attempts. With the hub's default
	// waits, 1s doubling up to a minute, 100 attempts take about 94 minutes.
	MaxAttemptsLimit = 100
	// MaxTimeout is the longest timeout of one attempt.
	MaxTimeout = 5 * time.Minute
)

// Duration is a time.Duration written as "10s" in YAML and JSON.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// UnmarshalText parses a Go duration string, for JSON.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// Parse decodes a routes document, fills defaults and checks it, but does
// not compile conditions: Compile does.
func Parse(doc []byte) (Config, error) {
	c, err := decode(doc)
	if err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// decode reads doc into a Config with defaults filled in, without
// checking its rules.
func decode(doc []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("parsing routes: %w", err)
	}
	if c.Version == "" {
		sum := sha256.Sum256(doc)
		c.Version = hex.EncodeToString(sum[:6])
	}
	for i := range c.Destinations {
		d := &c.Destinations[i]
		if d.Timeout == 0 {
			d.Timeout = Duration(DefaultTimeout)
		}
		if d.MaxAttempts == 0 {
			d.MaxAttempts = DefaultMaxAttempts
		}
		if d.Concurrency == 0 {
			d.Concurrency = DefaultConcurrency
		}
	}
	return c, nil
}

// Validate checks names, references, URLs and credential settings, and
// returns every problem found, each naming its destination or route.
func (c Config) Validate() error { return c.validate(false) }

// validate is Validate, except that urlCredentials lets a destination's
// url contain user information, for LoadStored.
func (c Config) validate(urlCredentials bool) error {
	var errs []error
	agencies := map[string]bool{}
	for i, a := range c.Agencies {
		if !namePattern.MatchString(a.Name) {
			errs = append(errs, fmt.Errorf("agency %d: invalid name %q: want lowercase letters, "+
				"digits, '.', '_' or '-'", i+1, a.Name))
		}
		if agencies[a.Name] {
			errs = append(errs, fmt.Errorf("agency %q: listed twice", a.Name))
		}
		agencies[a.Name] = true
	}
	dests := map[string]bool{}
	for i, d := range c.Destinations {
		errs = append(errs, d.validate(i, dests, urlCredentials)...)
		dests[d.Name] = true
	}
	routes := map[string]bool{}
	for i, r := range c.Routes {
		where := fmt.Sprintf("route %q", r.Name)
		if !namePattern.MatchString(r.Name) {
			where = fmt.Sprintf("route %d", i+1)
			errs = append(errs, fmt.Errorf("%s: invalid name %q: want lowercase letters, "+
				"digits, '.', '_' or '-'", where, r.Name))
		}
		if routes[r.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate route name", where))
		}
		routes[r.Name] = true
		if r.When == "" {
			errs = append(errs, fmt.Errorf("%s: missing condition (when)", where))
		}
		if len(r.To) == 0 {
			errs = append(errs, fmt.Errorf("%s: no destinations (to)", where))
		}
		for _, to := range r.To {
			if !dests[to] {
				errs = append(errs, fmt.Errorf("%s: unknown destination %q", where, to))
			}
		}
	}
	return errors.Join(errs...)
}

func (d Destination) validate(i int, seen map[string]bool, urlCredentials bool) []error {
	var errs []error
	where := fmt.Sprintf("destination %q", d.Name)
	if !namePattern.MatchString(d.Name) {
		where = fmt.Sprintf("destination %d", i+1)
		errs = append(errs, fmt.Errorf("%s: invalid name %q: want lowercase letters, "+
			"digits, '.', '_' or '-'", where, d.Name))
	}
	if seen[d.Name] {
		errs = append(errs, fmt.Errorf("%s: duplicate destination name", where))
	}
	if d.Agency == "" {
		errs = append(errs, fmt.Errorf("%s: missing agency", where))
	}
	u, err := url.Parse(d.URL)
	masked := maskedURL(d.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("%s: invalid url %q: want an absolute http or https URL",
			where, masked))
		u = nil
	} else if u.Hostname() == "" {
		errs = append(errs, fmt.Errorf("%s: invalid url %q: missing host", where, masked))
	} else if strings.HasSuffix(u.Host, ":") {
		errs = append(errs, fmt.Errorf("%s: invalid url %q: empty port: give one or drop the colon",
			where, masked))
	} else if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("%s: invalid url %q: port %s is out of range 1 to 65535",
				where, masked, p))
		}
	}
	if u != nil && u.User != nil && !urlCredentials {
		errs = append(errs, fmt.Errorf("%s: url must not contain credentials; "+
			"use bearer_token_file or basic_auth", where))
	}
	errs = append(errs, d.validateCredentials(where, u)...)
	if d.Timeout < 0 || time.Duration(d.Timeout) > MaxTimeout {
		errs = append(errs, fmt.Errorf("%s: timeout %s is out of range: want more than 0s "+
			"and at most %s, or leave it out for the default %s",
			where, time.Duration(d.Timeout), MaxTimeout, DefaultTimeout))
	}
	if d.MaxAttempts < 0 || d.MaxAttempts > MaxAttemptsLimit {
		errs = append(errs, fmt.Errorf("%s: max_attempts %d is out of range: want 1 to %d, "+
			"or leave it out for the default %d",
			where, d.MaxAttempts, MaxAttemptsLimit, DefaultMaxAttempts))
	}
	if d.Concurrency < 0 || d.Concurrency > MaxConcurrency {
		errs = append(errs, fmt.Errorf("%s: concurrency %d is out of range: want 1 to %d",
			where, d.Concurrency, MaxConcurrency))
	}
	return errs
}

// CheckAgencies returns an error for each agency of c, in the agencies
// list or a destination's agency field, that is not in known, the
// agencies the hub has adapters for. Validate cannot check this, because
// the adapters are the hub's, not the document's.
func (c Config) CheckAgencies(known []string) error {
	var errs []error
	list := strings.Join(known, ", ")
	for _, a := range c.Agencies {
		if !slices.Contains(known, a.Name) {
			errs = append(errs, fmt.Errorf("agency %q: no adapter of that name: known agencies are %s",
				a.Name, list))
		}
	}
	for _, d := range c.Destinations {
		// Validate reports a missing agency.
		if d.Agency != "" && !slices.Contains(known, d.Agency) {
			errs = append(errs, fmt.Errorf("destination %q: agency: unknown agency %q: "+
				"known agencies are %s", d.Name, d.Agency, list))
		}
	}
	return errors.Join(errs...)
}
