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
	"io"
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
	// PoliceUnit is the CCTNS code of the police station or district
	// police office that reads this destination's passport verification
	// requests, such as EKM0412 or KOCHI-CITY. The hub records the units
	// that received a request as its holders, and a holder may report on
	// it. Empty for other destinations.
	PoliceUnit string `yaml:"police_unit,omitempty" json:"police_unit,omitempty"`
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

// UnmarshalYAML parses a Go duration string. An invalid one is a
// *yaml.TypeError, so that decoding goes on and reports it with its line
// among the document's other type errors.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &yaml.TypeError{Errors: []string{
			fmt.Sprintf("line %d: invalid duration %q: %v", n.Line, s, err)}}
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
// not compile conditions: Compile does. The error is an *InvalidError.
// Unless the document is not YAML, or checkDocument stops, Parse returns
// what it decoded, and the error lists every problem that it found.
func Parse(doc []byte) (Config, error) {
	textProblems, stop := checkDocument(doc)
	if stop {
		return Config{}, Invalid(textProblems...)
	}
	c, typeProblems, err := decode(doc)
	if err != nil {
		return Config{}, withProblems(err, textProblems)
	}
	// The text problems join after the merge, which would read one with
	// the pointer "" of the whole document as covering every other
	// problem.
	return c, Invalid(append(mergeProblems(typeProblems, c.validate(false)), textProblems...)...)
}

// withProblems returns err, an *InvalidError, with the problems ps added.
func withProblems(err error, ps []Problem) error {
	if len(ps) == 0 {
		return err
	}
	return Invalid(append(Problems(err), ps...)...)
}

// checkKeys returns a problem for destinations or routes when root, a
// document of a mapping, leaves either out or gives no list or an empty
// item. A document cut short, or one of a version alone, would otherwise
// route nothing anywhere once applied. A document meant to route nothing
// has empty lists.
func checkKeys(root *yaml.Node) []Problem {
	switch {
	case len(root.Content) == 0:
		// decode reports the empty document.
		return nil
	case root.Content[0].Tag == "!!null":
		// "~", "null" or a lone "---" decodes as an empty document.
		return []Problem{{Pointer: "", Rule: RuleYAML,
			Message: "the routes document is empty: it needs destinations and routes"}}
	case root.Content[0].Kind != yaml.MappingNode:
		// decode reports what the document is instead.
		return nil
	}
	lists := map[string]*yaml.Node{}
	top := root.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		lists[top[i].Value] = top[i+1]
	}
	var ps []Problem
	for _, key := range []string{"destinations", "routes"} {
		switch n, ok := lists[key]; {
		case !ok:
			ps = append(ps, Problem{Pointer: "/" + key, Rule: RuleRequired, Message: fmt.Sprintf(
				"missing %s: a document without them routes nothing anywhere; write %s: [] "+
					"if that is meant", key, key)})
		case n.Kind != yaml.SequenceNode:
			ps = append(ps, Problem{Pointer: "/" + key, Rule: RuleRequired, Message: fmt.Sprintf(
				"%s: no list: a document cut short here routes nothing anywhere; write %s: [] "+
					"if that is meant", key, key)})
		default:
			// YAML drops a null item, such as a lone "-" where a document
			// was cut, from the decoded list.
			for i, item := range n.Content {
				if item.Tag == "!!null" {
					ps = append(ps, Problem{Pointer: fmt.Sprintf("/%s/%d", key, i), Rule: RuleRequired,
						Message: fmt.Sprintf("%s: item %d is empty: a document cut short here "+
							"loses what follows; remove the item or complete it", key, i)})
				}
			}
		}
	}
	return ps
}

// decode reads doc into a Config with defaults filled in, without
// checking its rules. A value of the wrong type or an unknown field is
// one of the returned problems, and the rest of the document is still
// decoded. The error is an *InvalidError of a YAML syntax error, or of
// the type problems when the decoder had to leave out a list item, and
// then nothing is decoded.
func decode(doc []byte) (Config, []Problem, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	var typeProblems []Problem
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return Config{}, nil, Invalid(Problem{Pointer: "", Rule: RuleYAML,
				Message: "the routes document is empty: it needs destinations and routes"})
		}
		var typeErr *yaml.TypeError
		if !errors.As(err, &typeErr) {
			return Config{}, nil, Invalid(Problem{Pointer: "", Rule: RuleYAML,
				Message: "parsing routes: " + err.Error()})
		}
		var complete bool
		typeProblems, complete = typeProblemsOf(doc, c, typeErr)
		if !complete {
			return Config{}, nil, Invalid(typeProblems...)
		}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		// A second document would be saved with the first but never read.
		return Config{}, nil, Invalid(Problem{Pointer: "", Rule: RuleYAML,
			Message: "the file holds more than one YAML document: remove the --- line " +
				"and what follows it, or put it in a file of its own"})
	}
	typeProblems = append(typeProblems, fractionProblems(doc)...)
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
	return c, typeProblems, nil
}

