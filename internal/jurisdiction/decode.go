package jurisdiction

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// decode parses doc into its YAML form, and returns a checker with the
// node tree, which gives the line of each value, and the type errors
// and unknown keys as its first problems. Another error, such as a
// syntax error, stops it.
func decode(doc []byte) (document, *checker, error) {
	var d document
	if err := checkUTF8(doc); err != nil {
		return d, nil, err
	}

	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	err := dec.Decode(&d)
	if errors.Is(err, io.EOF) {
		return d, nil, errEmpty
	}
	var typeErr *yaml.TypeError
	if err != nil && !errors.As(err, &typeErr) {
		return d, nil, fmt.Errorf("invalid jurisdiction table:\n%s", indent(err.Error()))
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		// What follows the first document would be ignored, stations
		// included.
		return d, nil, errors.New("invalid jurisdiction table: the file contains more than one " +
			"YAML document; remove the --- or ... line and what follows it")
	}

	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return d, nil, fmt.Errorf("invalid jurisdiction table: %w", err)
	}
	if len(root.Content) == 0 || top(&root).Tag == "!!null" {
		// A document of a --- line alone, or of null.
		return d, nil, errEmpty
	}
	c := &checker{root: &root}
	if typeErr == nil {
		return d, c, nil
	}
	return d, c, c.addTypeErrors(typeErr, d)
}

// addTypeErrors records the type errors of d's decoding as problems,
// and which parts of d they leave incomplete. It returns the error of
// a table that is not a mapping, which has no part to check.
func (c *checker) addTypeErrors(typeErr *yaml.TypeError, d document) error {
	c.problems, c.unread = typeProblems(typeErr)
	if top(c.root).Kind != yaml.MappingNode {
		return c.err()
	}
	c.shifted = map[string]bool{
		"district_offices": shifted(c.root, "district_offices", len(d.DistrictOffices)),
		"stations":         shifted(c.root, "stations", len(d.Stations)),
	}
	return nil
}

// shifted reports whether the list under key in the table has other
// than decoded items, because the decoder left out one it could not
// decode, such as a text in place of a station.
func shifted(root *yaml.Node, key string, decoded int) bool {
	n := child(top(root), key)
	return n != nil && n.Kind == yaml.SequenceNode && len(n.Content) != decoded
}

var errEmpty = errors.New("invalid jurisdiction table: the document is empty; " +
	"want district_offices and stations")

// checkUTF8 returns an error that names the line and column of the
// first byte of doc that is not UTF-8, as in a file saved in Latin-1. A
// file that starts with a UTF-16 byte order mark passes, because the
// YAML decoder reads UTF-16 too.
func checkUTF8(doc []byte) error {
	if utf8.Valid(doc) || bytes.HasPrefix(doc, []byte{0xFF, 0xFE}) ||
		bytes.HasPrefix(doc, []byte{0xFE, 0xFF}) {
		return nil
	}
	at := 0
	for at < len(doc) {
		r, size := utf8.DecodeRune(doc[at:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		at += size
	}
	start := bytes.LastIndexByte(doc[:at], '\n') + 1
	line := bytes.Count(doc[:at], []byte{'\n'}) + 1
	column := utf8.RuneCount(doc[start:at]) + 1
	return fmt.Errorf("invalid jurisdiction table:\n  line %d: invalid UTF-8: byte 0x%02X at "+
		"column %d is not UTF-8, as in a file saved in Latin-1 or Windows-1252; save the file "+
		"as UTF-8", line, doc[at], column)
}
