// Package logmask provides a slog.Handler that keeps Aadhaar numbers out
// of log lines. Log lines quote what senders and operators wrote: paths,
// query parameters, headers and the errors of parsing them. The handler
// masks each number in them as canonical.MaskAadhaarInDiagnostic masks
// it in a problem response, so that a line states no more than the
// response to the same request.
package logmask

import (
	"context"
	"encoding"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
)

// Handler is a slog.Handler that masks every Aadhaar number in a record's
// message and in its attributes' keys and values, in groups too, before next
// handles the record. It logs an error value as its message text, masked:
// slog's TextHandler formats an error with %+v, and errors made by
// github.com/pkg/errors, which watermill returns, then print their stack
// trace with the build's source paths.
//
// It scans strings, errors and other values of kind Any as text, and
// numbers as their decimal text, because a request's numbers, such as a
// replay's limit, are logged as numbers. It leaves booleans, durations
// and times as they are.
type Handler struct {
	next slog.Handler
}

// New returns a Handler that passes masked records to next, or next when
// it is a Handler already.
func New(next slog.Handler) slog.Handler {
	if h, ok := next.(Handler); ok {
		return h
	}
	return Handler{next: next}
}

// Logger returns log with every record masked by a Handler, or log when
// its handler is a Handler already.
func Logger(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(Handler); ok {
		return log
	}
	return slog.New(Handler{next: log.Handler()})
}

func (h Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, maskText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(Attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = Attr(a)
	}
	return Handler{next: h.next.WithAttrs(masked)}
}

func (h Handler) WithGroup(name string) slog.Handler {
	return Handler{next: h.next.WithGroup(maskText(name))}
}

// Attr returns a with every Aadhaar number in its key and value masked,
// and an error value replaced by its message text. A key is masked too
// because some keys come from requests, such as a query parameter's name.
func Attr(a slog.Attr) slog.Attr {
	a.Key = maskText(a.Key)
	switch a.Value.Kind() {
	case slog.KindString:
		s := a.Value.String()
		if masked := maskText(s); masked != s {
			return slog.String(a.Key, masked)
		}
	case slog.KindInt64:
		return numberAttr(a, strconv.FormatInt(a.Value.Int64(), 10))
	case slog.KindUint64:
		return numberAttr(a, strconv.FormatUint(a.Value.Uint64(), 10))
	case slog.KindFloat64:
		return numberAttr(a, strconv.FormatFloat(a.Value.Float64(), 'f', -1, 64))
	case slog.KindAny:
		return anyAttr(a)
	case slog.KindGroup:
		group := a.Value.Group()
		masked := make([]slog.Attr, len(group))
		for i, member := range group {
			masked[i] = Attr(member)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(masked...)}
	case slog.KindLogValuer:
		return Attr(slog.Attr{Key: a.Key, Value: a.Value.Resolve()})
	}
	return a
}

// numberAttr returns a, a number whose decimal form is text, or a string
// attribute of text masked when text contains an Aadhaar number. Text
// has no exponent, because slog's TextHandler writes 491873625403.0 as
// 4.91873625403e+11, which shows every digit but is not masked as text.
func numberAttr(a slog.Attr, text string) slog.Attr {
	if masked := maskText(text); masked != text {
		return slog.String(a.Key, masked)
	}
	return a
}

// anyAttr masks a, whose value is of kind Any. A value other than an
// error keeps its type unless its text, as slog's TextHandler writes it,
// contains a number, so that a JSON handler still encodes it as before.
// A value whose Error or MarshalText panics, such as a nil pointer, is
// returned as it is, because slog's handlers recover from that and write
// <nil> for a nil pointer, or !PANIC and the panic's value.
func anyAttr(a slog.Attr) (out slog.Attr) {
	defer func() {
		if recover() != nil {
			out = a
		}
	}()
	v := a.Value.Any()
	if err, ok := v.(error); ok && err != nil {
		return slog.String(a.Key, maskText(err.Error()))
	}
	if v == nil {
		return a
	}
	text := anyText(v)
	if masked := maskText(text); masked != text {
		return slog.String(a.Key, masked)
	}
	// fmt writes a float in a struct, a slice or a map with an exponent
	// from 1e6 up, such as 4.91873625403e+11, which a JSON handler
	// writes in decimal.
	plain := floatExponent.ReplaceAllStringFunc(text, decimalFloat)
	if masked := maskText(plain); masked != plain {
		return slog.String(a.Key, masked)
	}
	return a
}

// floatExponent matches a float that fmt writes with an exponent, such
// as 4.91873625403e+11.
var floatExponent = regexp.MustCompile(`[0-9](?:\.[0-9]+)?e[-+][0-9]+`)

// decimalFloat returns the float f, which floatExponent matched, in
// decimal form without an exponent.
func decimalFloat(f string) string {
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return f
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// anyText returns v as slog's TextHandler (Go 1.26) formats a value of
// kind Any.
func anyText(v any) string {
	switch v := v.(type) {
	case encoding.TextMarshaler:
		if text, err := v.MarshalText(); err == nil {
			return string(text)
		}
	case []byte:
		return string(v)
	}
	return fmt.Sprintf("%+v", v)
}

// maskText returns s with every Aadhaar number masked, escaped digits
// and separators included. An Aadhaar number has twelve digits, so text
// of ASCII with fewer digits and escapes is returned without the full
// scan. Text with other characters gets the full scan, because a digit
// may be of another script.
func maskText(s string) string {
	if !mayContainNumber(s) {
		return s
	}
	masked, _ := canonical.MaskAadhaarInDiagnostic(s)
	return masked
}

// mayContainNumber reports whether s has a character outside ASCII, or
// twelve ASCII digits, backslashes and percent signs in all. A digit that
// canonical.MaskAadhaarInDiagnostic reads from an escape, such as \u0035
// or %35, starts with a backslash or a percent sign.
func mayContainNumber(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return true
		case c >= '0' && c <= '9', c == '\\', c == '%':
			digits++
			if digits == 12 {
				return true
			}
		}
	}
	return false
}
