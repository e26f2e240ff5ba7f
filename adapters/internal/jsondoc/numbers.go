package jsondoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// NumberRun follows the numbers read in a row in one array, so that
// Check can find an Aadhaar number that two or three of them write
// together. The hub masks every Aadhaar number in the journal's copy of
// a body as text, and [4918, 7362, 5403] is one to that masking: the
// comma and space between groups are a separator. Masked, such a run
// leaves the copy invalid JSON, so it is rejected like a single number.
// The zero value is empty.
type NumberRun struct {
	// starts are the offsets of the last numbers read in a row, at most
	// two, the earlier first: a run of twelve digits in groups of four
	// spans at most three numbers.
	starts [2]int
	// ends are the offsets after the numbers at starts.
	ends [2]int
	// values are the 'f' forms of the numbers at starts that valueForms
	// writes back differently from their literals, and "" for the others.
	values [2]string
	n      int
	// end is the offset after the last number read.
	end int
}

// Check reads the number literal body[start:end], the next value of
// the run's array, and returns the first Aadhaar-like number that it
// writes alone or with the numbers before it in the run, masked as
// "XXXXXXXX" and its last four digits. A number is Aadhaar-like when
// canonical.CheckRecordNumber rejects it: its digits hold twelve that
// pass the Aadhaar check, such as 491873625403.5, or text masking
// would mask them, such as 0.491873625403. A number is also read in the
// forms in which the hub writes its value back (see valueForms), so
// 4918736254030e-1 is Aadhaar-like. joined is set when the number found
// spans more than the last literal. After a find the run starts afresh.
func (r *NumberRun) Check(body []byte, start, end int) (masked string, joined, found bool) {
	if r.n > 0 && !onlySeparators(body[r.end:start]) {
		r.n = 0
	}
	literal := string(body[start:end])
	if masked, found = canonical.AadhaarInCode(literal); found {
		r.n = 0
		return masked, false, true
	}

	// value is the 'f' form of a number that valueForms writes back
	// differently from its literal, and "" for the others.
	var value string
	forms := valueForms(literal)
	for _, form := range forms {
		if masked, found = canonical.AadhaarInCode(form); found {
			r.n = 0
			return masked, false, true
		}
	}
	if forms != nil && forms[0] != literal {
		value = forms[0]
	}

	if r.n > 0 {
		if masked, found = canonical.AadhaarInCode(string(body[r.starts[0]:end])); found {
			r.n = 0
			return masked, true, true
		}
		// The hub writes the run back as the numbers' values, so a run
		// such as [4918, 73.62e2, 5403] is read by its values as well.
		if values, rewritten := r.joinValues(body, start, end, value); rewritten {
			if masked, found = canonical.AadhaarInCode(values); found {
				r.n = 0
				return masked, true, true
			}
		}
	}
	if r.n == len(r.starts) {
		r.starts[0], r.ends[0], r.values[0] = r.starts[1], r.ends[1], r.values[1]
		r.n--
	}
	r.starts[r.n], r.ends[r.n], r.values[r.n] = start, end, value
	r.n++
	r.end = end
	return "", false, false
}

// joinValues returns the numbers of the run and the number
// body[start:end], whose rewritten value is value, joined by commas as
// the hub writes them back, each in its rewritten value where it has one.
// rewritten is false, and the text is not built, when none has one.
func (r *NumberRun) joinValues(body []byte, start, end int, value string) (text string, rewritten bool) {
	rewritten = value != ""
	for i := range r.n {
		rewritten = rewritten || r.values[i] != ""
	}
	if !rewritten {
		return "", false
	}
	var b strings.Builder
	for i := range r.n {
		if r.values[i] != "" {
			b.WriteString(r.values[i])
		} else {
			b.Write(body[r.starts[i]:r.ends[i]])
		}
		b.WriteByte(',')
	}
	if value != "" {
		b.WriteString(value)
	} else {
		b.Write(body[start:end])
	}
	return b.String(), true
}

// valueForms returns the forms in which the hub writes back the value
// of a JSON number literal. The first is the decimal form of its
// float64 value without an exponent, as strconv.FormatFloat writes it
// with format 'f'. The second, where it differs, is the form that
// encoding/json's Marshal gives a float64, which has an exponent from
// 1e21 up and below 1e-6. An integer value's 'f' form is its integer
// form. So 4918736254030e-1 is written back as 491873625403,
// 4918.7362540300 as 4918.73625403 and 0.000000491873625403 as
// 4.91873625403e-07. It returns nil for an integer literal of at most
// 15 characters, which a float64 holds exactly and both forms write as
// it is written, and for a literal that a float64 cannot hold.
func valueForms(literal string) []string {
	if len(literal) <= 15 && !strings.ContainsAny(literal, ".eE") {
		return nil
	}
	v, err := strconv.ParseFloat(literal, 64)
	if err != nil {
		return nil
	}
	forms := []string{strconv.FormatFloat(v, 'f', -1, 64)}
	if b, err := json.Marshal(v); err == nil && string(b) != forms[0] {
		forms = append(forms, string(b))
	}
	return forms
}

// onlySeparators reports whether b, the bytes between two values of an
// array, holds only the comma and white space.
func onlySeparators(b []byte) bool {
	for _, c := range b {
		switch c {
		case ',', ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// AadhaarNumberViolation returns the violation, of rule
// canonical.RuleAadhaarLike, of a JSON number at pointer that contains
// masked, an Aadhaar-like number as NumberRun.Check returns it. joined
// is set when the number continues those before it in its array.
func AadhaarNumberViolation(pointer, masked string, joined bool) schemas.Violation {
	subject := "the number"
	if joined {
		subject = "the number, read with the numbers before it in the list,"
	}
	return schemas.Violation{
		Pointer: pointer,
		Rule:    canonical.RuleAadhaarLike,
		Message: fmt.Sprintf("%s contains %s, which looks like an Aadhaar number "+
			"(12 digits with a valid check digit): the hub keeps no Aadhaar number in clear, "+
			"so send one only as the number of an identifier of type aadhaar, which it masks",
			subject, masked),
	}
}

// The size of a JSON number. The schema validator reads a number it
// compares with a minimum, a maximum or an integer type as an exact
// fraction: 1e999999 costs it about 20 ms and a megabyte, and it fails
// on a larger exponent. No field of an agency's document needs more
// than a float64 holds, so a number may have at most MaxNumberLength
// characters and an exponent of at most MaxExponent either way.
const (
	MaxNumberLength = 40
	MaxExponent     = 308
	// RuleNumberSize is the rule of a number beyond those limits.
	RuleNumberSize = "number-size"
)

// CheckNumberSize returns the problem of the JSON number literal,
// or "" when it is within MaxNumberLength and MaxExponent.
func CheckNumberSize(literal []byte) string {
	if len(literal) > MaxNumberLength {
		return fmt.Sprintf("the number has %d characters: write at most %d",
			len(literal), MaxNumberLength)
	}
	e := bytes.IndexAny(literal, "eE")
	if e < 0 {
		return ""
	}
	exp, err := strconv.Atoi(string(literal[e+1:]))
	if err != nil || exp > MaxExponent || exp < -MaxExponent {
		return fmt.Sprintf("the number's exponent %s is out of range: write one from -%d to %d",
			literal[e+1:], MaxExponent, MaxExponent)
	}
	return ""
}
