package textcheck

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// EncodingError is the error CheckEncoding returns for a body in UTF-16
// or UTF-32. Check would read such a body as UTF-8 and report a NUL or
// a byte that is not UTF-8 for nearly every character.
type EncodingError struct {
	// Encoding is UTF-16LE, UTF-16BE, UTF-32LE or UTF-32BE.
	Encoding string
	// BOM is set when the body starts with the encoding's byte order
	// mark, and clear when the NUL bytes of its first characters give
	// the encoding away.
	BOM bool
	// XML is set when the body's first character, after any byte order
	// mark, is "<", as in an XML document, whose declaration may name
	// the encoding.
	XML bool
}

func (e *EncodingError) Error() string {
	evidence := "its first characters have the NUL bytes of " + e.Encoding
	if e.BOM {
		evidence = "it starts with the " + e.Encoding + " byte order mark"
	}
	advice := "send it in UTF-8"
	if e.XML {
		advice += ", and in the XML declaration write encoding=\"UTF-8\" or no encoding"
	}
	return fmt.Sprintf("the body is in %s (%s), but the hub reads bodies only in UTF-8: %s",
		e.Encoding, evidence, advice)
}

// wideBOMs are the byte order marks of UTF-32 and UTF-16. UTF-32LE comes
// before UTF-16LE, whose mark starts its own.
var wideBOMs = []struct {
	encoding string
	bom      []byte
}{
	{"UTF-32LE", []byte{0xFF, 0xFE, 0x00, 0x00}},
	{"UTF-32BE", []byte{0x00, 0x00, 0xFE, 0xFF}},
	{"UTF-16LE", []byte{0xFF, 0xFE}},
	{"UTF-16BE", []byte{0xFE, 0xFF}},
}

// CheckEncoding returns an *EncodingError when body is in UTF-16 or
// UTF-32. It detects the byte order mark of either, or first four bytes
// that contain one or two characters below U+0100 in either, as the
// "<?xml", "{" or "[" that starts an XML or JSON document does. It
// returns nil for any other body, which Check reads.
func CheckEncoding(body []byte) error {
	for _, w := range wideBOMs {
		if bytes.HasPrefix(body, w.bom) {
			rest := body[len(w.bom):]
			return &EncodingError{Encoding: w.encoding, BOM: true, XML: firstCharacter(rest, w.encoding) == '<'}
		}
	}
	if len(body) < 4 {
		return nil
	}
	var encoding string
	switch b := body[:4]; {
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		encoding = "UTF-32BE"
	case b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		encoding = "UTF-32LE"
	case b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		encoding = "UTF-16BE"
	case b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		encoding = "UTF-16LE"
	default:
		return nil
	}
	return &EncodingError{Encoding: encoding, XML: firstCharacter(body, encoding) == '<'}
}

// firstCharacter returns the first code unit of body in encoding, which
// is UTF-16LE, UTF-16BE, UTF-32LE or UTF-32BE, or 0 when body is shorter
// than one unit.
func firstCharacter(body []byte, encoding string) rune {
	switch {
	case encoding == "UTF-16LE" && len(body) >= 2:
		return rune(binary.LittleEndian.Uint16(body))
	case encoding == "UTF-16BE" && len(body) >= 2:
		return rune(binary.BigEndian.Uint16(body))
	case encoding == "UTF-32LE" && len(body) >= 4:
		return rune(binary.LittleEndian.Uint32(body))
	case encoding == "UTF-32BE" && len(body) >= 4:
		return rune(binary.BigEndian.Uint32(body))
	}
	return 0
}
