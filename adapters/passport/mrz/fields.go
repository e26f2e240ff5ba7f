package mrz

import (
	"strings"
	"time"
)

// number reads the document number and the optional data that shares
// its space. On TD1 and TD2 a number longer than 9 characters has a
// filler in place of its check digit; the rest of the number and its
// check digit then open the optional data, ended by a filler.
func (p *parser) number() (number, optional string) {
	l := p.l
	principal := p.text(l.number)
	optionalRaw := p.text(l.optional)
	if l.longNumber && p.char(l.numberChk) == '<' && optionalRaw[0] != '<' {
		return p.longNumber(principal, optionalRaw)
	}

	p.verify("document number", principal, l.numberChk)
	number = strings.TrimRight(principal, "<")
	if number == "" {
		p.fail("document number", l.number.line, l.number.start, ErrFormat, "missing document number")
	}
	return number, strings.TrimRight(optionalRaw, "<")
}

func (p *parser) longNumber(principal, optionalRaw string) (number, optional string) {
	l := p.l
	rest, after, _ := strings.Cut(optionalRaw, "<")
	if len(rest) < 2 || strings.Contains(principal, "<") {
		p.fail("document number", l.numberChk.line, l.numberChk.at, ErrFormat,
			"check digit is '<' but the optional data does not continue the number: "+
				"want the rest of the number and its check digit, then <")
		return "", strings.TrimRight(optionalRaw, "<")
	}
	number = principal + rest[:len(rest)-1]
	p.verify("document number", number, pos{l.optional.line, l.optional.start + len(rest) - 1})
	return number, strings.TrimRight(after, "<")
}

// date reads a YYMMDD date with its check digit. year chooses the
// century of the two-digit year yy for the month and day.
func (p *parser) date(field string, s span, chk pos, year func(yy, mm, dd int) int) time.Time {
	raw := p.text(s)
	p.verify(field, raw, chk)
	digits := [3]int{}
	for i := 0; i < 6; i++ {
		c := raw[i]
		if c < '0' || c > '9' {
			p.fail(field, s.line, s.start, ErrDate, "invalid date %q: want YYMMDD digits", raw)
			return time.Time{}
		}
		digits[i/2] = digits[i/2]*10 + int(c-'0')
	}
	yy, mm, dd := digits[0], digits[1], digits[2]
	if mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		p.fail(field, s.line, s.start, ErrDate, "invalid date %q: no month %02d or day %02d", raw, mm, dd)
		return time.Time{}
	}
	y := year(yy, mm, dd)
	t := civil(y, mm, dd)
	if t.Day() != dd {
		p.fail(field, s.line, s.start, ErrDate, "invalid date %q: %d-%02d has no day %02d", raw, y, mm, dd)
		return time.Time{}
	}
	return t
}

// civil returns the date at midnight UTC. An impossible day, such as 30
// February, rolls into the next month.
func civil(y, m, d int) time.Time {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// birthYear returns the latest year ending in yy whose date is not after
// the reference date.
func (p *parser) birthYear(yy, mm, dd int) int {
	today := civil(p.now.Year(), int(p.now.Month()), p.now.Day())
	y := p.now.Year()/100*100 + yy
	if civil(y, mm, dd).After(today) {
		y -= 100
	}
	return y
}

// expiryYear returns the latest year ending in yy whose date is at most
// expiryHorizon years after the reference date.
func (p *parser) expiryYear(yy, mm, dd int) int {
	limit := civil(p.now.Year()+expiryHorizon, int(p.now.Month()), p.now.Day())
	y := p.now.Year()/100*100 + 100 + yy
	for civil(y, mm, dd).After(limit) {
		y -= 100
	}
	return y
}

func (p *parser) sex() string {
	switch c := p.char(p.l.sex); c {
	case 'M', 'F', 'X':
		return string(c)
	case '<':
		return "X"
	default:
		p.fail("sex", p.l.sex.line, p.l.sex.at, ErrFormat, "invalid sex %q: want M, F, X or <", c)
		return ""
	}
}

// names splits the name field at the first "<<" into the primary and
// secondary identifiers, and turns the fillers inside each into spaces.
func (p *parser) names() (primary, secondary string) {
	s := p.l.names
	raw := p.text(s)
	if i := strings.IndexAny(raw, "0123456789"); i >= 0 {
		p.fail("name", s.line, s.start+i, ErrFormat, "name contains the digit %c", raw[i])
		return "", ""
	}
	first, rest, _ := strings.Cut(strings.TrimRight(raw, "<"), "<<")
	primary, secondary = words(first), words(rest)
	if primary == "" {
		p.fail("name", s.line, s.start, ErrFormat, "missing primary identifier (surname)")
	}
	return primary, secondary
}

// words turns fillers into single spaces.
func words(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' }), " ")
}

// optionalCheck verifies the check digit of TD3's personal number. A
// personal number of fillers only may have '<' or 0 as its check digit,
// and one with a masked number '<' (see MaskOptionalData).
func (p *parser) optionalCheck() {
	l := p.l
	raw := p.text(l.optional)
	c := p.char(l.optionChk)
	if strings.Trim(raw, "<") == "" && (c == '<' || c == '0') {
		return
	}
	if p.masked && c == '<' {
		return
	}
	p.verify("optional data", raw, l.optionChk)
}

// composite verifies the check digit over the fields the format lists.
// A zone with a masked number in its optional data may have '<' there.
func (p *parser) composite() {
	if p.masked && p.char(p.l.composite) == '<' {
		return
	}
	var b strings.Builder
	for _, s := range p.l.compSpans {
		b.WriteString(p.text(s))
	}
	p.verify("composite", b.String(), p.l.composite)
}
