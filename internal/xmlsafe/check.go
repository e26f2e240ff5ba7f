package xmlsafe

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// checkDocument enforces what the token reader lets through: one root
// element, no text outside it, no markup declaration anywhere, and a
// declaration for every namespace prefix in use.
func checkDocument(doc *etree.Document) error {
	roots := 0
	for _, tok := range doc.Child {
		switch t := tok.(type) {
		case *etree.Element:
			roots++
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return fmt.Errorf("%w: text outside the root element", ErrNotWellFormed)
			}
		case *etree.Directive:
			return fmt.Errorf("%w: found <!%s>", ErrDoctype, firstWord(t.Data))
		}
	}
	if roots != 1 {
		return fmt.Errorf("%w: %d root elements, want 1", ErrNotWellFormed, roots)
	}
	return checkElement(doc.Root())
}

func checkElement(e *etree.Element) error {
	if e.Space != "" && e.NamespaceURI() == "" {
		return fmt.Errorf("%w: namespace prefix %q of element <%s> is not declared",
			ErrNotWellFormed, e.Space, e.FullTag())
	}
	for i := range e.Attr {
		a := &e.Attr[i]
		if a.Space == "" || a.Space == "xmlns" || a.Space == "xml" {
			continue
		}
		if a.NamespaceURI() == "" {
			return fmt.Errorf("%w: namespace prefix %q of attribute %s on <%s> is not declared",
				ErrNotWellFormed, a.Space, a.FullKey(), e.FullTag())
		}
	}
	text, elements := false, false
	for _, tok := range e.Child {
		switch t := tok.(type) {
		case *etree.Element:
			if err := checkElement(t); err != nil {
				return err
			}
			elements = true
		case *etree.CharData:
			text = text || strings.TrimSpace(t.Data) != ""
		case *etree.ProcInst:
			return fmt.Errorf("%w: found <?%s?> inside <%s>", ErrInstruction, t.Target, e.FullTag())
		case *etree.Directive:
			return fmt.Errorf("%w: found <!%s> inside <%s>", ErrDoctype, firstWord(t.Data), e.FullTag())
		}
	}
	if text && elements {
		return fmt.Errorf("%w: <%s> has text beside its child elements", ErrMixedContent, e.FullTag())
	}
	return nil
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	if len(w) > 20 {
		w = w[:20]
	}
	return w
}
