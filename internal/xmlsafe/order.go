package xmlsafe

import (
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/schemas"
)

// SortInDocumentOrder sorts vs, whose pointers are element paths under
// root as Pointer writes them, in the order their elements start in the
// document. A path to an element that the document lacks, such as a
// missing required child, sorts at the end of its nearest present
// ancestor's content. An empty pointer sorts first, and a path outside
// root last. Violations at the same place keep their order.
func SortInDocumentOrder(root *etree.Element, vs []schemas.Violation) {
	if len(vs) < 2 || root == nil {
		return
	}
	positions := map[string]elementSpan{}
	counter := 0
	indexSpans(root, "/"+root.Tag, positions, &counter)

	slices.SortStableFunc(vs, func(a, b schemas.Violation) int {
		return documentPosition(positions, a.Pointer, counter) -
			documentPosition(positions, b.Pointer, counter)
	})
}

// elementSpan holds the positions of an element's start and end tags in a
// preorder count of all start and end tags.
type elementSpan struct{ start, end int }

// indexSpans records the span of e, at path, and of its descendants,
// with each child's path as Pointer writes it.
func indexSpans(e *etree.Element, path string, spans map[string]elementSpan, counter *int) {
	start := *counter
	*counter++

	children := e.ChildElements()
	same := map[Name]int{}
	for _, c := range children {
		same[NameOf(c)]++
	}
	seen := map[Name]int{}
	for _, c := range children {
		n := NameOf(c)
		seen[n]++
		step := c.Tag
		if same[n] > 1 {
			step = fmt.Sprintf("%s[%d]", c.Tag, seen[n])
		}
		indexSpans(c, path+"/"+step, spans, counter)
	}

	spans[path] = elementSpan{start: start, end: *counter}
	*counter++
}

// documentPosition returns where pointer sorts among the spans, with last
// as the position of a path outside the document.
func documentPosition(spans map[string]elementSpan, pointer string, last int) int {
	if pointer == "" {
		return -1
	}
	if span, ok := spans[pointer]; ok {
		return span.start
	}
	for p := pointer; ; {
		i := strings.LastIndex(p, "/")
		if i <= 0 {
			return last
		}
		p = p[:i]
		if span, ok := spans[p]; ok {
			return span.end
		}
	}
}
