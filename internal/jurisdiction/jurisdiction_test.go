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
		"no stations":    {offices, []string{"line 1: stations: the table lists no stations"}},
		"empty stations": {offices + "stations:\n", []string{"line 2: stations: the table lists no stations"}},
		"empty stations before a comment": {offices + "stations:\n\n# to do\n",
			[]string{"line 2: stations: the table lists no stations"}},
		"empty stations list": {"stations: []\n" + offices,
			[]string{"line 1: stations: the table lists no stations"}},
		"document start alone": {"---\n", []string{"the document is empty"}},
		"document of null":     {"---\nnull\n...\n", []string{"the document is empty"}},
		"station with an office's code": {`district_offices:
  - {code: KOCHI-CITY, name: Kochi City}
  - {code: EKM-RURAL, name: Ernakulam Rural}
stations:
  - {code: EKM-RURAL, name: Aluva, district_office: EKM-RURAL, pins: ["683101"]}
`, []string{`line 5: stations[0] "EKM-RURAL": code: EKM-RURAL is also the code of ` +
			"district_offices[1], at line 3: give the station a code of its own"}},
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

// TestLoadNamesLineOfInvalidUTF8 loads a table saved in Latin-1, whose
// é is the byte 0xE9: the error names its line and column.
func TestLoadNamesLineOfInvalidUTF8(t *testing.T) {
	_, err := jurisdiction.Load([]byte("district_offices: [{code: D1, name: District One}]\n" +
		"stations:\n  - {code: S1, name: \"Caf\xe9 Road\", district_office: D1, pins: [\"682017\"]}\n"))
	want := "line 3: invalid UTF-8: byte 0xE9 at column 26 is not UTF-8"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
	if err != nil && !strings.Contains(err.Error(), "save the file as UTF-8") {
		t.Errorf("error %v does not say how to fix the file", err)
	}
}

// TestLoadListsTypeAndTableProblems loads a table with an unknown key,
// values of the wrong type and problems of the table's content: the
// error lists them all, in the order of their lines. A station with a
// value of the wrong type gets no problem that the unset value causes.
func TestLoadListsTypeAndTableProblems(t *testing.T) {
	_, err := jurisdiction.Load([]byte(`district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D9, pins: ["682017"]}
  - {code: S2, name: Two, district_office: D1, pin: "682018"}
  - {code: S3, name: Three, district_office: D1, pins: "682019"}
  - {code: S4, name: Four, district_office: D1, pins: ["68202"]}
`))
	if err == nil {
		t.Fatal("Load accepted the table")
	}
	want := []string{
		`line 3: stations[0] "S1": district_office: unknown district office "D9"`,
		`line 4: unknown field "pin" in a station`,
		`line 4: stations[1] "S2": pins: missing`,
		"line 5: pins: want a list of PIN codes",
		`line 6: stations[3] "S4": pins[0]: invalid PIN "68202"`,
	}
	at := 0
	for _, w := range want {
		i := strings.Index(err.Error()[at:], w)
		if i < 0 {
			t.Errorf("error %q lacks %q after the problems before it", err, w)
			continue
		}
		at += i + len(w)
	}
	if strings.Contains(err.Error(), `stations[2] "S3": pins`) {
		t.Errorf("error %q lists the missing PINs of S3, whose pins has the wrong type", err)
	}
}

// TestLoadSkipsProblemsOfShiftedList loads a table with a station given
// a key twice. The decoder leaves that station out of the list, so S3
// is the second station decoded. The error names the key, and lists no
// problem of S3 at the line of S2.
func TestLoadSkipsProblemsOfShiftedList(t *testing.T) {
	_, err := jurisdiction.Load([]byte(`district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, name: Uno, district_office: D1, pins: ["682017"]}
  - {code: S2, name: Two, district_office: D1, pins: ["682018"]}
  - {code: S3, name: Three, district_office: D1, pins: ["68201"]}
`))
	if err == nil {
		t.Fatal("Load accepted the table")
	}
	if want := `line 3: mapping key "name" already defined at line 3`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if strings.Contains(err.Error(), "stations[") || strings.Contains(err.Error(), "no stations") {
		t.Errorf("error %q lists a problem of the list the decoder shifted", err)
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

// TestUnknownOfficeHintListsValidCodes names an unknown district office
// in a table with an office of an invalid code: the hint offers only the
// valid codes.
func TestUnknownOfficeHintListsValidCodes(t *testing.T) {
	_, err := jurisdiction.Load([]byte(`district_offices:
  - {code: KOCHI-CITY, name: Kochi City}
  - {code: kochi-rural, name: Kochi Rural}
stations: [{code: S1, name: One, district_office: D9, pins: ["682017"]}]
`))
	want := `unknown district office "D9": want the code of one of district_offices (KOCHI-CITY)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}