// mergeProblems returns typeProblems, followed by each of others that is
// not about the value of a type problem or a value inside it. A value
// that could not be decoded was left empty, and others would report it
// missing or invalid again.
func mergeProblems(typeProblems, others []Problem) []Problem {
	out := slices.Clone(typeProblems)
	for _, o := range others {
		if !covered(o.Pointer, typeProblems) {
			out = append(out, o)
		}
	}
	return out
}

// Validate checks names, references, URLs and credential settings. The
// error is an *InvalidError that lists every problem found, each naming
// its destination or route.
func (c Config) Validate() error { return Invalid(c.validate(false)...) }

// validate returns Validate's problems, except that urlCredentials lets
// a destination's url contain user information, for LoadStored.
func (c Config) validate(urlCredentials bool) []Problem {
	var ps []Problem
	agencies := map[string]bool{}
	for i, a := range c.Agencies {
		at := entryPointer("agencies", i, "name")
		if !namePattern.MatchString(a.Name) {
			ps = append(ps, Problem{at, RuleName, fmt.Sprintf("agency %d: invalid name %q: "+
				"want lowercase letters, digits, '.', '_' or '-'", i+1, a.Name)})
		}
		if agencies[a.Name] {
			ps = append(ps, Problem{at, RuleDuplicateName, fmt.Sprintf("agency %q: listed twice", a.Name)})
		}
		agencies[a.Name] = true
	}
	dests := map[string]bool{}
	for i, d := range c.Destinations {
		ps = append(ps, d.validate(i, dests, urlCredentials)...)
		dests[d.Name] = true
	}
	ps = append(ps, c.sharedQueues()...)
	routes := map[string]bool{}
	for i, r := range c.Routes {
		ps = append(ps, r.validate(i, routes, dests)...)
		routes[r.Name] = true
	}
	return ps
}

// QueueName returns the name of a destination's delivery queue number
// shard, from 0 to its concurrency less one: the destination's name for
// shard 0, and the name, a dot and the number for the others. The bus
// topics are these names with a prefix.
func QueueName(destination string, shard int) string {
	if shard == 0 {
		return destination
	}
	return destination + "." + strconv.Itoa(shard)
}

// sharedQueues returns a problem for each destination one of whose
// queues would have the name of an earlier destination's queue. Kafka
// takes '.' and '_' in a topic name as the same character, so names are
// compared with '_' read as '.'. Destination a.1, or a_1, would
// otherwise share a queue with the second queue of a destination a of
// concurrency 2 or more.
func (c Config) sharedQueues() []Problem {
	var ps []Problem
	owner := map[string]string{} // queue name, '_' read as '.', to destination
	for i, d := range c.Destinations {
		n := d.Concurrency
		if n == 0 {
			n = DefaultConcurrency
		}
		reported := false
		for shard := range n {
			queue := QueueName(d.Name, shard)
			key := strings.ReplaceAll(queue, "_", ".")
			other, owned := owner[key]
			switch {
			case owned && other != d.Name && !reported:
				reported = true
				ps = append(ps, Problem{entryPointer("destinations", i, "name"), RuleSharedQueue,
					fmt.Sprintf("destination %q: its delivery queue %s would be the queue of "+
						"destination %q (Kafka reads '.' and '_' in topic names alike): "+
						"rename one of them", d.Name, queue, other)})
			case !owned:
				owner[key] = d.Name
			}
		}
	}
	return ps
}

// validate returns the problems of r, entry i of the document's routes.
// seen holds the names of the routes before it, and dests the names of
// the document's destinations.
func (r Route) validate(i int, seen, dests map[string]bool) []Problem {
	var ps []Problem
	where := fmt.Sprintf("route %q", r.Name)
	if !namePattern.MatchString(r.Name) {
		where = fmt.Sprintf("route %d", i+1)
		ps = append(ps, Problem{routePointer(i, "name"), RuleName, fmt.Sprintf("%s: invalid name %q: "+
			"want lowercase letters, digits, '.', '_' or '-'", where, r.Name)})
	}
	if seen[r.Name] {
		ps = append(ps, Problem{routePointer(i, "name"), RuleDuplicateName,
			where + ": duplicate route name"})
	}
	if r.When == "" {
		ps = append(ps, Problem{routePointer(i, "when"), RuleRequired,
			where + ": missing condition (when)"})
	}
	if len(r.To) == 0 {
		ps = append(ps, Problem{routePointer(i, "to"), RuleRequired, where + ": no destinations (to)"})
	}
	for j, to := range r.To {
		if !dests[to] {
			ps = append(ps, Problem{routePointer(i, "to."+strconv.Itoa(j)), RuleUnknownDestination,
				fmt.Sprintf("%s: unknown destination %q", where, to)})
		}
	}
	return ps
}

