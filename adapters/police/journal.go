package police

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// redactedAadhaar replaces an Aadhaar value that is not a valid number,
// so that not even a mistyped number is kept.
const redactedAadhaar = "XXXXXXXXXXXX"

// span is the byte range of one JSON scalar literal in a document, with
// its decoded value.
type span struct {
	start, end int
	value      string
}

// objectFrame tracks one JSON object or array while aadhaarSpans reads
// its tokens.
type objectFrame struct {
	isObject bool
	wantKey  bool
	key      string
	aadhaar  bool   // a member "type" is "aadhaar"
	numbers  []span // the string values of members named "number"
}

// maskJournal returns body with the value of every Aadhaar identifier
// replaced: a valid number by its masked form, anything else by
// redactedAadhaar. All other bytes stay as they are. It returns nil when
// body contains no Aadhaar identifier.
//
// An identifier is any object with a member "type" equal to "aadhaar",
// and its value is every string member "number". Keys and the type are
// compared without case, as encoding/json matches keys, so a document
// the schema rejects is masked as well.
func maskJournal(body []byte, key []byte) ([]byte, error) {
	spans, err := aadhaarSpans(body)
	if err != nil || len(spans) == 0 {
		return nil, err
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })

	var out bytes.Buffer
	last := 0
	for _, s := range spans {
		out.Write(body[last:s.start])
		masked, _ := json.Marshal(maskedValue(s.value, key))
		out.Write(masked)
		last = s.end
	}
	out.Write(body[last:])
	return out.Bytes(), nil
}

func maskedValue(v string, key []byte) string {
	if canonical.IsMaskedAadhaar(v) {
		return v
	}
	id, err := canonical.MaskAadhaar(v, key)
	if err != nil {
		return redactedAadhaar
	}
	return id.Value
}

// aadhaarSpans walks body's tokens and returns the spans of Aadhaar
// values.
func aadhaarSpans(body []byte) ([]span, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	w := &spanWalker{body: body}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return w.found, nil
		}
		if err != nil {
			return nil, err
		}
		w.step(tok, before, int(dec.InputOffset()))
	}
}

// spanWalker tracks the open objects and arrays while aadhaarSpans reads
// tokens, and collects the spans of Aadhaar values as objects close.
type spanWalker struct {
	body  []byte
	stack []*objectFrame
	found []span
}

// step takes one token, which ends at byte offset end and starts after
// offset before.
func (w *spanWalker) step(tok json.Token, before, end int) {
	top := w.top()
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{', '[':
			w.stack = append(w.stack, &objectFrame{isObject: t == '{', wantKey: t == '{'})
			return
		case '}':
			if top.aadhaar {
				w.found = append(w.found, top.numbers...)
			}
			w.stack = w.stack[:len(w.stack)-1]
		case ']':
			w.stack = w.stack[:len(w.stack)-1]
		}
	case string:
		if top != nil && top.isObject && top.wantKey {
			top.key, top.wantKey = t, false
			return
		}
		if top != nil && top.isObject {
			noteMember(top, t, valueSpan(w.body, before, end, t))
		}
	case json.Number:
		// A JSON number is not a valid identifier, but its digits are
		// masked too.
		if top != nil && top.isObject {
			noteMember(top, t.String(), valueSpan(w.body, before, end, t.String()))
		}
	}
	// A value has ended: the enclosing object expects a key next.
	if parent := w.top(); parent != nil && parent.isObject {
		parent.wantKey = true
	}
}

func (w *spanWalker) top() *objectFrame {
	if len(w.stack) == 0 {
		return nil
	}
	return w.stack[len(w.stack)-1]
}

func noteMember(f *objectFrame, value string, s span) {
	switch {
	case strings.EqualFold(f.key, "type") && strings.EqualFold(value, canonical.IDAadhaar):
		f.aadhaar = true
	case strings.EqualFold(f.key, "number"):
		f.numbers = append(f.numbers, s)
	}
}

// valueSpan locates the scalar literal that ends at end. Between before
// and the literal there is only white space, a comma or a colon.
func valueSpan(body []byte, before, end int, value string) span {
	start := before
	for start < end && strings.IndexByte(" \t\r\n,:", body[start]) >= 0 {
		start++
	}
	return span{start: start, end: end, value: value}
}
