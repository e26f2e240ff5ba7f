package xmlsafe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// Name is an expanded XML name: a namespace URI and a local name. The
// prefix a document happens to use plays no part in it.
type Name struct {
	Space string
	Local string
}

// String returns the name in Clark notation, "{namespace}local".
func (n Name) String() string {
	if n.Space == "" {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// NameOf returns the expanded name of e.
func NameOf(e *etree.Element) Name {
	return Name{Space: e.NamespaceURI(), Local: e.Tag}
}

// Is reports whether e is non-nil and has the expanded name n.
func Is(e *etree.Element, n Name) bool {
	return e != nil && e.Tag == n.Local && e.NamespaceURI() == n.Space
}

// Children returns the child elements of e named n, in document order.
// It returns nil when e is nil.
func Children(e *etree.Element, n Name) []*etree.Element {
	if e == nil {
		return nil
	}
	var out []*etree.Element
	for _, c := range e.ChildElements() {
		if Is(c, n) {
			out = append(out, c)
		}
	}
	return out
}

// Child returns the first child element of e named n, or nil.
func Child(e *etree.Element, n Name) *etree.Element {
	if e == nil {
		return nil
	}
	for _, c := range e.ChildElements() {
		if Is(c, n) {
			return c
		}
	}
	return nil
}

// Path follows names from e one level at a time, taking the first match
// at each step, and returns the element reached or nil.
func Path(e *etree.Element, names ...Name) *etree.Element {
	for _, n := range names {
		e = Child(e, n)
		if e == nil {
			return nil
		}
	}
	return e
}

// Descendants returns every element below e named n, in document order.
func Descendants(e *etree.Element, n Name) []*etree.Element {
	var out []*etree.Element
	var walk func(*etree.Element)
	walk = func(p *etree.Element) {
		for _, c := range p.ChildElements() {
			if Is(c, n) {
				out = append(out, c)
			}
			walk(c)
		}
	}
	if e != nil {
		walk(e)
	}
	return out
}

// Text returns the character data directly inside e, before its first
// child element, with leading and trailing white space removed. Comments
// are skipped. It returns "" when e is nil.
func Text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text())
}

// PathText returns Text of Path(e, names...).
func PathText(e *etree.Element, names ...Name) string {
	return Text(Path(e, names...))
}

// AttrValue returns the value of e's attribute named n, matched by
// namespace URI, and whether it is present. An unprefixed attribute has
// no namespace.
func AttrValue(e *etree.Element, n Name) (string, bool) {
	if e == nil {
		return "", false
	}
	for i := range e.Attr {
		a := &e.Attr[i]
		if a.Key == n.Local && a.Space != "xmlns" && a.NamespaceURI() == n.Space {
			return a.Value, true
		}
	}
	return "", false
}

// Pointer returns the location of e as a path of local names from the
// root, such as "/CoreFilingMessage/CriminalCase/CaseCharge[2]". An index
// (from 1) follows a name only when e has same-named siblings. Adapters
// use it as the Pointer of a validation error.
func Pointer(e *etree.Element) string {
	if e == nil {
		return ""
	}
	var parts []string
	for ; e != nil && e.Parent() != nil; e = e.Parent() {
		parts = append(parts, step(e))
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}

func step(e *etree.Element) string {
	parent := e.Parent()
	if parent.Parent() == nil {
		return e.Tag
	}
	n := NameOf(e)
	same := Children(parent, n)
	if len(same) < 2 {
		return e.Tag
	}
	return fmt.Sprintf("%s[%d]", e.Tag, slices.Index(same, e)+1)
}
