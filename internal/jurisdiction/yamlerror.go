package jurisdiction

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

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

// plainYAMLError returns err with the type errors of gopkg.in/yaml.v3,
// which name Go types, reworded to name the key and the value it takes.
// Each keeps its line. Other errors, such as syntax errors, which name
// their line themselves, are returned as they are.
func plainYAMLError(err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	lines := make([]string, len(typeErr.Errors))
	for i, msg := range typeErr.Errors {
		lines[i] = plainTypeError(msg)
	}
	return errors.New(strings.Join(lines, "\n"))
}

func plainTypeError(msg string) string {
	m := typeErrorLine.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, text := m[1], m[2]
	if f := unknownField.FindStringSubmatch(text); f != nil {
		if shape, ok := yamlShapes[f[2]]; ok {
			return fmt.Sprintf("line %s: unknown field %q in %s, which is %s",
				line, f[1], shape.field, shape.want)
		}
		return fmt.Sprintf("line %s: unknown field %q", line, f[1])
	}
	if c := cannotUnmarshal.FindStringSubmatch(text); c != nil {
		if shape, ok := yamlShapes[c[3]]; ok {
			return fmt.Sprintf("line %s: %s: want %s, not %s", line, shape.field, shape.want,
				yamlKind(c[1], c[2]))
		}
	}
	return msg
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
