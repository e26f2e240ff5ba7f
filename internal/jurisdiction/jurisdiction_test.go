package jurisdiction_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
)

func TestDefaultLookup(t *testing.T) {
	table := jurisdiction.Default()
	cases := []struct {
		name     string
		address  canonical.Address
		station  string
		district string
	}{
		{"PIN alone", canonical.Address{PIN: "682024", Locality: "Edappally"}, "EKM0420", "KOCHI-CITY"},
		{"shared PIN, listed locality", canonical.Address{PIN: "682017", Locality: "Kathrikadavu"},
			"EKM0414", "KOCHI-CITY"},
		{"shared PIN, locality folded", canonical.Address{PIN: "682017", Locality: "  KATHRIKADAVU "},
			"EKM0414", "KOCHI-CITY"},
		{"shared PIN, other locality", canonical.Address{PIN: "682017", Locality: "Kaloor"},
			"EKM0412", "KOCHI-CITY"},
		{"shared PIN, no locality", canonical.Address{PIN: "682017"}, "EKM0412", "KOCHI-CITY"},
		{"rural district", canonical.Address{PIN: "683101", Locality: "Aluva"}, "EKR0501", "EKM-RURAL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := table.Lookup(c.address)
			if err != nil {
				t.Fatalf("Lookup(%+v): %v", c.address, err)
			}
			if s.Code != c.station {
				t.Errorf("station = %s, want %s", s.Code, c.station)
			}
			if s.DistrictOffice.Code != c.district {
				t.Errorf("district office = %s, want %s", s.DistrictOffice.Code, c.district)
			}
			if s.Name == "" || s.DistrictOffice.Name == "" {
				t.Errorf("station %+v lacks a name", s)
			}
		})
	}
}

