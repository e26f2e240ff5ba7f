package mrz

import (
	"fmt"
	"strings"
	"time"
)

// expiryHorizon is how far after the reference date a date of expiry may
// lie: ten years is the longest validity of an ordinary passport, and
// twenty leaves room for other documents.
const expiryHorizon = 20

// Parse reads a machine readable zone from its lines. The format follows
// from the lines: three of 30 characters are TD1, two of 36 TD2 and two
// of 44 TD3. Spaces and tabs around a line are ignored. now is the
// reference date for choosing the century of two-digit years.
//
// A zone that breaks any rule returns Errors listing every problem found:
// wrong line lengths or characters stop parsing, while field, date and
// check digit problems are all reported together.
func Parse(lines []string, now time.Time) (Document, error) {
	l, err := detect(lines)
	if err != nil {
		return Document{}, err
	}
	p := &parser{l: l, now: now}
	for _, line := range lines {
		p.lines = append(p.lines, strings.Trim(line, " \t\r\n"))
	}
	if errs := p.checkChars(); len(errs) > 0 {
		return Document{}, errs
	}
	d := p.document()
	if len(p.errs) > 0 {
		return Document{}, p.errs
	}
	return d, nil
}

// detect returns the layout that the line count and lengths match.
func detect(lines []string) (layout, error) {
	lengths := make([]int, len(lines))
	for i, line := range lines {
		lengths[i] = len(strings.Trim(line, " \t\r\n"))
	}
	for _, l := range layouts {
		if len(lines) != l.lines {
			continue
		}
		match := true
		for _, n := range lengths {
			match = match && n == l.width
		}
		if match {
			return l, nil
		}
	}
	return layout{}, Errors{formatError(lines, lengths)}
}

// formatError explains why lines match no format, naming the first line
// whose length is wrong for the format its count suggests.
func formatError(lines []string, lengths []int) *FieldError {
	want := map[int][]int{2: {36, 44}, 3: {30}}[len(lines)]
	if want == nil {
		return &FieldError{Field: "zone", Line: 1, Err: ErrFormat, Detail: fmt.Sprintf(
			"%d lines, want 3 lines of 30 characters (TD1) or 2 of 36 (TD2) or 44 (TD3)", len(lines))}
	}
	width := want[0]
	if len(want) == 2 && lengths[0] >= 40 {
		width = want[1]
	}
	for i, n := range lengths {
		if n != width {
			return &FieldError{Field: "zone", Line: i + 1, Err: ErrFormat, Detail: fmt.Sprintf(
				"line has %d characters, want %d as the other lines of a %d-line zone",
				n, width, len(lines))}
		}
	}
	return &FieldError{Field: "zone", Line: 1, Err: ErrFormat, Detail: fmt.Sprintf(
		"%d lines of %d characters match no format", len(lines), width)}
}

// parser carries one Parse call.
type parser struct {
	l     layout
	lines []string
	now   time.Time
	errs  Errors
	// masked is set when the optional data contains a masked number, so
	// that the check digits over it may be '<'.
	masked bool
}

func (p *parser) fail(field string, line, at int, err error, format string, args ...any) {
	p.errs = append(p.errs, &FieldError{
		Field: field, Line: line + 1, Position: at + 1, Err: err, Detail: fmt.Sprintf(format, args...),
	})
}

// checkChars reports the first character outside A-Z, 0-9 and '<' on
// each line.
func (p *parser) checkChars() Errors {
	var errs Errors
	for i, line := range p.lines {
		for j := 0; j < len(line); j++ {
			if !validChar(line[j]) {
				errs = append(errs, &FieldError{
					Field: "zone", Line: i + 1, Position: j + 1, Err: ErrFormat,
					Detail: fmt.Sprintf("invalid character %q: want A-Z, 0-9 or <", line[j]),
				})
				break
			}
		}
	}
	return errs
}

func (p *parser) text(s span) string { return p.lines[s.line][s.start:s.end] }
func (p *parser) char(at pos) byte   { return p.lines[at.line][at.at] }

func (p *parser) document() Document {
	l := p.l
	d := Document{Format: l.format}
	d.DocumentCode = p.code("document code", l.code, true)
	d.IssuingState = p.code("issuing state", l.state, false)
	d.Nationality = p.code("nationality", l.nation, false)
	d.DocumentNumber, d.OptionalData = p.number()
	d.DateOfBirth = p.date("date of birth", l.birth, l.birthChk, p.birthYear)
	d.ExpiresOn = p.date("date of expiry", l.expiry, l.expiryChk, p.expiryYear)
	d.Sex = p.sex()
	d.PrimaryIdentifier, d.SecondaryIdentifier = p.names()
	if l.optional2.line >= 0 {
		d.OptionalData2 = strings.TrimRight(p.text(l.optional2), "<")
	}
	p.masked = hasMaskedNumber(d.OptionalData) || hasMaskedNumber(d.OptionalData2)
	if l.optionChk.line >= 0 {
		p.optionalCheck()
	}
	p.composite()
	return d
}

// code reads a document code or a state code: letters (and digits for
// the second character of a document code), padded with fillers.
func (p *parser) code(field string, s span, document bool) string {
	raw := p.text(s)
	v := strings.TrimRight(raw, "<")
	ok := v != "" && !strings.Contains(v, "<")
	for i := 0; ok && i < len(v); i++ {
		letter := v[i] >= 'A' && v[i] <= 'Z'
		ok = letter || (document && i > 0 && v[i] >= '0' && v[i] <= '9')
	}
	if !ok {
		p.fail(field, s.line, s.start, ErrFormat, "invalid code %q: want letters padded with <", raw)
		return ""
	}
	return v
}

// verify checks the check digit at at against value.
func (p *parser) verify(field, value string, at pos) {
	got, want := p.char(at), checkDigit(value)
	if got == want {
		return
	}
	if got < '0' || got > '9' {
		p.fail(field, at.line, at.at, ErrCheckDigit, "check digit is %q, want the digit %c", got, want)
		return
	}
	p.fail(field, at.line, at.at, ErrCheckDigit, "check digit is %c, want %c", got, want)
}
