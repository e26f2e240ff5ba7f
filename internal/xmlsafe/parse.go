// Package xmlsafe parses untrusted XML into an etree document and helps
// read it by namespace, not by prefix.
//
// Parse rejects every document type declaration, so no DTD is read and no
// internal or external entity is ever expanded. It also caps the input
// size, the element depth, the number of nodes and the attributes of one
// element, and requires UTF-8, a single root element and a declaration
// for every namespace prefix. The finders (Child, Children, Path,
// Descendants) match elements by namespace URI and local name, Text
// trims the padding that real documents carry, and Refs
// resolves NIEM structures:ref attributes to the element with the matching
// structures:id.
package xmlsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// Default limits used when a Limits field is zero or negative.
const (
	// DefaultMaxBytes is the largest accepted input, in bytes.
	DefaultMaxBytes = 8 << 20
	// DefaultMaxDepth is the deepest accepted element nesting. The root
	// element is at depth 1.
	DefaultMaxDepth = 256
	// DefaultMaxNodes is the largest accepted number of nodes: elements,
	// attributes, text runs, comments and processing instructions. The
	// tree that etree builds keeps about 150 bytes per empty element, so
	// DefaultMaxBytes of <a/> would keep about 300 MB. The real samples
	// that the tests read have fewer than 2,000 nodes each.
	DefaultMaxNodes = 100_000
	// DefaultMaxAttributes is the most attributes, namespace
	// declarations included, that one element may have. The decoder
	// builds a start tag's whole attribute list before any count can
	// see it (a test measured 114 MB for a tag of 200,000), so this
	// bounds what one tag costs. The XML files in this repository have
	// at most six attributes on an element.
	DefaultMaxAttributes = 1_000
)

// Errors that Parse wraps. The message of each returned error adds what
// was found and where.
var (
	// ErrTooLarge marks input longer than Limits.MaxBytes.
	ErrTooLarge = errors.New("xml input too large")
	// ErrDoctype marks a document type declaration or other markup
	// declaration (<!DOCTYPE ...>, <!ENTITY ...>).
	ErrDoctype = errors.New("xml document type declarations are not accepted")
	// ErrTooDeep marks element nesting deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("xml elements nested too deeply")
	// ErrTooManyNodes marks input with more nodes than Limits.MaxNodes.
	ErrTooManyNodes = errors.New("xml input has too many nodes")
	// ErrEncoding marks input that is not UTF-8 or declares another
	// encoding.
	ErrEncoding = errors.New("xml input is not UTF-8")
	// ErrNotWellFormed marks input that is not one well-formed XML
	// document with namespaces.
	ErrNotWellFormed = errors.New("xml input is not well-formed")
	// ErrNotXML marks input whose first character after white space is
	// not '<', such as a JSON body. An error matching it matches
	// ErrNotWellFormed too.
	ErrNotXML = errors.New("the body is not XML")
	// ErrInstruction marks a processing instruction inside the root
	// element. The documents the hub reads have none there, and one
	// inside a text would split it, so that part of the text would be
	// read and the rest dropped.
	ErrInstruction = errors.New("xml processing instructions are not accepted inside elements")
	// ErrMixedContent marks an element with both text and child
	// elements. The documents the hub reads give an element one or the
	// other, and the text after a child would be dropped.
	ErrMixedContent = errors.New("xml elements with both text and child elements are not accepted")
)

// Limits bounds what Parse accepts. The zero value uses the defaults.
type Limits struct {
	// MaxBytes is the largest accepted input in bytes. Default
	// DefaultMaxBytes.
	MaxBytes int
	// MaxDepth is the deepest accepted element nesting. Default
	// DefaultMaxDepth.
	MaxDepth int
	// MaxNodes is the largest accepted number of nodes. Default
	// DefaultMaxNodes.
	MaxNodes int
	// MaxAttributes is the most attributes one element may have.
	// Default DefaultMaxAttributes.
	MaxAttributes int
}

func (l Limits) maxBytes() int {
	if l.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return l.MaxBytes
}

func (l Limits) maxDepth() int {
	if l.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return l.MaxDepth
}

func (l Limits) maxAttributes() int {
	if l.MaxAttributes <= 0 {
		return DefaultMaxAttributes
	}
	return l.MaxAttributes
}

func (l Limits) maxNodes() int {
	if l.MaxNodes <= 0 {
		return DefaultMaxNodes
	}
	return l.MaxNodes
}

// utf8BOM is the byte order mark some producers write before the XML
// declaration.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse parses data as one XML document within lim. It returns an error
// wrapping ErrTooLarge, ErrDoctype, ErrTooDeep, ErrTooManyNodes,
// ErrEncoding, ErrNotXML, ErrNotWellFormed, ErrInstruction or
// ErrMixedContent when the input breaks a rule. Parse never reads
// anything but data.
func Parse(data []byte, lim Limits) (*etree.Document, error) {
	if err := CheckLimits(data, lim); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrEncoding, invalidUTF8At(data))
	}
	if err := checkStart(data); err != nil {
		return nil, err
	}
	if err := checkProlog(data); err != nil {
		return nil, err
	}

	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{
		CharsetReader: rejectCharset,
		MaxDepth:      lim.maxDepth(),
	}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, readError(err, lim)
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// notXMLError is the error of input that starts with First, after white
// space, where an XML document starts with '<'.
type notXMLError struct{ First rune }