func TestLookupUnknownPIN(t *testing.T) {
	_, err := jurisdiction.Default().Lookup(canonical.Address{PIN: "110001"})
	if !errors.Is(err, jurisdiction.ErrNotFound) {
		t.Fatalf("Lookup of a Delhi PIN: err = %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "110001") {
		t.Errorf("error does not name the PIN: %v", err)
	}
}

func TestLookupSharedPINWithoutDefault(t *testing.T) {
	table, err := jurisdiction.Load([]byte(`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: Station One, district_office: D1, localities: [{pin: "682017", locality: Kaloor}]}
  - {code: S2, name: Station Two, district_office: D1, localities: [{pin: "682017", locality: Pachalam}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = table.Lookup(canonical.Address{PIN: "682017", Locality: "Vaduthala"})
	if !errors.Is(err, jurisdiction.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"Kaloor", "Pachalam", "Vaduthala"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

// TestLookupChilluSpellings lists a locality in one spelling of a
// Malayalam chillu and looks it up in the other: the atomic letter
// (U+0D7A to U+0D7F) and its consonant, VIRAMA and ZERO WIDTH JOINER
// name one locality, whichever the table uses. Another locality in the
// PIN keeps the address from falling through to a default station.
func TestLookupChilluSpellings(t *testing.T) {
	const zwj = "\u200D"
	cases := []struct{ name, atomic, sequence string }{
		{"NN", "\u0D7A", "\u0D23\u0D4D" + zwj},
		{"N", "\u0D7B", "\u0D28\u0D4D" + zwj},
		{"RR", "\u0D7C", "\u0D30\u0D4D" + zwj},
		{"L", "\u0D7D", "\u0D32\u0D4D" + zwj},
		{"LL", "\u0D7E", "\u0D33\u0D4D" + zwj},
		{"K", "\u0D7F", "\u0D15\u0D4D" + zwj},
	}
	for _, c := range cases {
		// The chillu ends the first syllable, as ർ does in ചൂർണിക്കര.
		atomic, sequence := "ചൂ"+c.atomic+"ണിക്കര", "ചൂ"+c.sequence+"ണിക്കര"
		for _, pair := range [][2]string{{atomic, sequence}, {sequence, atomic}} {
			listed, address := pair[0], pair[1]
			table, err := jurisdiction.Load([]byte(`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D1, pins: ["683106"]}
  - {code: S2, name: Two, district_office: D1, localities: [{pin: "683106", locality: "` + listed + `"}]}
`))
			if err != nil {
				t.Fatalf("chillu %s: %v", c.name, err)
			}
			s, err := table.Lookup(canonical.Address{PIN: "683106", Locality: address})
			if err != nil || s.Code != "S2" {
				t.Errorf("chillu %s: locality %+q listed, address %+q: station %q, %v; want S2",
					c.name, listed, address, s.Code, err)
			}
		}
	}
}

// TestLoadRejectsLocalityInBothChilluSpellings lists one locality under
// two stations, once with the atomic chillu and once with the older
// sequence: the table is rejected, as for any locality listed twice.
func TestLoadRejectsLocalityInBothChilluSpellings(t *testing.T) {
	_, err := jurisdiction.Load([]byte(`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D1, localities: [{pin: "683106", locality: "ചൂ\u0D7Cണിക്കര"}]}
  - {code: S2, name: Two, district_office: D1, localities: [{pin: "683106", locality: "ചൂ\u0D30\u0D4D\u200Dണിക്കര"}]}
`))
	// The message quotes the locality with %q, which escapes the joiner.
	want := `line 5: stations[1] "S2": localities[0]: PIN 683106 locality "ചൂര്\u200dണിക്കര" ` +
		`is also under localities of stations[0] "S1", at line 4`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

func TestLoadRejectsInvalidTables(t *testing.T) {
	const offices = "district_offices: [{code: D1, name: District One}]\n"
	cases := map[string]struct {
		doc  string
		want []string
	}{
		"PIN under two stations": {offices + `stations:
  - {code: S1, name: One, district_office: D1, pins: ["682017"]}
  - {code: S2, name: Two, district_office: D1, pins: ["682017"]}
`, []string{`line 4: stations[1] "S2": pins[0]: PIN 682017 is also under pins of stations[0] "S1", ` +
			"at line 3", "list its localities under localities"}},
		"PIN twice in a station": {offices + `stations:
  - {code: S1, name: One, district_office: D1, pins: ["682017", "682017"]}
`, []string{`line 3: stations[0] "S1": pins[1]: PIN 682017 is listed twice`}},
		"short PIN": {offices + `stations: [{code: S1, name: One, district_office: D1, pins: ["68201"]}]
`, []string{`line 2: stations[0] "S1": pins[0]: invalid PIN "68201": want six digits, not starting with 0`}},
		"PIN with a leading zero": {offices + `stations:
  - code: S1
    name: One
    district_office: D1
    pins:
      - "682017"
      - 068201
`, []string{`line 8: stations[0] "S1": pins[1]: invalid PIN "068201"`}},
		"invalid PIN of a locality": {offices + `stations:
  - {code: S1, name: One, district_office: D1, localities: [{pin: "6820170", locality: Kaloor}]}
`, []string{`line 3: stations[0] "S1": localities[0].pin: invalid PIN "6820170"`}},
		"unknown district office": {offices + `stations:
  - code: S1
    name: One
    district_office: D9
    pins: ["682017"]
`, []string{`line 5: stations[0] "S1": district_office: unknown district office "D9": ` +
			"want the code of one of district_offices (D1)"}},
		"missing district office": {offices + `stations:
  - code: S1
    name: One
    pins: ["682017"]
`, []string{`line 3: stations[0] "S1": district_office: missing: want the code of one of ` +
			"district_offices (D1)"}},
		"no district offices": {`stations: [{code: S1, name: One, district_office: D1, pins: ["682017"]}]`,
			[]string{`unknown district office "D1": want the code of one of district_offices ` +
				"(the table lists none)"}},
		"station listed twice": {offices + `stations:
  - {code: S1, name: One, district_office: D1, pins: ["682017"]}
  - {code: S1, name: Two, district_office: D1, pins: ["682018"]}
`, []string{`line 4: stations[1] "S1": code: S1 is also the code of stations[0], at line 3`}},
		"office listed twice": {`district_offices:
  - {code: D1, name: District One}
  - {code: D1, name: District Two}
stations: [{code: S1, name: One, district_office: D1, pins: ["682017"]}]
`, []string{`line 3: district_offices[1] "D1": code: D1 is also the code of district_offices[0], ` +
			"at line 2"}},
		"station code in lower case": {offices + `stations:
  - {code: ekm0412, name: One, district_office: D1, pins: ["682017"]}
`, []string{`line 3: stations[0] "ekm0412": code: invalid code "ekm0412": want 1 to 32 capital ` +
			"letters, digits, hyphens or underscores"}},
		"station code with a space": {offices + `stations:
  - {code: "EKM 0412", name: One, district_office: D1, pins: ["682017"]}
`, []string{`code: invalid code "EKM 0412"`}},
		"office code in lower case": {`district_offices: [{code: kochi-city, name: Kochi City}]
stations: [{code: S1, name: One, district_office: kochi-city, pins: ["682017"]}]
`, []string{`line 1: district_offices[0] "kochi-city": code: invalid code "kochi-city"`}},
		"missing code": {offices + `stations:
  - {name: One, district_office: D1, pins: ["682017"]}
`, []string{"line 3: stations[0]: code: missing"}},
		"blank names": {`district_offices: [{code: D1, name: " "}]
stations:
  - {code: S1, district_office: D1, pins: ["682017"]}
`, []string{`line 1: district_offices[0] "D1": name: missing`,
			`line 3: stations[0] "S1": name: missing`}},
		"station without PINs": {offices + `stations:
  - {code: S1, name: One, district_office: D1}
`, []string{`line 3: stations[0] "S1": pins: missing: the station serves no address`}},
		"locality under two stations": {offices + `stations:
  - {code: S1, name: One, district_office: D1, localities: [{pin: "682017", locality: Kaloor}]}
  - {code: S2, name: Two, district_office: D1, localities: [{pin: "682017", locality: kaloor}]}
`, []string{`line 4: stations[1] "S2": localities[0]: PIN 682017 locality "kaloor" is also ` +
			`under localities of stations[0] "S1", at line 3`}},
		"locality twice in a station": {offices + `stations:
  - code: S1
    name: One
    district_office: D1
    localities:
      - {pin: "682017", locality: Kaloor}
      - {pin: "682017", locality: " KALOOR"}
`, []string{`line 8: stations[0] "S1": localities[1]: PIN 682017 locality " KALOOR" is listed twice`}},
		"missing locality": {offices + `stations:
  - {code: S1, name: One, district_office: D1, localities: [{pin: "682017"}]}
`, []string{`line 3: stations[0] "S1": localities[0].locality: missing`}},
		"unknown field": {offices + `stations:
  - {code: S1, name: One, district_office: D1, pin: "682017"}
`, []string{`line 3: unknown field "pin" in a station, which is a mapping with code, name, ` +
			"district_office, pins and localities"}},
		"pins not a list": {offices + `stations:
  - {code: S1, name: One, district_office: D1, pins: "682017"}
`, []string{"line 3: pins: want a list of PIN codes", "not the text 682017"}},
		"a list for a table": {`- {code: S1}`,
			[]string{"line 1: the table: want a mapping with district_offices and stations, not a list"}},
		"empty document": {"# no stations yet\n", []string{"the document is empty"}},
		"two documents": {offices + `stations: [{code: S1, name: One, district_office: D1, pins: ["682017"]}]
---
stations: [{code: S2, name: Two, district_office: D1, pins: ["682018"]}]
`, []string{"more than one YAML document"}},
		"no stations": {offices, []string{"stations: the table lists no stations"}},
		// The parser's message names a line near the error.
		"syntax error": {offices + "stations:\n  - code: S1\n    name: [One\n",
			[]string{"yaml: line ", "did not find expected ',' or ']'"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := jurisdiction.Load([]byte(c.doc))
			if err == nil {
				t.Fatal("Load accepted the table")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadCapsListedProblems(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("district_offices: [{code: D1, name: District One}]\nstations:\n")
	for i := range 60 {
		fmt.Fprintf(&doc, "  - {code: S%d, name: Station, district_office: D1, pins: [\"%05d\"]}\n", i, i)
	}
	_, err := jurisdiction.Load([]byte(doc.String()))
	if err == nil {
		t.Fatal("Load accepted 60 invalid PINs")
	}
	if n := strings.Count(err.Error(), "invalid PIN"); n != 50 {
		t.Errorf("error lists %d invalid PINs, want the first 50", n)
	}
	if !strings.Contains(err.Error(), "and 10 more problems") {
		t.Errorf("error does not count the problems it leaves out: %v", err)
	}
}

func TestLoadTakesPINsWrittenAsNumbers(t *testing.T) {
	table, err := jurisdiction.Load([]byte(`
district_offices: [{code: D1, name: District One}]
stations: [{code: S1, name: One, district_office: D1, pins: [682017]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := table.Lookup(canonical.Address{PIN: "682017"}); err != nil || s.Code != "S1" {
		t.Errorf("Lookup(682017) = %+v, %v; want S1", s, err)
	}
}

func TestLoadFileNamesReadFailure(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := jurisdiction.LoadFile(missing)
	if err == nil || !strings.Contains(err.Error(), "reading jurisdiction table") ||
		!strings.Contains(err.Error(), missing) {
		t.Errorf("LoadFile of a missing file: error %v, want one naming the file", err)
	}
}

func TestDefaultListsSampleStations(t *testing.T) {
	codes := map[string]bool{}
	for _, s := range jurisdiction.Default().Stations() {
		codes[s.Code] = true
	}
	for _, want := range []string{"EKM0412", "EKM0420"} {
		if !codes[want] {
			t.Errorf("default table lacks station %s", want)
		}
	}
	if len(codes) < 8 {
		t.Errorf("default table lists %d stations, want at least 8", len(codes))
	}
}