// validate returns the problems of d, entry i of the document's
// destinations. seen holds the names of the destinations before it.
func (d Destination) validate(i int, seen map[string]bool, urlCredentials bool) []Problem {
	var ps []Problem
	at := func(field string) string { return DestinationPointer(i, field) }
	where := fmt.Sprintf("destination %q", d.Name)
	if !namePattern.MatchString(d.Name) {
		where = fmt.Sprintf("destination %d", i+1)
		ps = append(ps, Problem{at("name"), RuleName, fmt.Sprintf("%s: invalid name %q: "+
			"want lowercase letters, digits, '.', '_' or '-'", where, d.Name)})
	}
	if seen[d.Name] {
		ps = append(ps, Problem{at("name"), RuleDuplicateName, where + ": duplicate destination name"})
	}
	if d.Agency == "" {
		ps = append(ps, Problem{at("agency"), RuleRequired, where + ": missing agency"})
	}
	u, p := parseURL(d.URL)
	if p != "" {
		ps = append(ps, Problem{at("url"), RuleURL, fmt.Sprintf("%s: invalid url %q: %s",
			where, maskedURL(d.URL), p)})
	}
	if u != nil && u.User != nil && !urlCredentials {
		ps = append(ps, Problem{at("url"), RuleCredentials, where + ": url must not contain " +
			"credentials; use bearer_token_file or basic_auth"})
	}
	ps = append(ps, d.validateCredentials(i, where, u)...)
	if d.Timeout < 0 || time.Duration(d.Timeout) > MaxTimeout {
		ps = append(ps, Problem{at("timeout"), RuleRange, fmt.Sprintf("%s: timeout %s is out "+
			"of range: want more than 0s and at most %s, or leave it out for the default %s",
			where, time.Duration(d.Timeout), MaxTimeout, DefaultTimeout)})
	}
	if d.MaxAttempts < 0 || d.MaxAttempts > MaxAttemptsLimit {
		ps = append(ps, Problem{at("max_attempts"), RuleRange, fmt.Sprintf("%s: max_attempts %d "+
			"is out of range: want 1 to %d, or leave it out for the default %d",
			where, d.MaxAttempts, MaxAttemptsLimit, DefaultMaxAttempts)})
	}
	if d.Concurrency < 0 || d.Concurrency > MaxConcurrency {
		ps = append(ps, Problem{at("concurrency"), RuleRange, fmt.Sprintf("%s: concurrency %d "+
			"is out of range: want 1 to %d", where, d.Concurrency, MaxConcurrency)})
	}
	if d.PoliceUnit != "" && !policeUnitPattern.MatchString(d.PoliceUnit) {
		ps = append(ps, Problem{at("police_unit"), RulePoliceUnit, fmt.Sprintf("%s: invalid "+
			"police_unit %q: want a CCTNS code of 1 to 32 capital letters, digits, '-' or '_'",
			where, d.PoliceUnit)})
	}
	return ps
}

// policeUnitPattern is a CCTNS police station or office code, as the
// police documents write police_station.
var policeUnitPattern = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)

// parseURL parses a destination's url. It returns the URL, nil when it
// is not an absolute http or https URL, and what is wrong with it, ""
// when nothing is.
func parseURL(raw string) (*url.URL, string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "want an absolute http or https URL"
	}
	if u.Hostname() == "" {
		return u, "missing host"
	}
	if strings.HasSuffix(u.Host, ":") {
		return u, "empty port: give one or drop the colon"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return u, fmt.Sprintf("port %s is out of range 1 to 65535", port)
		}
	}
	return u, ""
}

// CheckAgencies returns an *InvalidError with a problem for each agency
// of c, in the agencies list or a destination's agency field, that is
// not in known, the agencies the hub has adapters for. Validate cannot
// check this, because the adapters are the hub's, not the document's.
func (c Config) CheckAgencies(known []string) error {
	var ps []Problem
	list := strings.Join(known, ", ")
	for i, a := range c.Agencies {
		if !slices.Contains(known, a.Name) {
			ps = append(ps, Problem{entryPointer("agencies", i, "name"), RuleUnknownAgency,
				fmt.Sprintf("agency %q: no adapter of that name: known agencies are %s", a.Name, list)})
		}
	}
	for i, d := range c.Destinations {
		// Validate reports a missing agency.
		if d.Agency != "" && !slices.Contains(known, d.Agency) {
			ps = append(ps, Problem{DestinationPointer(i, "agency"), RuleUnknownAgency,
				fmt.Sprintf("destination %q: agency: unknown agency %q: known agencies are %s",
					d.Name, d.Agency, list)})
		}
	}
	return Invalid(ps...)
}
