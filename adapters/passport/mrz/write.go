package mrz

import (
	"fmt"
	"strings"
)

// Lines writes d as the lines of its format's zone, with every check
// digit computed, except those over optional data that contains a masked
// number, which are '<' (see MaskOptionalData). Names longer than their
// field are cut at its end. It returns an error for an unknown format, a
// value too long for its field, a code or number with characters other
// than A-Z and 0-9, and a name with characters other than A-Z, spaces
// and hyphens.
func (d Document) Lines() ([]string, error) {
	l, ok := layouts[d.Format]
	if !ok {
		return nil, fmt.Errorf("writing MRZ: unknown format %q: want TD1, TD2 or TD3", d.Format)
	}
	w := &writer{l: l, lines: make([][]byte, l.lines)}
	for i := range w.lines {
		w.lines[i] = []byte(strings.Repeat("<", l.width))
	}

	w.put("document code", l.code, d.DocumentCode)
	w.put("issuing state", l.state, d.IssuingState)
	w.put("nationality", l.nation, d.Nationality)
	w.number(d.DocumentNumber, d.OptionalData)
	w.date("date of birth", l.birth, l.birthChk, d.DateOfBirth.Format("060102"))
	w.date("date of expiry", l.expiry, l.expiryChk, d.ExpiresOn.Format("060102"))
	w.put("sex", span{l.sex.line, l.sex.at, l.sex.at + 1}, strings.ReplaceAll(d.Sex, "X", "<"))
	w.names(d.PrimaryIdentifier, d.SecondaryIdentifier)
	if l.optionChk.line >= 0 {
		opt := string(w.lines[l.optional.line][l.optional.start:l.optional.end])
		w.lines[l.optionChk.line][l.optionChk.at] = checkDigit(opt)
	}
	if l.optional2.line >= 0 {
		w.put("optional data 2", l.optional2, d.OptionalData2)
	}
	var comp strings.Builder
	for _, s := range l.compSpans {
		comp.Write(w.lines[s.line][s.start:s.end])
	}
	w.lines[l.composite.line][l.composite.at] = checkDigit(comp.String())
	if hasMaskedNumber(d.OptionalData) || hasMaskedNumber(d.OptionalData2) {
		for _, at := range l.maskedCheckDigits() {
			w.lines[at.line][at.at] = '<'
		}
	}

	if w.err != nil {
		return nil, fmt.Errorf("writing %s MRZ: %w", d.Format, w.err)
	}
	out := make([]string, len(w.lines))
	for i, line := range w.lines {
		out[i] = string(line)
	}
	return out, nil
}

// writer fills the lines of one zone and keeps the first error.
type writer struct {
	l     layout
	lines [][]byte
	err   error
}

// put writes v left-aligned in s, padded with fillers.
func (w *writer) put(field string, s span, v string) {
	if w.err != nil {
		return
	}
	if len(v) > s.end-s.start {
		w.err = fmt.Errorf("%s %q is longer than its %d characters", field, v, s.end-s.start)
		return
	}
	for i := 0; i < len(v); i++ {
		if !validChar(v[i]) {
			w.err = fmt.Errorf("%s %q has the character %q: want A-Z, 0-9 or <", field, v, v[i])
			return
		}
	}
	copy(w.lines[s.line][s.start:], v)
}

// number writes the document number, its check digit and the optional
// data that follows it, continuing a long number into the optional data
// on TD1 and TD2.
func (w *writer) number(number, optional string) {
	l := w.l
	if len(number) <= l.number.end-l.number.start || !l.longNumber {
		w.put("document number", l.number, number)
		w.put("optional data", l.optional, optional)
		if w.err == nil {
			written := w.lines[l.number.line][l.number.start:l.number.end]
			w.lines[l.numberChk.line][l.numberChk.at] = checkDigit(string(written))
		}
		return
	}
	principal := number[:l.number.end-l.number.start]
	rest := number[len(principal):]
	w.put("document number", l.number, principal)
	continued := rest + string(checkDigit(number)) + "<" + optional
	w.put("optional data with the rest of the document number", l.optional,
		strings.TrimRight(continued, "<"))
}

func (w *writer) date(field string, s span, chk pos, yymmdd string) {
	w.put(field, s, yymmdd)
	if w.err == nil {
		w.lines[chk.line][chk.at] = checkDigit(yymmdd)
	}
}

// names writes the primary and secondary identifiers separated by "<<",
// with spaces and hyphens as fillers, cut to the field's width.
func (w *writer) names(primary, secondary string) {
	filler := strings.NewReplacer(" ", "<", "-", "<")
	v := filler.Replace(primary)
	if secondary != "" {
		v += "<<" + filler.Replace(secondary)
	}
	width := w.l.names.end - w.l.names.start
	if len(v) > width {
		v = v[:width]
	}
	w.put("name", w.l.names, v)
}
