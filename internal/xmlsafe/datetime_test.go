package xmlsafe

import (
	"testing"
	"time"
)

func TestParseDateTimeOffsets(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	cases := []struct {
		value string
		ok    bool
	}{
		{"2025-10-01T15:40:00+05:30", true},
		{"2025-10-01T15:40:00.25Z", true},
		{"2025-10-01T15:40:00", true},
		{"2025-10-01T15:40:00+23:59", true},
		{"2025-10-01T15:40:00-23:59", true},
		{"2025-10-01T15:40:00+24:00", false},
		{"2025-10-01T15:40:00-24:00", false},
		{"2025-10-01T15:40:00+24:30", false},
		{"2025-10-01T15:40:00+05:60", false},
		{"2025-10-01T15:40:00+99:00", false},
		{"2025-10-01", false},
	}
	for _, c := range cases {
		got, ok := ParseDateTime(c.value, ist)
		if ok != c.ok {
			t.Errorf("ParseDateTime(%q) ok = %v, want %v", c.value, ok, c.ok)
			continue
		}
		if ok {
			if _, err := got.MarshalJSON(); err != nil {
				t.Errorf("ParseDateTime(%q) = %v, which does not encode: %v", c.value, got, err)
			}
		}
	}
	if got, _ := ParseDateTime("2025-10-01T15:40:00", ist); got.Location() != ist {
		t.Errorf("zoneless value read in %v, want IST", got.Location())
	}
}

func TestParseDateOffsets(t *testing.T) {
	cases := []struct {
		value string
		day   string
		ok    bool
	}{
		{"2024-09-03", "2024-09-03", true},
		{"2024-09-03Z", "2024-09-03", true},
		{"2024-09-03+05:30", "2024-09-03", true},
		{"2024-09-03+24:00", "", false},
		{"2024-09-03-24:00", "", false},
		{"2024-09-03+05:60", "", false},
		{"2024-09-31", "", false},
		{"2024-09-03T10:00:00Z", "", false},
	}
	for _, c := range cases {
		day, ok := ParseDate(c.value)
		if ok != c.ok || day != c.day {
			t.Errorf("ParseDate(%q) = %q, %v; want %q, %v", c.value, day, ok, c.day, c.ok)
		}
	}
}
