package routes

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/internal/policy"
)

// typeProblemsOf returns a problem for each of typeErr's errors, at the
// value or key of doc that its line names. c is what doc decoded into,
// and complete reports whether it has every list item of doc. The
// decoder leaves out an item that it cannot decode, which shifts the
// indexes of the items after it, so without them the pointers of c's
// other problems would be wrong.
func typeProblemsOf(doc []byte, c Config, typeErr *yaml.TypeError) (ps []Problem, complete bool) {
	// The syntax is valid, since the decoder got as far as the types.
	var root yaml.Node
	_ = yaml.Unmarshal(doc, &root)
	nodes := positions(&root)
	ps = make([]Problem, len(typeErr.Errors))
	for i, msg := range typeErr.Errors {
		var n *yaml.Node
		ps[i], n = locate(nodes, msg)
		ps[i].Message = "parsing routes: " + plainTypeError(msg, ps[i].Pointer, n)
	}
	return ps, sameLists(nodes, c, ps)
}

// sameLists reports whether each list of the document, whose nodes are
// nodes, has as many items in c, apart from the lists at or under the
// pointer of one of ps, whose values did not decode.
func sameLists(nodes []positioned, c Config, ps []Problem) bool {
	var decoded yaml.Node
	if b, err := yaml.Marshal(c); err != nil || yaml.Unmarshal(b, &decoded) != nil {
		return false
	}
	lengths := map[string]int{}
	for _, p := range positions(&decoded) {
		if !p.key && p.node.Kind == yaml.SequenceNode {
			lengths[p.pointer] = len(p.node.Content)
		}
	}
	for _, n := range nodes {
		if n.key || n.node.Kind != yaml.SequenceNode || covered(n.pointer, ps) {
			continue
		}
		if lengths[n.pointer] != len(n.node.Content) {
			return false
		}
	}
	return true
}

// covered reports whether pointer is the pointer of one of ps or inside
// its value.
func covered(pointer string, ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool {
		return pointer == p.Pointer || strings.HasPrefix(pointer, p.Pointer+"/")
	})
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
	// rejects, with the Go type of the mapping.
	unknownField = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	// duplicateKey matches the type errors of a key that its mapping
	// repeats: a map's key, in Go syntax, or a struct's field.
	duplicateKey = regexp.MustCompile(`^(?:mapping key (".*") already defined at line \d+|` +
		`field (.*) already set in type \S+)$`)
	// cannotUnmarshal matches the type error of a value of another type,
	// with its tag, for a scalar its value, cut to 7 bytes and "..." when
	// longer than 10, and the Go type.
	cannotUnmarshal = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
)

// plainTypeError rewords msg, an error of gopkg.in/yaml.v3 that names Go
// types, which a reader of the routes document does not know, such as
// "field x not found in type routes.Destination". pointer and n are the
// value's pointer and node, as locate found them, or "" and nil.
func plainTypeError(msg, pointer string, n *yaml.Node) string {
	m := typeErrorLine.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	if f := unknownField.FindStringSubmatch(m[2]); f != nil {
		if known := nearestField(f[1], f[2]); known != "" {
			return fmt.Sprintf("line %s: unknown field %q: did you mean %q?", m[1], f[1], known)
		}
		return fmt.Sprintf("line %s: unknown field %q", m[1], f[1])
	}
	if f := duplicateKey.FindStringSubmatch(m[2]); f != nil && f[2] != "" {
		return fmt.Sprintf("line %s: field %q appears twice", m[1], f[2])
	}
	f := cannotUnmarshal.FindStringSubmatch(m[2])
	if f == nil {
		return msg
	}
	if f[3] == "routes.Config" {
		return fmt.Sprintf("line %s: the routes document must be a mapping with agencies, "+
			"destinations and routes, not %s", m[1], yamlKind(f[1]))
	}
	want, ok := expectedKind(f[3])
	if !ok {
		return msg
	}
	got := yamlKind(f[1])
	switch {
	case n != nil && n.Kind == yaml.ScalarNode && fitsTypeError(n, f[1], f[2]):
		got = fmt.Sprintf("%s %q", got, n.Value)
	case f[2] != "":
		// The error cuts a value longer than 10 bytes to 7 and "...".
		got = fmt.Sprintf("%s %q", got, f[2])
	}
	return fmt.Sprintf("line %s: %s: want %s, not %s", m[1], fieldName(pointer), want, got)
}

// fieldName names the value at pointer for a message: its key, or the
// item of its list, such as "to item 1".
func fieldName(pointer string) string {
	if pointer == "" {
		return "value"
	}
	tokens := strings.Split(pointer[1:], "/")
	last := tokens[len(tokens)-1]
	if _, err := strconv.Atoi(last); err == nil && len(tokens) > 1 {
		return tokenText(tokens[len(tokens)-2]) + " item " + last
	}
	return tokenText(last)
}

// tokenText returns a JSON pointer's reference token unescaped.
func tokenText(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~1", "/"), "~0", "~")
}

// yamlKind names the kind of value that a YAML tag such as !!seq marks.
func yamlKind(tag string) string {
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!str":
		return "a text"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a true or false"
	case "!!null":
		return "null"
	}
	return "a value of tag " + tag
}

// documentTypes maps the name of each Go type of the routes document, as
// reflect and gopkg.in/yaml.v3 write it, such as "routes.Destination", to
// the type.
var documentTypes = func() map[string]reflect.Type {
	types := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		if _, seen := types[t.String()]; seen {
			return
		}
		types[t.String()] = t
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			add(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					add(t.Field(i).Type)
				}
			}
		}
	}
	add(reflect.TypeOf(Config{}))
	return types
}()

