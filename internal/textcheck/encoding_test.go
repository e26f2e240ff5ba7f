package textcheck

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16LE returns s in UTF-16LE without a byte order mark.
func utf16LE(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// swapPairs returns b with each pair of bytes swapped, turning UTF-16LE
// into UTF-16BE.
func swapPairs(b []byte) []byte {
	out := make([]byte, len(b))
	for i := 0; i+1 < len(b); i += 2 {
		out[i], out[i+1] = b[i+1], b[i]
	}
	return out
}

// utf32LE returns s in UTF-32LE without a byte order mark.
func utf32LE(s string) []byte {
	var out []byte
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return out
}

func TestCheckEncodingWide(t *testing.T) {
	xml := `<?xml version="1.0" encoding="UTF-16"?><r/>`
	json := `{"fir": "ഷിബു"}`
	cases := []struct {
		name     string
		body     []byte
		encoding string
		bom, xml bool
	}{
		{"UTF-16LE with BOM", append([]byte{0xFF, 0xFE}, utf16LE(xml)...), "UTF-16LE", true, true},
		{"UTF-16BE with BOM", append([]byte{0xFE, 0xFF}, swapPairs(utf16LE(xml))...), "UTF-16BE", true, true},
		{"UTF-32LE with BOM", append([]byte{0xFF, 0xFE, 0, 0}, utf32LE(json)...), "UTF-32LE", true, false},
		{"UTF-32BE with BOM", []byte{0, 0, 0xFE, 0xFF, 0, 0, 0, '{'}, "UTF-32BE", true, false},
		{"UTF-16LE JSON", utf16LE(json), "UTF-16LE", false, false},
		{"UTF-16BE XML", swapPairs(utf16LE(xml)), "UTF-16BE", false, true},
		{"UTF-32LE JSON", utf32LE(json), "UTF-32LE", false, false},
		{"UTF-32BE JSON", []byte{0, 0, 0, '{', 0, 0, 0, '}'}, "UTF-32BE", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckEncoding(c.body)
			var wide *EncodingError
			if !errors.As(err, &wide) {
				t.Fatalf("CheckEncoding = %v, want an *EncodingError", err)
			}
			if wide.Encoding != c.encoding {
				t.Errorf("encoding %s, want %s", wide.Encoding, c.encoding)
			}
			if wide.BOM != c.bom {
				t.Errorf("BOM %v, want %v", wide.BOM, c.bom)
			}
			if got := strings.Contains(err.Error(), "XML declaration"); got != c.xml {
				t.Errorf("message %q: advice on the XML declaration %v, want %v", err, got, c.xml)
			}
			if !strings.Contains(err.Error(), "only in UTF-8") {
				t.Errorf("message %q does not say the hub reads UTF-8 only", err)
			}
		})
	}
}

func TestCheckEncodingUTF8(t *testing.T) {
	for _, body := range []string{
		"", "{}", "<r/>", "\xEF\xBB\xBF<r/>", `{"a": "\u0000"}`, "ഷിബു", "a\x00\x00b",
		"<r>\x00</r>",
	} {
		if err := CheckEncoding([]byte(body)); err != nil {
			t.Errorf("CheckEncoding(%q) = %v, want nil", body, err)
		}
	}
}
