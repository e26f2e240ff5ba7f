package routes

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeProblems turns the error of decoding doc into problems. A YAML
// syntax error is one problem about the whole document, and its message
// gives the line: gopkg.in/yaml.v3 reports no column. Each type error
// is a problem at the value or key its line names.
func decodeProblems(doc []byte, err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		return Invalid(Problem{Pointer: "", Rule: RuleYAML, Message: "parsing routes: " + err.Error()})
	}
	// The syntax is valid, since the decoder got as far as the types.
	var root yaml.Node
	_ = yaml.Unmarshal(doc, &root)
	nodes := positions(&root)
	ps := make([]Problem, len(typeErr.Errors))
	for i, msg := range typeErr.Errors {
		ps[i] = locate(nodes, msg)
		ps[i].Message = "parsing routes: " + msg
	}
	return Invalid(ps...)
}

// positioned is a node of the document with its pointer.
type positioned struct {
	node    *yaml.Node
	pointer string
	// key is true for a mapping key, whose pointer is that of its value.
	key bool
}

// positions lists every node under root with its pointer, in document
// order.
func positions(root *yaml.Node) []positioned {
	var out []positioned
	var walk func(n *yaml.Node, tokens []string)
	walk = func(n *yaml.Node, tokens []string) {
		pointer := Pointer(tokens...)
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, tokens)
			}
			return
		case yaml.MappingNode:
			out = append(out, positioned{node: n, pointer: pointer})
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				inner := append(tokens[:len(tokens):len(tokens)], k.Value)
				out = append(out, positioned{node: k, pointer: Pointer(inner...), key: true})
				walk(v, inner)
			}
		case yaml.SequenceNode:
			out = append(out, positioned{node: n, pointer: pointer})
			for i, c := range n.Content {
				walk(c, append(tokens[:len(tokens):len(tokens)], strconv.Itoa(i)))
			}
		default:
			out = append(out, positioned{node: n, pointer: pointer})
		}
	}
	walk(root, nil)
	return out
}

var (
	// typeErrorLine matches a type error of gopkg.in/yaml.v3 or of
	// Duration.UnmarshalYAML.
	typeErrorLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	// unknownField matches the type error of a key that KnownFields
	// rejects.
	unknownField = regexp.MustCompile(`^field (.*) not found in type \S+$`)
	// cannotUnmarshal matches the type error of a value of another type,
	// with its tag and, for a scalar, its value, cut to 7 bytes and "..."
	// when longer than 10.
	cannotUnmarshal = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into ")
)

// locate returns a problem with the pointer and the rule of msg, one
// type error that gopkg.in/yaml.v3 found in the document whose nodes
// are nodes. The error gives the line only, so locate takes the node on
// that line that fits the error best. Without one, the pointer is "".
func locate(nodes []positioned, msg string) Problem {
	m := typeErrorLine.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Rule: RuleType}
	}
	line, _ := strconv.Atoi(m[1])
	if f := unknownField.FindStringSubmatch(m[2]); f != nil {
		for _, p := range nodes {
			if p.key && p.node.Line == line && p.node.Value == f[1] {
				return Problem{Pointer: p.pointer, Rule: RuleUnknownField}
			}
		}
		return Problem{Rule: RuleUnknownField}
	}
	var onLine []positioned
	for _, p := range nodes {
		if !p.key && p.node.Line == line {
			onLine = append(onLine, p)
		}
	}
	if len(onLine) == 0 {
		return Problem{Rule: RuleType}
	}
	best := onLine[0]
	if c := cannotUnmarshal.FindStringSubmatch(m[2]); c != nil {
		for _, p := range onLine {
			if fitsTypeError(p.node, c[1], c[2]) {
				best = p
				break
			}
		}
	} else {
		// Duration.UnmarshalYAML's error, about a scalar.
		for _, p := range onLine {
			if p.node.Kind == yaml.ScalarNode {
				best = p
				break
			}
		}
	}
	return Problem{Pointer: best.pointer, Rule: RuleType}
}

// fitsTypeError reports whether n may be the node of a "cannot
// unmarshal" error with tag and, for a scalar, value as the error shows
// it.
func fitsTypeError(n *yaml.Node, tag, value string) bool {
	switch tag {
	case "!!map":
		return n.Kind == yaml.MappingNode
	case "!!seq":
		return n.Kind == yaml.SequenceNode
	}
	if n.Kind != yaml.ScalarNode {
		return false
	}
	if cut, ok := strings.CutSuffix(value, "..."); ok {
		return strings.HasPrefix(n.Value, cut)
	}
	return n.Value == value
}
