// Package jurisdiction maps a postal address to the police station that
// serves it, and that station to its district police office. The table
// is a YAML document (see kochi.yaml, the embedded default for the
// Ernakulam demo):
//
//	district_offices:
//	  - code: KOCHI-CITY
//	    name: District Police Office, Kochi City
//	stations:
//	  - code: EKM0412
//	    name: Ernakulam North Police Station
//	    district_office: KOCHI-CITY
//	    pins: ["682017", "682018"]          # PINs the station serves
//	    localities:                          # parts of PINs it shares
//	      - {pin: "682017", locality: Kaloor}
//
// A PIN that several stations share names its localities: an address
// whose locality matches one of them goes to that station, and any other
// address with the PIN goes to the station that lists the PIN under pins.
// Codes are written as CCTNS codes are, in capital letters, digits,
// hyphens and underscores, because reports and routes name the units by
// them.
package jurisdiction

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/cases"

	"github.com/sangam-hub/sangam/canonical"
)

//go:embed kochi.yaml
var kochi []byte

// ErrNotFound is returned by Lookup for an address that no station in the
// table serves.
var ErrNotFound = errors.New("no police station serves the address")

// Office is a district police office.
type Office struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
}

// Station is a police station and the district police office over it.
type Station struct {
	// Code is the station's CCTNS code, such as EKM0412.
	Code           string
	Name           string
	DistrictOffice Office
}

// Table maps PIN codes, and localities within shared PINs, to stations.
// It is read-only after Load and safe for concurrent use.
type Table struct {
	byPIN      map[string]Station
	byLocality map[localityKey]Station
	// localities lists each shared PIN's localities as written, for
	// error messages.
	localities map[string][]string
	stations   []Station
}

type localityKey struct{ pin, locality string }

// document is the YAML form of a table.
type document struct {
	DistrictOffices []Office       `yaml:"district_offices"`
	Stations        []stationEntry `yaml:"stations"`
}

type stationEntry struct {
	Code           string          `yaml:"code"`
	Name           string          `yaml:"name"`
	DistrictOffice string          `yaml:"district_office"`
	PINs           []string        `yaml:"pins"`
	Localities     []localityEntry `yaml:"localities"`
}

type localityEntry struct {
	PIN      string `yaml:"pin"`
	Locality string `yaml:"locality"`
}

// Default returns the embedded table of the Ernakulam demo. Every call
// returns the same table, which is read-only.
func Default() *Table { return defaultTable() }

var defaultTable = sync.OnceValue(func() *Table {
	t, err := Load(kochi)
	if err != nil {
		panic("jurisdiction: embedded table: " + err.Error())
	}
	return t
})

// LoadFile reads and loads the table in the YAML file at path.
func LoadFile(path string) (*Table, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading jurisdiction table: %w", err)
	}
	return Load(doc)
}

// Load parses a table and checks it. Every district office and station
// needs a CCTNS code of its own and a name, every station a listed
// district office and at least one PIN, and every PIN six digits. Two
// stations may not list one PIN under pins, nor one PIN and locality.
// The error names the line, the field and the rule of each problem
// found, in the order of their lines, up to maxProblems of them.
func Load(doc []byte) (*Table, error) {
	d, c, err := decode(doc)
	if err != nil {
		return nil, err
	}
	t := &Table{
		byPIN: map[string]Station{}, byLocality: map[localityKey]Station{},
		localities: map[string][]string{},
	}
	t.build(d, c)
	if len(t.stations) == 0 && !c.incomplete([]any{"stations"}) {
		c.problems = append(c.problems, problem{keyLine(c.root, "stations"),
			"stations: the table lists no stations"})
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// Lookup returns the station that serves a: the one that lists a's PIN
// with a's locality, else the one that lists the PIN alone. Localities
// compare after case folding, with runs of space collapsed and with
// either spelling of a Malayalam chillu (see atomicChillus). An
// address no station serves returns an error wrapping ErrNotFound that
// names the PIN.
func (t *Table) Lookup(a canonical.Address) (Station, error) {
	pin := strings.TrimSpace(a.PIN)
	if s, ok := t.byLocality[localityKey{pin, foldLocality(a.Locality)}]; ok {
		return s, nil
	}
	if s, ok := t.byPIN[pin]; ok {
		return s, nil
	}
	if known := t.localities[pin]; len(known) > 0 {
		return Station{}, fmt.Errorf("%w: stations serve PIN %s only in the localities %s, "+
			"and the address's locality is %q", ErrNotFound, pin, strings.Join(known, ", "),
			a.Locality)
	}
	return Station{}, fmt.Errorf("%w: PIN %q is not in the jurisdiction table", ErrNotFound, pin)
}

// Stations returns every station in the order the table lists them.
func (t *Table) Stations() []Station {
	return slices.Clone(t.stations)
}

// foldLocality returns s case-folded, in NFC, with runs of space
// collapsed and Malayalam chillus in their atomic form. A Caser keeps
// state, so each call makes its own.
func foldLocality(s string) string {
	s = atomicChillus.Replace(canonical.NormalizeText(s))
	return strings.Join(strings.Fields(cases.Fold().String(s)), " ")
}

// atomicChillus replaces each Malayalam chillu written as its consonant,
// VIRAMA (U+0D4D) and ZERO WIDTH JOINER (U+200D), its encoding before
// Unicode 5.1, with the atomic chillu letter that Unicode 5.1 added for
// it (U+0D7A to U+0D7F). Unicode gives the two no canonical equivalence,
// so NFC keeps them apart, but addresses in Kerala are written both
// ways: ചൂര്‍ണിക്കര and ചൂർണിക്കര are one locality.
var atomicChillus = strings.NewReplacer(
	"\u0D23\u0D4D\u200D", "\u0D7A", // ണ്‍ to ൺ, CHILLU NN
	"\u0D28\u0D4D\u200D", "\u0D7B", // ന്‍ to ൻ, CHILLU N
	"\u0D30\u0D4D\u200D", "\u0D7C", // ര്‍ to ർ, CHILLU RR
	"\u0D32\u0D4D\u200D", "\u0D7D", // ല്‍ to ൽ, CHILLU L
	"\u0D33\u0D4D\u200D", "\u0D7E", // ള്‍ to ൾ, CHILLU LL
	"\u0D15\u0D4D\u200D", "\u0D7F", // ക്‍ to ൿ, CHILLU K
)
