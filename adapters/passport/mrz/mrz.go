// Package mrz reads and writes the machine readable zone (MRZ) of travel
// documents as ICAO Doc 9303 lays it out: TD1 (three lines of 30
// characters, identity cards), TD2 (two lines of 36) and TD3 (two lines
// of 44, passport booklets).
//
// Parse verifies every check digit the format has: document number, date
// of birth, date of expiry, the optional data where the format gives it
// one, and the composite. Check digits use the weights 7, 3, 1 repeated,
// with digits worth their value, A to Z worth 10 to 35 and the filler '<'
// worth 0. Years are written with two digits, so Parse chooses the century
// against a reference date: a date of birth is on or before it, and a date
// of expiry at most 20 years after it.
//
// A zone whose optional data contains a masked number, "XXXXXXXX" and
// four digits as canonical.MaskAadhaar writes an Aadhaar number, has '<'
// in place of each check digit over that data: the optional data check
// digit of TD3 and the composite check digit of every format. The digits
// those check digits were computed from are gone, so Lines writes '<'
// there, and Parse accepts '<' there as well as a digit that matches
// the masked text. Such lines match no booklet, and an ICAO 9303 reader
// rejects their check digits.
package mrz

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format is the size of a machine readable zone.
type Format string

// Formats.
const (
	TD1 Format = "TD1" // three lines of 30 characters
	TD2 Format = "TD2" // two lines of 36 characters
	TD3 Format = "TD3" // two lines of 44 characters
)

// Document is the content of a machine readable zone. Codes and numbers
// have their fillers removed; names have fillers turned to spaces.
type Document struct {
	Format Format
	// DocumentCode is one or two characters, such as P for a passport or
	// I for an identity card.
	DocumentCode string
	// IssuingState and Nationality are ICAO three-letter codes, such as
	// IND, or shorter codes such as D.
	IssuingState   string
	DocumentNumber string
	Nationality    string
	// DateOfBirth and ExpiresOn are calendar dates at midnight UTC.
	DateOfBirth time.Time
	ExpiresOn   time.Time
	// Sex is M, F or X (unspecified).
	Sex string
	// PrimaryIdentifier is the surname or other primary name;
	// SecondaryIdentifier the given names.
	PrimaryIdentifier   string
	SecondaryIdentifier string
	// OptionalData is the personal number on TD3, the line 2 optional
	// data on TD2 and the line 1 optional data on TD1, without trailing
	// fillers. OptionalData2 is the line 2 optional data of TD1.
	OptionalData  string
	OptionalData2 string
}

// Errors that a *FieldError wraps.
var (
	// ErrFormat marks lines of the wrong number, length or characters,
	// and fields that break the layout, such as an empty name.
	ErrFormat = errors.New("invalid MRZ")
	// ErrCheckDigit marks a check digit that does not match its field.
	ErrCheckDigit = errors.New("MRZ check digit mismatch")
	// ErrDate marks a date that is not a valid YYMMDD date.
	ErrDate = errors.New("invalid MRZ date")
)

// FieldError is one problem in a machine readable zone, at a line and
// position counted from 1.
type FieldError struct {
	// Field names the field, such as "document number" or "composite".
	Field string
	// Line and Position locate the field's first character, or the check
	// digit for ErrCheckDigit. Position is 0 when the error concerns the
	// whole line.
	Line, Position int
	// Err is ErrFormat, ErrCheckDigit or ErrDate.
	Err error
	// Detail describes what is wrong, such as "check digit is 5, want 6".
	Detail string
}

func (e *FieldError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Position > 0 {
		where += fmt.Sprintf(", position %d", e.Position)
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Field, e.Detail)
}

// Unwrap returns the sentinel error e wraps.
func (e *FieldError) Unwrap() error { return e.Err }

// Errors is every problem Parse found in one zone, in line and position
// order.
type Errors []*FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid machine readable zone: " + strings.Join(parts, "; ")
}

// Unwrap returns the errors, so that errors.Is finds ErrCheckDigit when
// any of them is a check digit mismatch.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// checkDigit returns the ICAO 9303 check digit of s, which holds only
// digits, capital letters and '<'.
func checkDigit(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += charValue(s[i]) * weights[i%3]
	}
	return byte('0' + sum%10)
}

func charValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 0
}

func validChar(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<'
}

// layout is where the fields of one format lie. Positions count from 0;
// a span is [line, start, end).
type layout struct {
	format     Format
	lines      int
	width      int
	code       span
	state      span
	number     span
	numberChk  pos
	nation     span
	birth      span
	birthChk   pos
	sex        pos
	expiry     span
	expiryChk  pos
	optional   span
	optionChk  pos // line -1 when the optional data has no check digit
	optional2  span
	composite  pos
	compSpans  []span
	names      span
	longNumber bool // a document number over 9 characters continues in optional
}

type span struct{ line, start, end int }
type pos struct{ line, at int }

var layouts = map[Format]layout{
	TD3: {
		format: TD3, lines: 2, width: 44,
		code: span{0, 0, 2}, state: span{0, 2, 5}, names: span{0, 5, 44},
		number: span{1, 0, 9}, numberChk: pos{1, 9}, nation: span{1, 10, 13},
		birth: span{1, 13, 19}, birthChk: pos{1, 19}, sex: pos{1, 20},
		expiry: span{1, 21, 27}, expiryChk: pos{1, 27},
		optional: span{1, 28, 42}, optionChk: pos{1, 42}, optional2: span{-1, 0, 0},
		composite: pos{1, 43}, compSpans: []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 43}},
	},
	TD2: {
		format: TD2, lines: 2, width: 36,
		code: span{0, 0, 2}, state: span{0, 2, 5}, names: span{0, 5, 36},
		number: span{1, 0, 9}, numberChk: pos{1, 9}, nation: span{1, 10, 13},
		birth: span{1, 13, 19}, birthChk: pos{1, 19}, sex: pos{1, 20},
		expiry: span{1, 21, 27}, expiryChk: pos{1, 27},
		optional: span{1, 28, 35}, optionChk: pos{-1, 0}, optional2: span{-1, 0, 0},
		composite: pos{1, 35}, compSpans: []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 35}},
		longNumber: true,
	},
	TD1: {
		format: TD1, lines: 3, width: 30,
		code: span{0, 0, 2}, state: span{0, 2, 5},
		number: span{0, 5, 14}, numberChk: pos{0, 14}, optional: span{0, 15, 30},
		birth: span{1, 0, 6}, birthChk: pos{1, 6}, sex: pos{1, 7},
		expiry: span{1, 8, 14}, expiryChk: pos{1, 14}, nation: span{1, 15, 18},
		optional2: span{1, 18, 29}, optionChk: pos{-1, 0},
		composite: pos{1, 29}, compSpans: []span{{0, 5, 30}, {1, 0, 7}, {1, 8, 15}, {1, 18, 29}},
		names: span{2, 0, 30}, longNumber: true,
	},
}
