package jurisdiction_test

import (
	"errors"
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

func TestLoadRejectsInvalidTables(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"PIN listed twice": {`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D1, pins: ["682017"]}
  - {code: S2, name: Two, district_office: D1, pins: ["682017"]}
`, "also listed by S1"},
		"bad PIN": {`
district_offices: [{code: D1, name: District One}]
stations: [{code: S1, name: One, district_office: D1, pins: ["68201"]}]
`, `invalid PIN "68201"`},
		"unknown office": {`
district_offices: [{code: D1, name: District One}]
stations: [{code: S1, name: One, district_office: D9, pins: ["682017"]}]
`, `unknown district_office "D9"`},
		"duplicate station": {`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D1, pins: ["682017"]}
  - {code: S1, name: Two, district_office: D1, pins: ["682018"]}
`, "duplicate station code"},
		"locality twice": {`
district_offices: [{code: D1, name: District One}]
stations:
  - {code: S1, name: One, district_office: D1, localities: [{pin: "682017", locality: Kaloor}]}
  - {code: S2, name: Two, district_office: D1, localities: [{pin: "682017", locality: kaloor}]}
`, `locality "kaloor" is also listed by S1`},
		"unknown field": {`
stations: [{code: S1, name: One, district: D1}]
`, "field district not found"},
		"empty": {`district_offices: []`, "no stations"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := jurisdiction.Load([]byte(c.doc))
			if err == nil {
				t.Fatal("Load accepted the table")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
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
