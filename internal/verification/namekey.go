package verification

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Zero-width joiner and non-joiner, which change how Indic text is drawn
// but not what it says.
const (
	zeroWidthJoiner    = '\u200D'
	zeroWidthNonJoiner = '\u200C'
)

// chillus rewrites each Malayalam atomic chillu letter (Unicode 5.1) as
// its older encoding, the consonant and virama, which is what remains of
// the older encoding once the zero-width joiner after it is dropped. NFC
// leaves the two encodings apart.
var chillus = strings.NewReplacer(
	"\u0D7A", "\u0D23\u0D4D", // ൺ ṇ
	"\u0D7B", "\u0D28\u0D4D", // ൻ n
	"\u0D7C", "\u0D30\u0D4D", // ർ r
	"\u0D7D", "\u0D32\u0D4D", // ൽ l
	"\u0D7E", "\u0D33\u0D4D", // ൾ ḷ
	"\u0D7F", "\u0D15\u0D4D", // ൿ k
	"\u0D54", "\u0D2E\u0D4D", // ൔ m
	"\u0D55", "\u0D2F\u0D4D", // ൕ y
	"\u0D56", "\u0D34\u0D4D", // ൖ ḻ
)

// NameKey returns the key under which the index compares a written name.
// It takes the name in Unicode NFC, drops zero-width joiners, writes
// Malayalam chillu letters one way, folds case, splits the name into
// words at every character that is not a letter, mark or digit, and
// sorts the words. So "Shibu K. R.", "SHIBU K R" and "K.R. Shibu" share
// one key, and so do a Malayalam name typed with atomic chillus and with
// joiners.
//
// The key does not transliterate: a name in Malayalam script never
// matches the same name in Latin script, so a person is found in another
// script only when both forms were recorded. Nor does it match spelling
// variants ("Mohammed" and "Muhammad"), phonetic likeness, initials
// against the names they stand for, or a name with words missing.
func NameKey(name string) string {
	s := norm.NFC.String(name)
	s = strings.Map(func(r rune) rune {
		if r == zeroWidthJoiner || r == zeroWidthNonJoiner {
			return -1
		}
		return r
	}, s)
	s = chillus.Replace(s)
	s = norm.NFC.String(cases.Fold().String(s))
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r)
	})
	slices.Sort(words)
	return strings.Join(words, " ")
}
