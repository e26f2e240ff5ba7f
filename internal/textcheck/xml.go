package textcheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
	"github.com/sangam-hub/sangam/schemas"
)

// xmlHit is a rejected character, or character reference, in an XML
// body.
type xmlHit struct {
	start, end int
	rule, what string
}

// checkXML checks the XML text body. One pass over the bytes finds the
// rejected characters and the character references (&#...;) to them.
// Only when it finds some does a second pass read the elements, to name
// each one's element path as internal/xmlsafe.Pointer does, such as
// "/CoreFilingMessage/CoreFilingMessageCase/CaseParticipant[2]", with
// "/@name" after it for an attribute's value. A rejected character in a
// comment or processing instruction, which is in no field, is not
// reported.
//
// A body beyond internal/xmlsafe's default limits is not checked, since
// its adapter rejects it for them, and walking its elements would take
// the memory that those limits guard. A body with more than
// schemas.MaxViolations rejected characters is reported for the whole
// document, by byte offset.
func checkXML(body []byte, c *collector) {
	hits, more := findXMLHits(body, schemas.MaxViolations)
	if len(hits) == 0 {
		return
	}
	if more > 0 {
		// The decoder stops at the first rejected character, and the
		// ones past the first hits were not kept, so no element can be
		// read: the hits are reported for the whole document.
		for _, h := range hits {
			c.add("", h.rule, h.what, h.start, false)
		}
		c.omitted += more
		return
	}
	blank := bytes.Clone(body)
	for _, h := range hits {
		for i := h.start; i < h.end; i++ {
			blank[i] = ' '
		}
	}
	if xmlsafe.CheckLimits(blank, xmlsafe.Limits{}) != nil {
		return
	}
	pointers, ok := xmlPointers(blank, hits)
	for i, h := range hits {
		switch {
		case !ok:
			c.add("", h.rule, h.what, h.start, false)
		case pointers[i] != skipHit:
			c.add(pointers[i], h.rule, h.what, h.start, false)
		}
	}
}

// maxRefShown is the longest character reference that a violation's
// message writes in full.
const maxRefShown = 24

// findXMLHits returns the first limit rejected characters of body and
// counts the others in more.
func findXMLHits(body []byte, limit int) (hits []xmlHit, more int) {
	for i := 0; i < len(body); {
		b := body[i]
		if len(hits) == limit {
			// Past the limit only the count matters, so no phrase is built.
			size := countRejected(body[i:], &more)
			i += size
			continue
		}
		if b >= utf8.RuneSelf {
			size, rule, what := checkUTF8(body[i:])
			if rule != "" {
				hits = append(hits, xmlHit{i, i + size, rule, what})
			}
			i += size
			continue
		}
		if b == '&' {
			if end, r, ok := charRef(body[i:]); ok {
				if rule, what := classify(r); rule != "" {
					ref := string(body[i : i+end])
					if len(ref) > maxRefShown {
						// Leading zeros make a reference of any length.
						ref = ref[:maxRefShown-4] + "...;"
					}
					hits = append(hits, xmlHit{i, i + end, rule, what + " (as " + ref + ")"})
				}
				i += end
				continue
			}
		}
		if rule, what := classify(rune(b)); rule != "" {
			hits = append(hits, xmlHit{i, i + 1, rule, what})
		}
		i++
	}
	return hits, more
}

// countRejected adds one to *more when the character, or character
// reference, that p starts with is rejected, and returns its length.
func countRejected(p []byte, more *int) int {
	var (
		r    rune
		size = 1
	)
	switch {
	case p[0] >= utf8.RuneSelf:
		r, size = utf8.DecodeRune(p)
		if r == utf8.RuneError && size <= 1 {
			*more++
			return 1
		}
	case p[0] == '&':
		end, ref, ok := charRef(p)
		if !ok {
			return 1
		}
		r, size = ref, end
	default:
		r = rune(p[0])
	}
	if ruleOf(r) != "" {
		*more++
	}
	return size
}