func (e *notXMLError) Error() string {
	return fmt.Sprintf("%v: it starts with %q where an XML document starts with '<'",
		ErrNotXML, e.First)
}

// Is reports whether target is ErrNotXML or ErrNotWellFormed.
func (e *notXMLError) Is(target error) bool {
	return target == ErrNotXML || target == ErrNotWellFormed
}

// checkStart returns a *notXMLError unless data, after white space, is
// empty or starts with '<'. The first character of a JSON body, '{' or
// '[', would otherwise be reported as a missing root element.
func checkStart(data []byte) error {
	rest := bytes.TrimLeft(data, " \t\r\n")
	if len(rest) == 0 || rest[0] == '<' {
		return nil
	}
	first, _ := utf8.DecodeRune(rest)
	return &notXMLError{First: first}
}

// checkProlog reads the tokens before the root element and rejects any
// markup declaration among them, before the parser could meet an entity
// reference that the declaration defines.
func checkProlog(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = rejectCharset
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return fmt.Errorf("%w: no root element", ErrNotWellFormed)
		}
		if err != nil {
			return readError(err, Limits{})
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return nil
		case xml.Directive:
			return fmt.Errorf("%w: found <!%s>", ErrDoctype, firstWord(string(t)))
		}
	}
}

// CheckLimits returns an error wrapping ErrTooLarge, ErrTooManyNodes or
// ErrTooDeep when data breaks lim, as Parse would. It keeps nothing of
// what it reads, so a reader that must walk an untrusted document before
// Parse does can first learn that the walk stays within lim. It leaves
// syntax errors to the parser.
func CheckLimits(data []byte, lim Limits) error {
	if len(data) > lim.maxBytes() {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.maxBytes())
	}
	if err := checkAttributeCount(data, lim.maxAttributes()); err != nil {
		return err
	}
	return checkNodeCount(data, lim.maxNodes(), lim.maxDepth())
}

// checkNodeCount returns an error wrapping ErrTooManyNodes when data has
// more than limit nodes, or ErrTooDeep when its elements nest deeper
// than depth. It reads the tokens without keeping them, so a document
// that etree would expand to hundreds of megabytes is rejected before
// the tree is built. It leaves syntax errors to etree, which reports
// them with the same decoder's messages.
func checkNodeCount(data []byte, limit, depth int) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = rejectCharset
	nodes, open := 0, 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return nil
		}
		nodes++
		if start, ok := tok.(xml.StartElement); ok {
			nodes += len(start.Attr)
			if open++; open > depth {
				return fmt.Errorf("%w: deeper than %d levels", ErrTooDeep, depth)
			}
		}
		if _, end := tok.(xml.EndElement); end {
			nodes--
			open--
		}
		if nodes > limit {
			return fmt.Errorf("%w: more than %d elements, attributes, text runs, comments "+
				"and processing instructions, at byte %d", ErrTooManyNodes, limit, dec.InputOffset())
		}
	}
}

// checkAttributeCount returns an error wrapping ErrTooManyNodes when a
// start tag in data has more than limit attributes. It scans the bytes
// without decoding them, because the decoder allocates a tag's
// attributes before it returns the tag. It counts the equals signs
// outside quotes in each tag and skips comments, CDATA sections,
// processing instructions, declarations and end tags. Syntax errors are
// left to the decoder.
func checkAttributeCount(data []byte, limit int) error {
	for i := 0; i < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		rest := data[i:]
		var skip []byte
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			skip = []byte("-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			skip = []byte("]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			skip = []byte("?>")
		case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("</")):
			skip = []byte(">")
		}
		if skip != nil {
			end := bytes.Index(rest, skip)
			if end < 0 {
				return nil
			}
			i += end + len(skip) - 1
			continue
		}
		end, attributes := scanStartTag(rest)
		if attributes > limit {
			return fmt.Errorf("%w: the element at byte %d has more than %d attributes",
				ErrTooManyNodes, i, limit)
		}
		if end < 0 {
			return nil
		}
		i += end
	}
	return nil
}

// scanStartTag returns the offset of the '>' that ends the start tag at
// the beginning of tag, or -1 for none, and the number of equals signs
// outside quoted values before it.
func scanStartTag(tag []byte) (end, attributes int) {
	var quote byte
	for j := 1; j < len(tag); j++ {
		c := tag[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			attributes++
		case c == '>':
			return j, attributes
		}
	}
	return -1, attributes
}

// rejectCharset is the decoder's CharsetReader. The decoder calls it only
// for a declared encoding other than UTF-8.
func rejectCharset(label string, _ io.Reader) (io.Reader, error) {
	return nil, fmt.Errorf("%w: declared encoding %q", ErrEncoding, label)
}

func readError(err error, lim Limits) error {
	switch {
	case errors.Is(err, etree.ErrMaxDepth):
		return fmt.Errorf("%w: deeper than %d levels", ErrTooDeep, lim.maxDepth())
	case errors.Is(err, ErrEncoding):
		return err
	}
	return fmt.Errorf("%w: %w", ErrNotWellFormed, err)
}
