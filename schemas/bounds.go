package schemas

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// boundWords gives, for each keyword that bounds a number, a length or a
// count of items, the words that state the bound in a message.
var boundWords = map[string]struct{ bound, unit string }{
	"minimum":          {"at least", ""},
	"maximum":          {"at most", ""},
	"exclusiveMinimum": {"more than", ""},
	"exclusiveMaximum": {"less than", ""},
	"minLength":        {"at least", "characters"},
	"maxLength":        {"at most", "characters"},
	"minItems":         {"at least", "items"},
	"maxItems":         {"at most", "items"},
}

// libraryNumber matches a number in the library's messages for the
// keywords in boundWords, such as "must be <= 9.9999999e+07 but found
// 1e8" or "maximum 200 items required, but found 201 items": the bound
// comes first and the value found second.
var libraryNumber = regexp.MustCompile(`-?[0-9][0-9.eE+-]*`)

// boundMessage returns the library's message for a value outside the
// bound of rule in plain words, such as "must be at most 200 items,
// found 201", with whole numbers written as integers. Any other message
// is returned as it is.
func boundMessage(rule, message string) string {
	words, ok := boundWords[rule]
	numbers := libraryNumber.FindAllString(message, -1)
	if !ok || len(numbers) != 2 {
		return message
	}
	limit, found := plainNumber(numbers[0]), plainNumber(numbers[1])
	bound := words.bound + " " + limit
	switch {
	case words.unit != "" && limit == "1":
		bound += " " + strings.TrimSuffix(words.unit, "s")
	case words.unit != "":
		bound += " " + words.unit
	}
	return fmt.Sprintf("must be %s, found %s", bound, found)
}

// plainNumber writes a number that the library printed in float or
// exponent notation, such as 9.9999999e+07 or 1e8, as an integer when it
// is whole, and otherwise in decimal notation without an exponent.
func plainNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(decimals(r))
}

// decimals returns the number of decimal places that write r exactly,
// or 6 for a fraction with no finite decimal form.
func decimals(r *big.Rat) int {
	for n := 1; n <= 20; n++ {
		if new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10),
			big.NewInt(int64(n)), nil))).IsInt() {
			return n
		}
	}
	return 6
}
