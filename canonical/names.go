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
// A name has a letter that shows, so that one of only zero-width or
// combining characters, or of Hangul fillers, which show as blank, is
// refused. It has none of the characters that reorder the text around
// them (U+202A to U+202E, U+2066 to U+2069, and the marks U+200E,
// U+200F and U+061C) or that show nothing between letters (U+200B,
// U+2060, U+FEFF and the Hangul fillers): two names that look alike
// would then differ, and one could be shown as another. The joiners
// U+200C and U+200D, which Malayalam and Devanagari spelling uses, are
// allowed.
func NameFault(s string) string {
	letter := false
	for _, r := range s {
		switch {
		case (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200E || r == 0x200F || r == 0x061C:
			return fmt.Sprintf("contains %U, which reorders the text shown around it", r)
		case r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x115F, r == 0x1160, r == 0x3164,
			r == 0xFFA0:
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