// expectedKind names the kind of value that the Go type named goType
// decodes, such as "a whole number" for "int", and reports whether
// goType is a type of the routes document.
func expectedKind(goType string) (string, bool) {
	t, ok := documentTypes[goType]
	if !ok {
		return "", false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number", true
	case reflect.Float32, reflect.Float64:
		return "a number", true
	case reflect.Bool:
		return "true or false", true
	case reflect.String:
		return "a text", true
	case reflect.Slice, reflect.Array:
		return "a list", true
	case reflect.Struct, reflect.Map:
		return "a mapping", true
	}
	return "", false
}

// nearestField returns the YAML key of the struct type named goType
// that is nearest to key, an unknown key of that type. It returns "" when
// every key differs from key by more than two edits, or by half of key
// or more. A swap of adjacent letters counts as one edit.
func nearestField(key, goType string) string {
	t, ok := documentTypes[goType]
	if !ok || t.Kind() != reflect.Struct {
		return ""
	}
	best, bestDistance := "", 3
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		d := policy.EditDistance(strings.ToLower(key), name)
		if d < bestDistance && 2*d < len(key) {
			best, bestDistance = name, d
		}
	}
	return best
}

// locate returns a problem with the pointer and the rule of msg, one
// type error that gopkg.in/yaml.v3 found in the document whose nodes
// are nodes, and the node of a value of the wrong type, or nil. The
// error gives the line only, so locate takes the node on that line that
// fits the error best. Without one, the pointer is "".
func locate(nodes []positioned, msg string) (Problem, *yaml.Node) {
	m := typeErrorLine.FindStringSubmatch(msg)
	if m == nil {
		return Problem{Rule: RuleType}, nil
	}
	line, _ := strconv.Atoi(m[1])
	if f := unknownField.FindStringSubmatch(m[2]); f != nil {
		return Problem{Pointer: keyPointer(nodes, line, f[1]), Rule: RuleUnknownField}, nil
	}
	if f := duplicateKey.FindStringSubmatch(m[2]); f != nil {
		key := f[2]
		if f[1] != "" {
			key, _ = strconv.Unquote(f[1])
		}
		return Problem{Pointer: keyPointer(nodes, line, key), Rule: RuleYAML}, nil
	}
	var onLine []positioned
	for _, p := range nodes {
		if !p.key && p.node.Line == line {
			onLine = append(onLine, p)
		}
	}
	if len(onLine) == 0 {
		return Problem{Rule: RuleType}, nil
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
		// Duration.UnmarshalYAML's error, about a scalar. A flow mapping
		// puts all its values on one line, so the value that the error
		// quotes picks the scalar.
		best = durationNode(onLine, m[2])
	}
	return Problem{Pointer: best.pointer, Rule: RuleType}, best.node
}

// invalidDuration matches the error of Duration.UnmarshalYAML after its
// line, with the value it quotes.
var invalidDuration = regexp.MustCompile(`^invalid duration ("(?:[^"\\]|\\.)*")`)

// durationNode returns the node that msg, an error of
// Duration.UnmarshalYAML, is about, from onLine, the nodes on its line:
// the scalar whose value msg quotes, else the first scalar, else the
// first node.
func durationNode(onLine []positioned, msg string) positioned {
	var quoted string
	known := false
	if d := invalidDuration.FindStringSubmatch(msg); d != nil {
		v, err := strconv.Unquote(d[1])
		quoted, known = v, err == nil
	}
	first := -1
	for i, p := range onLine {
		if p.node.Kind != yaml.ScalarNode {
			continue
		}
		if known && p.node.Value == quoted {
			return p
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return onLine[0]
	}
	return onLine[first]
}

// keyPointer returns the pointer of the mapping key on line whose
// value is key, or "" when there is none.
func keyPointer(nodes []positioned, line int, key string) string {
	for _, p := range nodes {
		if p.key && p.node.Line == line && p.node.Value == key {
			return p.pointer
		}
	}
	return ""
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

// wholeNumberFields are the destination fields that hold whole numbers.
var wholeNumberFields = []string{"max_attempts", "concurrency"}

// fractionProblems returns a problem for each whole-number field of a
// destination whose value in doc is a number with a fraction. The YAML
// decoder drops the fraction, so max_attempts: 0.5 would read as 0 and
// then as the default, without a word.
func fractionProblems(doc []byte) []Problem {
	var root yaml.Node
	if yaml.Unmarshal(doc, &root) != nil || len(root.Content) == 0 {
		return nil
	}
	dests := mappingValue(root.Content[0], "destinations")
	if dests == nil || dests.Kind != yaml.SequenceNode {
		return nil
	}
	var ps []Problem
	for i, d := range dests.Content {
		for _, field := range wholeNumberFields {
			v := mappingValue(d, field)
			if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!float" {
				continue
			}
			where := fmt.Sprintf("destination %d", i+1)
			if name := mappingValue(d, "name"); name != nil && name.Value != "" {
				where = fmt.Sprintf("destination %q", name.Value)
			}
			ps = append(ps, Problem{entryPointer("destinations", i, field), RuleType,
				fmt.Sprintf("%s: %s %s: want a whole number written in digits",
					where, field, v.Value)})
		}
	}
	return ps
}

// mappingValue returns the value of key in the mapping node n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
