package jurisdiction

import (
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// yamlShape describes a Go type of the table's YAML form to a reader of
// the file: the key whose value has that type, and what the value
// should be.
type yamlShape struct {
	field, want string
}

// yamlShapes maps the Go types that gopkg.in/yaml.v3 names in its type
// errors to their shapes.
var yamlShapes = map[string]yamlShape{
	"jurisdiction.document":       {"the table", "a mapping with district_offices and stations"},
	"[]jurisdiction.Office":       {"district_offices", "a list of district offices"},
	"jurisdiction.Office":         {"a district office", "a mapping with code and name"},
	"[]jurisdiction.stationEntry": {"stations", "a list of stations"},
	"jurisdiction.stationEntry": {"a station",
		"a mapping with code, name, district_office, pins and localities"},
	"[]string": {"pins", `a list of PIN codes, such as ["682017", "682018"]`},
	"[]jurisdiction.localityEntry": {"localities",
		`a list of PIN and locality pairs, such as [{pin: "682017", locality: Kaloor}]`},
	"jurisdiction.localityEntry": {"a locality", "a mapping with pin and locality"},
	"string":                     {"a value", "a single text, such as a code, a name or a PIN"},
}

var (
	// typeErrorLine matches one type error of gopkg.in/yaml.v3.
	typeErrorLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	// unknownField matches the type error of a key that KnownFields
	// rejects.
	unknownField = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	// cannotUnmarshal matches the type error of a value of another kind,
	// with its tag and, for a scalar, its value as gopkg.in/yaml.v3
	// quotes it.
	cannotUnmarshal = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
)

// typeProblems returns the type errors of gopkg.in/yaml.v3, which name
// Go types, as problems that name the key and the value it takes, each
// at its line. unread lists the lines of the values that the decoder
// left unset, such as a text for a list or a mapping with a key given
// twice, and so leave their station or office incomplete. An unknown
// key leaves nothing unset.
func typeProblems(err *yaml.TypeError) (problems []problem, unread []int) {
	for _, msg := range err.Errors {
		p, unset := plainTypeError(msg)
		problems = append(problems, p)
		if unset {
			unread = append(unread, p.line)
		}
	}
	return problems, unread
}

// plainTypeError rewords msg, one type error, and reports whether it is
// one of a value left unset: any but an unknown key. A message in
// another form is kept whole, at line 0.
func plainTypeError(msg string) (p problem, unset bool) {
	m := typeErrorLine.FindStringSubmatch(msg)
	if m == nil {
		return problem{text: msg}, true
	}
	line, _ := strconv.Atoi(m[1])
	text := m[2]
	if f := unknownField.FindStringSubmatch(text); f != nil {
		if shape, ok := yamlShapes[f[2]]; ok {
			return problem{line, fmt.Sprintf("unknown field %q in %s, which is %s",
				f[1], shape.field, shape.want)}, false
		}
		return problem{line, fmt.Sprintf("unknown field %q", f[1])}, false
	}
	if c := cannotUnmarshal.FindStringSubmatch(text); c != nil {
		if shape, ok := yamlShapes[c[3]]; ok {
			text = fmt.Sprintf("%s: want %s, not %s", shape.field, shape.want, yamlKind(c[1], c[2]))
		}
	}
	return problem{line, text}, true
}

// yamlKind names the kind of value that a YAML tag such as !!seq marks,
// with the scalar's value when the error quotes one.
func yamlKind(tag, value string) string {
	kind := "a value of tag " + tag
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!str":
		kind = "the text"
	case "!!int", "!!float":
		kind = "the number"
	case "!!bool":
		kind = "the boolean"
	}
	if value == "" {
		return kind
	}
	return kind + " " + value
}

// lineOf returns the line of the value at path in the document root, in
// which each element of path is a mapping key (a string) or a list index
// (an int). When the path leaves the document, as at a key that a
// mapping lacks, it returns the line of the last node that it reached.
func lineOf(root *yaml.Node, path ...any) int {
	n := top(root)
	for _, step := range path {
		next := child(n, step)
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}

// keyLine returns the line of key in the table's top mapping, or of the
// table when it lacks the key.
func keyLine(root *yaml.Node, key string) int {
	n := top(root)
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	return n.Line
}

// lastLine returns the last line of the value n, where its last
// descendant is.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// top returns the root value of the document node root.
func top(root *yaml.Node) *yaml.Node {
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		return root.Content[0]
	}
	return root
}

// child returns the value of key step in the mapping n, or item step of
// the list n, or nil when n has none.
func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}
