package canonical

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText returns s in Unicode normalization form C with leading and
// trailing space removed and inner runs of white space collapsed to one
// space. Malayalam and Devanagari text arrives both composed and
// decomposed; NFC makes equal names compare equal.
func NormalizeText(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// NormalizeName normalizes every part of n and fills Script when it is
// empty.
func NormalizeName(n Name) Name {
	n.Full = NormalizeText(n.Full)
	n.Given = NormalizeText(n.Given)
	n.Middle = NormalizeText(n.Middle)
	n.Family = NormalizeText(n.Family)
	n.Initials = NormalizeText(n.Initials)
	if n.Script == "" {
		n.Script = DetectScript(n.Full)
	}
	return n
}

var scripts = []struct {
	code  string
	table *unicode.RangeTable
}{
	{"Mlym", unicode.Malayalam},
	{"Deva", unicode.Devanagari},
	{"Taml", unicode.Tamil},
	{"Telu", unicode.Telugu},
	{"Knda", unicode.Kannada},
	{"Beng", unicode.Bengali},
	{"Gujr", unicode.Gujarati},
	{"Guru", unicode.Gurmukhi},
	{"Orya", unicode.Oriya},
	{"Arab", unicode.Arabic},
	{"Latn", unicode.Latin},
}

// DetectScript returns the ISO 15924 code of the first letter of s whose
// script is in its table, or "" when s has none.
func DetectScript(s string) string {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				return sc.code
			}
		}
	}
	return ""
}

// Normalize normalizes every name of p in place.
func (p *Person) Normalize() {
	for i := range p.Names {
		p.Names[i] = NormalizeName(p.Names[i])
	}
	for i := range p.Aliases {
		p.Aliases[i] = NormalizeName(p.Aliases[i])
	}
	for i := range p.Relatives {
		p.Relatives[i].Name = NormalizeText(p.Relatives[i].Name)
	}
}

// PrimaryName returns the first name's full form, or "" when p has none.
func (p *Person) PrimaryName() string {
	if len(p.Names) == 0 {
		return ""
	}
	return p.Names[0].Full
}

// NameFault returns why s cannot be a person's name, or "" when it can.
// A name has a letter that shows, so a name of only zero-width or
// combining characters, or of Hangul fillers, is rejected. It has no
// character that Reorders and none that Invisible names, because two
// names that look alike would then differ. The joiners U+200C and
// U+200D, which Malayalam and Devanagari spelling use, are allowed.
func NameFault(s string) string {
	letter := false
	for _, r := range s {
		switch {
		case Reorders(r):
			return fmt.Sprintf("contains %U, which reorders the text shown around it", r)
		case Invisible(r):
			return fmt.Sprintf("contains the invisible character %U", r)
		case unicode.IsLetter(r):
			letter = true
		}
	}
	if !letter {
		return "has no letter: it would show as blank or as marks alone"
	}
	return ""
}

// Reorders reports whether r changes the direction of the text shown
// around it. These are the embeddings, overrides and isolates U+202A to
// U+202E and U+2066 to U+2069, and the marks U+200E, U+200F and U+061C.
func Reorders(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

// Invisible reports whether r shows as nothing between other characters:
// the zero-width space U+200B, the word joiner U+2060, the byte order
// mark U+FEFF, the Hangul fillers and the blank Braille pattern U+2800.
func Invisible(r rune) bool {
	switch r {
	case 0x200B, 0x2060, 0xFEFF, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800:
		return true
	}
	return false
}

// ShowsAsNothing reports whether r changes a text without showing where
// it is. Such characters are the format characters (category Cf), such as
// the zero-width space, the soft hyphen or a tag character, and those
// that Invisible names. They also include the combining grapheme joiner
// U+034F, the variation selectors, the Mongolian free variation
// selectors and the Khmer inherent vowels U+17B4 and U+17B5. Token names
// and route documents reject these characters, and MaskAadhaarInText
// skips them between and inside the digit groups of an Aadhaar number.
func ShowsAsNothing(r rune) bool {
	switch {
	case unicode.Is(unicode.Cf, r), Invisible(r):
		return true
	case r == 0x034F, r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return (r >= 0x180B && r <= 0x180F) || r == 0x17B4 || r == 0x17B5
}