// charRef parses the character reference that p starts with, such as
// "&#1;" or "&#xD800;", and returns its length and code point. XML
// allows any number of leading zeros, as in "&#x0000000085;", and Go's
// decoder reads such a reference, so its length is not bounded.
func charRef(p []byte) (size int, r rune, ok bool) {
	r, size, ok = canonical.CharacterReference(p)
	return size, r, ok
}

// skipHit is the pointer of a hit that is in no field.
const skipHit = "\x00skip"

// xmlElement is one element while the second pass reads the body.
type xmlElement struct {
	name    xml.Name
	ordinal int
	// children counts the element's child elements by name.
	children map[xml.Name]int
}

// xmlPointers returns the pointer of each hit, in order, or false when
// blank, the body with its hits blanked, does not read as XML.
func xmlPointers(blank []byte, hits []xmlHit) ([]string, bool) {
	dec := xml.NewDecoder(bytes.NewReader(blank))
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("only UTF-8 is read")
	}
	type placed struct {
		chain     []*xmlElement
		attribute string
		skip      bool
	}
	places := make([]placed, len(hits))
	var stack []*xmlElement
	next := 0
	for next < len(hits) {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		if el, ok := tok.(xml.StartElement); ok {
			e := &xmlElement{name: el.Name, children: map[xml.Name]int{}}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children[el.Name]++
				e.ordinal = parent.children[el.Name]
			}
			stack = append(stack, e)
		}
		end := int(dec.InputOffset())
		for ; next < len(hits) && hits[next].start < end; next++ {
			p := placed{chain: append([]*xmlElement(nil), stack...)}
			switch tok.(type) {
			case xml.StartElement:
				p.attribute = attributeAt(blank[start:end], hits[next].start-start)
			case xml.CharData:
			default:
				p.skip = true
			}
			places[next] = p
		}
		if _, ok := tok.(xml.EndElement); ok {
			stack = stack[:len(stack)-1]
		}
	}
	// Read to the end, so that each element's children are all counted
	// and an element's ordinal shows only when it has a sibling of its
	// name.
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if el, ok := tok.(xml.StartElement); ok {
			e := &xmlElement{name: el.Name, children: map[xml.Name]int{}}
			if len(stack) > 0 {
				stack[len(stack)-1].children[el.Name]++
			}
			stack = append(stack, e)
		}
		if _, ok := tok.(xml.EndElement); ok {
			stack = stack[:len(stack)-1]
		}
	}
	pointers := make([]string, len(hits))
	for i, p := range places {
		if p.skip {
			pointers[i] = skipHit
			continue
		}
		pointers[i] = elementPath(p.chain)
		if p.attribute != "" {
			pointers[i] += "/@" + p.attribute
		}
	}
	return pointers, true
}

// elementPath returns the path of the last element of chain, the
// elements from the root down to it.
func elementPath(chain []*xmlElement) string {
	var b strings.Builder
	for i, e := range chain {
		b.WriteByte('/')
		b.WriteString(e.name.Local)
		if i > 0 && chain[i-1].children[e.name] > 1 {
			fmt.Fprintf(&b, "[%d]", e.ordinal)
		}
	}
	return b.String()
}

// attributeAt returns the local name of the attribute whose value, in the
// start tag tag, contains the offset at, or "" for none.
func attributeAt(tag []byte, at int) string {
	i := bytes.IndexAny(tag, " \t\r\n")
	for i >= 0 && i < len(tag) {
		eq := bytes.IndexByte(tag[i:], '=')
		if eq < 0 {
			return ""
		}
		name := strings.TrimSpace(string(tag[i : i+eq]))
		i += eq + 1
		for i < len(tag) && tag[i] != '"' && tag[i] != '\'' {
			i++
		}
		if i >= len(tag) {
			return ""
		}
		closing := bytes.IndexByte(tag[i+1:], tag[i])
		if closing < 0 {
			return ""
		}
		valueEnd := i + 1 + closing
		if at > i && at < valueEnd {
			_, local, found := strings.Cut(name, ":")
			if !found {
				return name
			}
			return local
		}
		i = valueEnd + 1
	}
	return ""
}
