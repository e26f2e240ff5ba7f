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
package jurisdiction

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/cases"
	"gopkg.in/yaml.v3"

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

var pinPattern = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// Default returns the embedded table of the Ernakulam demo.
func Default() *Table {
	t, err := Load(kochi)
	if err != nil {
		panic("jurisdiction: embedded table: " + err.Error())
	}
	return t
}

// LoadFile reads and loads the table in the YAML file at path.
func LoadFile(path string) (*Table, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading jurisdiction table: %w", err)
	}
	return Load(doc)
}

// Load parses a table and checks it. Every station needs a code, a name
// and a known district office, and every PIN six digits. Two stations
// may not list one PIN under pins, nor one PIN and locality. The error
// lists every problem found.
func Load(doc []byte) (*Table, error) {
	var d document
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parsing jurisdiction table: %w", err)
	}
	t := &Table{
		byPIN: map[string]Station{}, byLocality: map[localityKey]Station{},
		localities: map[string][]string{},
	}
	errs := t.build(d)
	if len(t.stations) == 0 {
		errs = append(errs, errors.New("the table lists no stations"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid jurisdiction table: %w", errors.Join(errs...))
	}
	return t, nil
}

func (t *Table) build(d document) []error {
	offices, errs := officesByCode(d.DistrictOffices)
	codes := map[string]bool{}
	for i, e := range d.Stations {
		where := fmt.Sprintf("station %d (%s)", i+1, e.Code)
		office, ok := offices[e.DistrictOffice]
		switch {
		case e.Code == "" || e.Name == "":
			errs = append(errs, fmt.Errorf("%s: missing code or name", where))
		case codes[e.Code]:
			errs = append(errs, fmt.Errorf("%s: duplicate station code", where))
		case !ok:
			errs = append(errs, fmt.Errorf("%s: unknown district_office %q", where, e.DistrictOffice))
		}
		codes[e.Code] = true
		s := Station{Code: e.Code, Name: e.Name, DistrictOffice: office}
		t.stations = append(t.stations, s)
		errs = append(errs, t.addPINs(where, s, e)...)
	}
	return errs
}

func officesByCode(list []Office) (map[string]Office, []error) {
	out := map[string]Office{}
	var errs []error
	for i, o := range list {
		switch {
		case o.Code == "" || o.Name == "":
			errs = append(errs, fmt.Errorf("district office %d: missing code or name", i+1))
		case out[o.Code] != Office{}:
			errs = append(errs, fmt.Errorf("district office %q: duplicate code", o.Code))
		}
		out[o.Code] = o
	}
	return out, errs
}

func (t *Table) addPINs(where string, s Station, e stationEntry) []error {
	var errs []error
	for _, pin := range e.PINs {
		if !pinPattern.MatchString(pin) {
			errs = append(errs, fmt.Errorf("%s: invalid PIN %q: want six digits, not starting with 0",
				where, pin))
		}
		if other, dup := t.byPIN[pin]; dup {
			errs = append(errs, fmt.Errorf("%s: PIN %s is also listed by %s; list the "+
				"localities of a shared PIN under localities instead", where, pin, other.Code))
		}
		t.byPIN[pin] = s
	}
	for _, l := range e.Localities {
		key := localityKey{l.PIN, foldLocality(l.Locality)}
		switch {
		case !pinPattern.MatchString(l.PIN):
			errs = append(errs, fmt.Errorf("%s: invalid PIN %q in localities", where, l.PIN))
		case key.locality == "":
			errs = append(errs, fmt.Errorf("%s: PIN %s: missing locality", where, l.PIN))
		}
		if other, dup := t.byLocality[key]; dup {
			errs = append(errs, fmt.Errorf("%s: PIN %s locality %q is also listed by %s",
				where, l.PIN, l.Locality, other.Code))
		}
		t.byLocality[key] = s
		t.localities[l.PIN] = append(t.localities[l.PIN], l.Locality)
	}
	return errs
}

// Lookup returns the station that serves a: the one that lists a's PIN
// with a's locality, else the one that lists the PIN alone. Localities
// compare after case folding and with runs of space collapsed. An
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
// collapsed. A Caser keeps state, so each call makes its own.
func foldLocality(s string) string {
	return strings.Join(strings.Fields(cases.Fold().String(canonical.NormalizeText(s))), " ")
}
