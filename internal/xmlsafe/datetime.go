package xmlsafe

import "time"

// dateTimeLayouts are the forms of an xsd:dateTime that ParseDateTime
// takes: RFC 3339, and the same without a zone offset.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// ParseDateTime parses v, an xsd:dateTime, and reads a value without a
// zone offset in zoneless. It reports false for a value that is not RFC
// 3339 with an optional offset, and for an offset beyond ±23:59, such as
// +24:00, which time.Parse accepts (Go 1.26) but an RFC 3339 offset may
// not be and time.Time.MarshalJSON rejects.
func ParseDateTime(v string, zoneless *time.Location) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, v, zoneless); err == nil {
			return t, validOffset(v)
		}
	}
	return time.Time{}, false
}

// ParseDate parses v, an xsd:date with or without a zone suffix, and
// returns its day as YYYY-MM-DD. It reports false for any other value,
// an offset beyond ±23:59 included.
func ParseDate(v string) (string, bool) {
	day := v
	if len(v) > len(time.DateOnly) {
		day = v[:len(time.DateOnly)]
		zone := v[len(time.DateOnly):]
		if _, err := time.Parse("Z07:00", zone); err != nil || !validOffset(zone) {
			return "", false
		}
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return "", false
	}
	return day, true
}

// validOffset reports whether the numeric zone offset that ends v, when
// it ends in one, has hours 00 to 23 and minutes 00 to 59, as RFC 3339
// requires. Go's time.Parse takes hours up to 24 and minutes up to 99.
func validOffset(v string) bool {
	if len(v) < len("+00:00") {
		return true
	}
	offset := v[len(v)-len("+00:00"):]
	if offset[0] != '+' && offset[0] != '-' || offset[3] != ':' {
		return true
	}
	return offset[1:3] <= "23" && offset[4:6] <= "59"
}
