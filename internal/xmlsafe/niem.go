package xmlsafe

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// NIEM structures namespaces whose id and ref attributes Refs follows.
const (
	NIEM2Structures = "http://niem.gov/niem/structures/2.0"
	NIEM3Structures = "http://release.niem.gov/niem/structures/3.0/"
	NIEM4Structures = "http://release.niem.gov/niem/structures/4.0/"
	NIEM5Structures = "http://release.niem.gov/niem/structures/5.0/"
)

// StructuresNamespaces lists the NIEM structures namespaces, oldest first.
var StructuresNamespaces = []string{
	NIEM2Structures, NIEM3Structures, NIEM4Structures, NIEM5Structures,
}

// Errors that Refs wraps.
var (
	// ErrDuplicateID marks two elements with the same structures:id.
	ErrDuplicateID = errors.New("duplicate NIEM structures:id")
	// ErrUnresolvedRef marks a structures:ref that matches no
	// structures:id in the document.
	ErrUnresolvedRef = errors.New("NIEM structures:ref matches no structures:id")
	// ErrRefWithContent marks an element that has a structures:ref and
	// content of its own, which NIEM forbids: one of the two would be
	// read and the other dropped without a word.
	ErrRefWithContent = errors.New("NIEM element with a structures:ref has content of its own")
)

// IsStructures reports whether space is one of StructuresNamespaces.
func IsStructures(space string) bool {
	return slices.Contains(StructuresNamespaces, space)
}

// ID returns the structures:id attribute of e under any NIEM structures
// namespace, or "".
func ID(e *etree.Element) string {
	return structuresAttr(e, "id")
}

// Ref returns the structures:ref attribute of e under any NIEM
// structures namespace, or "".
func Ref(e *etree.Element) string {
	return structuresAttr(e, "ref")
}

func structuresAttr(e *etree.Element, key string) string {
	if e == nil {
		return ""
	}
	for i := range e.Attr {
		a := &e.Attr[i]
		if a.Key == key && a.Space != "" && IsStructures(a.NamespaceURI()) {
			return a.Value
		}
	}
	return ""
}

// Refs indexes the structures:id attributes of one document so that
// references resolve in either direction: a ref may name an element that
// comes before or after it. A Refs is safe for concurrent reads.
type Refs struct {
	byID map[string]*etree.Element
}

// IndexIDs indexes every element under root, root included, that carries
// a structures:id. Two elements with one id return an error wrapping
// ErrDuplicateID that gives the element path of each.
func IndexIDs(root *etree.Element) (*Refs, error) {
	r := &Refs{byID: map[string]*etree.Element{}}
	var err error
	var walk func(*etree.Element)
	walk = func(e *etree.Element) {
		if id := ID(e); id != "" && err == nil {
			if first, dup := r.byID[id]; dup {
				err = fmt.Errorf("%w: %q on %s and %s: give each element its own id", ErrDuplicateID,
					id, Pointer(first), Pointer(e))
			}
			r.byID[id] = e
		}
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	if root != nil {
		walk(root)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Lookup returns the element whose structures:id is id, or nil.
func (r *Refs) Lookup(id string) *etree.Element {
	return r.byID[id]
}

// Follow returns the element that e stands for: the target of its
// structures:ref when it has one, or e itself when its content is inline.
// A ref that matches no id returns an error wrapping ErrUnresolvedRef,
// and an element with a ref and child elements or text an error wrapping
// ErrRefWithContent.
func (r *Refs) Follow(e *etree.Element) (*etree.Element, error) {
	ref := Ref(e)
	if ref == "" {
		return e, nil
	}
	if hasContent(e) {
		return nil, fmt.Errorf("%w: %q on <%s>: remove the content or the reference",
			ErrRefWithContent, ref, e.FullTag())
	}
	target := r.byID[ref]
	if target == nil {
		return nil, fmt.Errorf("%w: %q on <%s>", ErrUnresolvedRef, ref, e.FullTag())
	}
	return target, nil
}

// hasContent reports whether e has a child element or text other than
// XML white space (space, tab, carriage return, line feed), before or
// after any of e's comments and processing instructions.
func hasContent(e *etree.Element) bool {
	for _, tok := range e.Child {
		switch t := tok.(type) {
		case *etree.Element:
			return true
		case *etree.CharData:
			if strings.Trim(t.Data, " \t\r\n") != "" {
				return true
			}
		}
	}
	return false
}
