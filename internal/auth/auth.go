// Package auth identifies who calls the hub's API. Each agency system,
// each operator and each metrics scraper holds a bearer token. The hub
// keeps only the tokens' SHA-256 digests, in a YAML file such as:
//
//	tokens:
//	  - name: cctns-kerala      # who holds the token, for the journal
//	    agency: police          # may post to /api/v1/inbound/police
//	    sha256: 9f86d08...
//	  - name: station-ekm0412
//	    agency: police
//	    stations: [EKM0412]     # may post only these stations' documents
//	    sha256: 4e07408...
//	  - name: court-kler01
//	    agency: courts
//	    courts: [KLER01]        # may post only these courts' messages
//	    sha256: 7a1b2c3...
//	  - name: sub-jail-ernakulam
//	    agency: prisons
//	    prisons: [KLSJEKM]      # may post only these prisons' movements
//	    sha256: 3d4e5f6...
//	  - name: oncall-operator
//	    operator: true          # may read journeys and replay deliveries
//	    sha256: 2c26b46...
//	  - name: prometheus
//	    metrics: true           # may read /metrics and nothing else
//	    sha256: 5e88489...
//
// A police entry without stations may post the documents of every
// station, as a state records bureau or a CCTNS gateway does. One with
// stations may post only documents that name one of them: an FIR, arrest
// memo or final report whose FIR is the station's, and a passport
// verification report that the station makes.
//
// Likewise a courts entry without courts may post for every court, as an
// e-Courts gateway does. One with courts, their e-Courts establishment
// codes, may post only the messages of those courts: a docketing callback
// whose court and CNR are the court's, and an order that the court issued.
// A prisons entry with prisons may post only the movements of prisoners
// that those prisons hold.
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
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"github.com/mtibben/confusables"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/textcheck"
)

// Principal is the holder of a token.
type Principal struct {
	Name string `yaml:"name"`
	// Agency is the agency whose messages the holder may post; empty for
	// an operator and for a metrics scraper.
	Agency string `yaml:"agency,omitempty"`
	// Stations are the CCTNS codes of the police stations whose documents
	// the holder may post. It is empty for a token of every station, and
	// only an entry of agency police sets it. Parse reads it from the
	// entry's stations key by way of tokenEntry.
	Stations []string `yaml:"-"`
	// Courts are the e-Courts establishment codes of the courts whose
	// messages the holder may post. It is empty for a token of every
	// court, and only an entry of agency courts sets it. Parse reads it
	// from the entry's courts key by way of tokenEntry.
	Courts []string `yaml:"-"`
	// Prisons are the codes of the prisons whose movements the holder may
	// post. It is empty for a token of every prison, and only an entry of
	// agency prisons sets it.
	Prisons []string `yaml:"-"`
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

// MayPostForStation reports whether the holder may post the documents of
// the police station with CCTNS code station: any station unless
// Stations lists some.
func (p Principal) MayPostForStation(station string) bool {
	return len(p.Stations) == 0 || slices.Contains(p.Stations, station)
}

// Tokens is a loaded token file. It is safe for concurrent use, and
// Replace swaps its entries for those of another file at once.
type Tokens struct {
	entries atomic.Pointer[entries]
}

// entries are the principals of one token file with their digests.
type entries struct {
	principals []Principal
	digests    [][]byte // digests[i] belongs to principals[i]
	// agencyLines[i] is the line of the agency of principals[i] in the
	// token file, for the errors of CheckAgencies.
	agencyLines []int
}

// MayPostForCourt reports whether the holder may post the messages of
// the court with e-Courts establishment code court: any court unless
// Courts lists some. Codes are compared by canonical.SameCourt, as the
// hub compares the court of a callback with the court of its filing.
func (p Principal) MayPostForCourt(court string) bool {
	if len(p.Courts) == 0 {
		return true
	}
	return slices.ContainsFunc(p.Courts, func(c string) bool { return canonical.SameCourt(c, court) })
}

// MayPostForPrison reports whether the holder may post the movements of
// the prison with code prison: any prison unless Prisons lists some.
// Codes are compared as written, as routes compare them.
func (p Principal) MayPostForPrison(prison string) bool {
	return len(p.Prisons) == 0 || slices.Contains(p.Prisons, prison)
}

// tokenEntry is one entry of a token file as written. Its stations,
// courts and prisons stay YAML nodes until Parse checks them, so that an error names
// the line of each code, and a key without a value is not taken for none.
type tokenEntry struct {
	Principal `yaml:",inline"`
	Stations  yaml.Node `yaml:"stations"`
	Courts    yaml.Node `yaml:"courts"`
	Prisons   yaml.Node `yaml:"prisons"`
}

// unknownTokenField matches the error of gopkg.in/yaml.v3 for a key that
// a token entry does not have, which names a Go type.
var unknownTokenField = regexp.MustCompile(`^line (\d+): field (.*) not found in type auth\.tokenEntry$`)

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
				"sha256, agency, stations, courts, prisons, operator and metrics", m[1], m[2])
		}
	}
	return errors.New(strings.Join(lines, "; "))
}

// Parse reads a token file and checks every entry.
func Parse(doc []byte) (*Tokens, error) {
	var file struct {
		Tokens []tokenEntry `yaml:"tokens"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("invalid token file: want YAML with a tokens list: %w", plainYAMLError(err))
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		// What follows the first document would be ignored, entries
		// included.
		return nil, errors.New("invalid token file: it contains more than one YAML document: " +
			"remove the --- or ... line and what follows it")
	}
	// The same document as nodes, for the line of each entry's digest.
	var lines struct {
		Tokens []yaml.Node `yaml:"tokens"`
	}
	_ = yaml.Unmarshal(doc, &lines)
	// lineOf returns the line of key's value in entry i, or of the entry
	// when it has no such key.
	lineOf := func(i int, key string) int {
		if i < len(lines.Tokens) {
			return valueLine(&lines.Tokens[i], key)
		}
		return 0
	}
	// at returns the start of an error about key of entry i, or about
	// the whole entry when key is "".
	at := func(i int, key string) string {
		start := fmt.Sprintf("line %d: %s", lineOf(i, key), entryLabel(i, file.Tokens[i].Name))
		if key == "" {
			return start
		}
		return start + ": " + key
	}
	t := &entries{}
	var errs []error
	// firstEntry maps each well-formed digest to the first entry with it.
	firstEntry := map[string]int{}
	firstName := map[string]int{}
	for i, entry := range file.Tokens {
		p := entry.Principal
		digest, err := hex.DecodeString(p.SHA256)
		validDigest := err == nil && len(digest) == sha256.Size
		nameErr := CheckName(p.Name)
		// Each rule is checked on its own, so that one reading of the
		// file reports every problem of an entry.
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("%s: missing", at(i, "name")))
		case nameErr != nil:
			errs = append(errs, fmt.Errorf("%s: %w", at(i, "name"), nameErr))
		}
		if !validDigest {
			errs = append(errs, fmt.Errorf("%s: want 64 hex digits", at(i, "sha256")))
		}
		switch {
		case p.Metrics && (p.Agency != "" || p.Operator):
			errs = append(errs, fmt.Errorf("%s: true may not be combined with "+
				"agency or operator, because a metrics token may read /metrics only: "+
				"give the other grant its own entry and token", at(i, "metrics")))
		case p.Agency == "" && !p.Operator && !p.Metrics:
			errs = append(errs, fmt.Errorf("%s: grants nothing: set agency, operator or metrics",
				at(i, "")))
		}
		// An invalid name has its own error above, and one naming the
		// entry it prints like would blame a valid entry too.
		if nameErr == nil {
			key := nameKey(p.Name)
			if earlier, seen := firstName[key]; seen {
				errs = append(errs, fmt.Errorf("%s: prints as %s does: the "+
					"journal and the routes history record who acted by name, so each entry needs its "+
					"own, such as %q for a holder's second token", at(i, "name"),
					entryLabel(earlier, file.Tokens[earlier].Name), file.Tokens[earlier].Name+"-2"))
			} else {
				firstName[key] = i
			}
		}
		if validDigest {
			if earlier, seen := firstEntry[string(digest)]; seen {
				errs = append(errs, fmt.Errorf("%s: same digest as %s: "+
					"each entry needs its own token: make a new one with sangam token",
					at(i, "sha256"), entryLabel(earlier, file.Tokens[earlier].Name)))
			} else {
				firstEntry[string(digest)] = i
			}
		}
		var codeErrs []error
		p.Stations, codeErrs = parseCodes(i, p, &entry.Stations, stationScope)
		errs = append(errs, codeErrs...)
		p.Courts, codeErrs = parseCodes(i, p, &entry.Courts, courtScope)
		errs = append(errs, codeErrs...)
		p.Prisons, codeErrs = parseCodes(i, p, &entry.Prisons, prisonScope)
		errs = append(errs, codeErrs...)
		t.principals = append(t.principals, p)
		t.digests = append(t.digests, digest)
		t.agencyLines = append(t.agencyLines, lineOf(i, "agency"))
	}
	if len(t.principals) == 0 {
		errs = append(errs, errors.New("token file lists no tokens"))
	}
	tokens := &Tokens{}
	tokens.entries.Store(t)
	return tokens, errors.Join(errs...)
}

// entryLabel returns how an error names token entry i, whose name is
// name: "tokens[i]" and the quoted name. It leaves the name out when it
// is empty or contains a number that canonical.CheckOperatorText
// reports, because the error would show that number in clear.
func entryLabel(i int, name string) string {
	if name == "" || canonical.CheckOperatorText("name", name) != nil {
		return fmt.Sprintf("tokens[%d]", i)
	}
	return fmt.Sprintf("tokens[%d] %q", i, name)
}

// valueLine returns the line of key's value in the mapping node entry,
// or the line of entry itself when it has no such key.
func valueLine(entry *yaml.Node, key string) int {
	if entry.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(entry.Content); i += 2 {
			if entry.Content[i].Value == key {
				return entry.Content[i+1].Line
			}
		}
	}
	return entry.Line
}

// MaxNameBytes is the longest name a token entry may have, in bytes: the
// longest that the routes store records as who made a change.
const MaxNameBytes = 200

// CheckName returns an error unless name can name a token's holder in
// the journal and the routes history: 1 to MaxNameBytes bytes of UTF-8
// without control characters, with letters of one Unicode script or of
// a mix that cannot print as another name (see checkOneScript), and
// without a number that looks like an Aadhaar number (see
// canonical.CheckOperatorText), which audit lines, posted_by and the
// routes history would show in clear. That error matches
// canonical.ErrAadhaarLike.
func CheckName(name string) error {
	switch {
	case name == "":
		return errors.New("missing")
	case len(name) > MaxNameBytes:
		return fmt.Errorf("%d bytes, more than %d", len(name), MaxNameBytes)
	}
	if err := textcheck.Name(name); err != nil {
		return err
	}
	if err := canonical.CheckOperatorText("it", name); err != nil {
		return err
	}
	return checkOneScript(name)
}

// letterScripts are the names of the Unicode scripts that scriptOf
// looks a character up in. Common (digits, punctuation and their
// fullwidth forms) and Inherited (combining marks) are left out, because
// such characters belong to names in any script.
var letterScripts = func() []string {
	var names []string
	for name := range unicode.Scripts {
		if name != "Common" && name != "Inherited" {
			names = append(names, name)
		}
	}
	return names
}()

// scriptOf returns the Unicode script of r, or "" for a character of
// Common, Inherited or no script.
func scriptOf(r rune) string {
	for _, name := range letterScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	return ""
}

// checkOneScript returns an error unless name's letters are of one
// Unicode script or of a mix that eastAsianMixes or mixAllowed accepts.
// Such a mix is Latin and one other script that has no letters printing
// as Latin ones do, such as ops-രാജു, or Latin, Han and Japanese kana (or
// Bopomofo, or Hangul). Cyrillic or Greek mixed with Latin is rejected,
// because the Cyrillic а (U+0430) in ops-аlice prints as the Latin a of
// ops-alice does. Any other mix of two non-Latin scripts is rejected too.
func checkOneScript(name string) error {
	var scripts []string
	var letters []rune
	for _, r := range name {
		script := scriptOf(r)
		if script == "" || slices.Contains(scripts, script) {
			continue
		}
		scripts = append(scripts, script)
		letters = append(letters, r)
		if !mixAllowed(scripts) {
			first, firstScript := conflictingLetter(scripts, letters)
			return fmt.Errorf("mixes %s and %s letters (%q U+%04X is %s, %q U+%04X is %s), "+
				"so it can print as another name does: write it in one script",
				firstScript, script, first, first, firstScript, r, r, script)
		}
	}
	return nil
}

// conflictingLetter returns the first letter, and its script, of a script
// in scripts that the last one may not mix with. That is the first
// non-Latin script before it when the last is not Latin, as Malayalam is
// for the Devanagari of ekm-രാജു-राजू, and the first script otherwise.
func conflictingLetter(scripts []string, letters []rune) (rune, string) {
	last := len(scripts) - 1
	if scripts[last] != "Latin" {
		for i, script := range scripts[:last] {
			if script != "Latin" {
				return letters[i], script
			}
		}
	}
	return letters[0], scripts[0]
}

// eastAsianMixes are the sets of scripts that names in Japanese,
// Chinese and Korean mix with Latin.
var eastAsianMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixAllowed reports whether a name may have letters of scripts.
func mixAllowed(scripts []string) bool {
	if len(scripts) <= 1 {
		return true
	}
	for _, mix := range eastAsianMixes {
		if !slices.ContainsFunc(scripts, func(s string) bool { return !slices.Contains(mix, s) }) {
			return true
		}
	}
	if len(scripts) != 2 || !slices.Contains(scripts, "Latin") {
		return false
	}
	return !slices.Contains(scripts, "Cyrillic") && !slices.Contains(scripts, "Greek")
}

// nameKey returns the form of a name that two names which print alike
// share. It takes the name in Unicode NFKC, which makes fullwidth ｏ an o
// and composes é, and case folds it as golang.org/x/text/cases folds it.
// It returns the UTS 39 confusable skeleton of the result, by the Unicode
// 13.0 table of github.com/mtibben/confusables. The skeleton maps letters
// that print as Latin ones do, such as the Cyrillic о and the dotless ı,
// to the Latin letters. Folding turns the Cyrillic
// capital palochka Ӏ, which the table maps to l, into the small ӏ, which
// it maps to i, though both print as l, so the key maps ӏ to l first.
func nameKey(name string) string {
	folded := cases.Fold().String(norm.NFKC.String(name))
	return confusables.Skeleton(strings.ReplaceAll(folded, "\u04cf", "l"))
}

// checkNoAadhaar returns an error when code, the code of an office of
// the kind noun, contains a number that canonical.CheckCode reports. The
// hub rejects every message with such a code, so a token limited to it
// could post nothing for that office, and the token file would keep an
// Aadhaar number in clear. The error writes the number masked and never
// the code, which contains it.
func checkNoAadhaar(noun, code string) error {
	masked, found := canonical.AadhaarInCode(code)
	if !found {
		return nil
	}
	return fmt.Errorf("invalid %s code: it contains %s, which looks like an Aadhaar number "+
		"(12 digits with a valid check digit): the hub rejects every message with such a code, "+
		"so the token could post nothing for this %s, and the token file would keep the number "+
		"in clear: list the %s's own code", noun, masked, noun, noun)
}

// stationCode is the format of a CCTNS code in the police documents,
// $defs/code of schemas/police/common.json, which a test keeps equal.
var stationCode = regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)

// CheckStationCode returns an error unless code has the format of a
// police station's CCTNS code in the police documents and contains no
// number that canonical.CheckCode reports (see checkNoAadhaar).
func CheckStationCode(code string) error {
	if err := checkNoAadhaar("station", code); err != nil {
		return err
	}
	if !stationCode.MatchString(code) {
		return fmt.Errorf("invalid station code %q: want 1 to 32 capital letters, digits, hyphens "+
			"or underscores, as a CCTNS code in a police document", code)
	}
	return nil
}

// courtCode is the format of a court's code in a token file: capital
// letters and digits, such as the e-Courts establishment code KLER01
// that starts each of the court's CNRs.
var courtCode = regexp.MustCompile(`^[A-Z0-9]{1,64}$`)

// CheckCourtCode returns an error unless code has the format of a
// court's code in a token file and contains no number that
// canonical.CheckCode reports (see checkNoAadhaar).
func CheckCourtCode(code string) error {
	if err := checkNoAadhaar("court", code); err != nil {
		return err
	}
	if !courtCode.MatchString(code) {
		return fmt.Errorf("invalid court code %q: want 1 to 64 capital letters or digits, "+
			"such as the e-Courts establishment code KLER01", code)
	}
	return nil
}

// CheckPrisonCode returns an error unless code has the format of a
// prison's code in the prisons' documents, upper case included, and
// contains no number that canonical.CheckCode reports (see
// checkNoAadhaar). The hub rejects a movement or court order with a
// lower-case prison code, so a token listing one could post nothing.
func CheckPrisonCode(code string) error {
	if err := checkNoAadhaar("prison", code); err != nil {
		return err
	}
	if !canonical.ValidPrisonCode(code) {
		return fmt.Errorf("invalid prison code %q: want 1 to 64 characters without a slash, "+
			"surrounding space or control characters, such as KLSJEKM", code)
	}
	if !canonical.UpperCasePrisonCode(code) {
		return fmt.Errorf("invalid prison code %q: want upper case, such as %s, because "+
			"the hub accepts prison messages only with upper-case prison codes and compares "+
			"them as written", code, strings.ToUpper(code))
	}
	return nil
}

// scope describes a token entry's key that limits what its holder may
// post to the documents of some offices of its agency.
type scope struct {
	key     string // the entry's key, such as "stations"
	agency  string // the only agency whose entries may have the key
	noun    string // the kind of office a code names, such as "station"
	example string // a valid code
	check   func(code string) error
}

var (
	stationScope = scope{key: "stations", agency: "police", noun: "station",
		example: "EKM0412", check: CheckStationCode}
	courtScope = scope{key: "courts", agency: "courts", noun: "court",
		example: "KLER01", check: CheckCourtCode}
	prisonScope = scope{key: "prisons", agency: "prisons", noun: "prison",
		example: "KLSJEKM", check: CheckPrisonCode}
)

// parseCodes returns the codes of node, the key of token entry i that sc
// describes, whose other fields are p, with an error for each rule that
// the key breaks, naming its line. A node of kind 0 is a missing key, and
// it returns no codes and no errors.
func parseCodes(i int, p Principal, node *yaml.Node, sc scope) ([]string, []error) {
	if node.Kind == 0 {
		return nil, nil
	}
	at := func(line int) string {
		return fmt.Sprintf("line %d: %s: %s", line, entryLabel(i, p.Name), sc.key)
	}
	if p.Agency != sc.agency {
		agency := "no agency"
		if p.Agency != "" {
			agency = fmt.Sprintf("agency %q", p.Agency)
		}
		return nil, []error{fmt.Errorf("%s: only an entry of agency %s may list %s, "+
			"and this one has %s: remove %s or give it agency: %s",
			at(node.Line), sc.agency, sc.key, agency, sc.key, sc.agency)}
	}
	if node.Kind != yaml.SequenceNode {
		if node.Tag == "!!null" {
			return nil, []error{fmt.Errorf("%s: missing value: list at least one %s code, "+
				"or remove %s to let the token post for every %s",
				at(node.Line), sc.noun, sc.key, sc.noun)}
		}
		return nil, []error{fmt.Errorf("%s: want a list of %s codes, such as [%s]",
			at(node.Line), sc.noun, sc.example)}
	}
	if len(node.Content) == 0 {
		return nil, []error{fmt.Errorf("%s: empty list: list at least one %s code, "+
			"or remove %s to let the token post for every %s", at(node.Line), sc.noun, sc.key, sc.noun)}
	}
	var codes []string
	var errs []error
	for _, item := range node.Content {
		// A scalar's code is its text as written, so 0412 and null are
		// codes too, whatever YAML type their tag resolves to.
		if item.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("%s: want a %s code, such as %s, "+
				"in place of this item", at(item.Line), sc.noun, sc.example))
			continue
		}
		if err := sc.check(item.Value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at(item.Line), err))
			continue
		}
		if slices.Contains(codes, item.Value) {
			errs = append(errs, fmt.Errorf("%s: %s is listed twice: list each %s once",
				at(item.Line), item.Value, sc.noun))
			continue
		}
		codes = append(codes, item.Value)
	}
	return codes, errs
}

// Replace makes t identify callers by from's entries. A request being
// identified keeps the entries it started with.
func (t *Tokens) Replace(from *Tokens) {
	t.entries.Store(from.entries.Load())
}

// Len returns the number of entries.
func (t *Tokens) Len() int { return len(t.entries.Load().principals) }

// Changes compares the entries of t with those of next by name. It
// returns, each sorted, the names that only next lists, the names that
// only t lists, and the names that both list with another token or
// another grant.
func (t *Tokens) Changes(next *Tokens) (added, revoked, changed []string) {
	before := t.entries.Load().byName()
	after := next.entries.Load().byName()
	for name, p := range after {
		old, listed := before[name]
		switch {
		case !listed:
			added = append(added, name)
		case !samePrincipal(old, p):
			changed = append(changed, name)
		}
	}
	for name := range before {
		if _, listed := after[name]; !listed {
			revoked = append(revoked, name)
		}
	}
	slices.Sort(added)
	slices.Sort(revoked)
	slices.Sort(changed)
	return added, revoked, changed
}

// byName maps each entry's name to its principal.
func (e *entries) byName() map[string]Principal {
	m := make(map[string]Principal, len(e.principals))
	for _, p := range e.principals {
		m[p.Name] = p
	}
	return m
}

// samePrincipal reports whether a and b have the same token digest and
// grant the same.
func samePrincipal(a, b Principal) bool {
	return strings.EqualFold(a.SHA256, b.SHA256) && a.Agency == b.Agency &&
		a.Operator == b.Operator && a.Metrics == b.Metrics &&
		slices.Equal(a.Stations, b.Stations) && slices.Equal(a.Courts, b.Courts) &&
		slices.Equal(a.Prisons, b.Prisons)
}

// CheckAgencies returns an error for each entry whose agency is not in
// known, the agencies the hub has adapters for, naming the entry and the
// known agencies. Such a token could post nothing.
func (t *Tokens) CheckAgencies(known []string) error {
	var errs []error
	e := t.entries.Load()
	for i, p := range e.principals {
		if p.Agency != "" && !slices.Contains(known, p.Agency) {
			errs = append(errs, fmt.Errorf("line %d: %s: agency: unknown agency %q: "+
				"known agencies are %s", e.agencyLines[i], entryLabel(i, p.Name), p.Agency,
				strings.Join(known, ", ")))
		}
	}
	return errors.Join(errs...)
}

// ErrNoToken is returned for a request without a bearer token.
var ErrNoToken = errors.New("missing bearer token")

// ErrUnknownToken is returned for a token the file does not list.
var ErrUnknownToken = errors.New("unknown bearer token")

// ErrManyAuthorization is returned for a request with more than one
// Authorization header. The hub would otherwise read the first, while a
// proxy in front of it may have checked another.
var ErrManyAuthorization = errors.New("more than one Authorization header")

// Identify returns the principal whose token r carries in its
// Authorization header. Digests are compared in constant time.
func (t *Tokens) Identify(r *http.Request) (Principal, error) {
	if len(r.Header.Values("Authorization")) > 1 {
		return Principal{}, ErrManyAuthorization
	}
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
