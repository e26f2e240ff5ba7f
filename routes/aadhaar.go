package routes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// RuleAadhaarLike is the rule of a value, key or comment of the routes
// document that contains a number which looks like an Aadhaar number
// (see canonical.CheckOperatorText). The hub keeps the document as
// written and shows its names, conditions and URLs in journeys, logs
// and metrics labels, so it would keep such a number in clear. The
// message names the line and writes the number masked.
const RuleAadhaarLike = canonical.RuleAadhaarLike

// yamlComment is a comment of a routes document: the text after its '#',
// and the line and column of the '#', as hiddenChar counts them.
type yamlComment struct {
	text         string
	line, column int
}

// aadhaarProblems returns a problem for each scalar of nodes, keys
// included, and each of comments that contains a number which
// canonical.CheckOperatorText reports. A scalar's problem has its
// pointer. A comment's problem has the pointer of the field that the
// comment follows on its line, as a text problem has, or "".
//
// A scalar is checked as YAML decoded it and as a later reader decodes
// it (see checkDecodedScalar), so that escapes such as a CEL literal's
// "\u0034918 7362 5403" or a URL's %34918 hide no number.
func aadhaarProblems(nodes []positioned, comments []yamlComment) []Problem {
	var ps []Problem
	for _, p := range nodes {
		field := "the value"
		if p.key {
			field = "the key"
		}
		err := canonical.CheckOperatorText(field, p.node.Value)
		if err == nil {
			err = checkDecodedScalar(field, p)
		}
		if err != nil {
			ps = append(ps, aadhaarProblem(p.pointer, p.node.Line, err))
		}
	}
	for _, c := range comments {
		err := canonical.CheckOperatorText("the comment", c.text)
		if err == nil {
			continue
		}
		pointer := ""
		if p, ok := scalarAt(nodes, c.line, c.column); ok && p.node.Line == c.line {
			pointer = p.pointer
		}
		ps = append(ps, aadhaarProblem(pointer, c.line, err))
	}
	return ps
}

// aadhaarLineProblems returns a problem with the pointer "" for each
// line of text that contains a number which canonical.CheckOperatorText
// reports, for a document that YAML cannot read.
func aadhaarLineProblems(text string) []Problem {
	var ps []Problem
	for i, line := range strings.Split(text, "\n") {
		if err := canonical.CheckOperatorText("the line", line); err != nil {
			ps = append(ps, aadhaarProblem("", i+1, err))
		}
	}
	return ps
}

// aadhaarProblem returns the problem of err, an error of
// canonical.CheckOperatorText about line, at pointer.
func aadhaarProblem(pointer string, line int, err error) Problem {
	return Problem{Pointer: maskedPointer(pointer), Rule: RuleAadhaarLike,
		Message: fmt.Sprintf("line %d: %v", line, err)}
}

// maskedPointer returns pointer with each reference token that contains
// a number which canonical.CheckOperatorText reports replaced by that
// number masked, such as /destinations/1/XXXXXXXX5403, because a mapping key
// is a token of the pointers under it.
func maskedPointer(pointer string) string {
	tokens := strings.Split(pointer, "/")
	for i, token := range tokens {
		if masked, found := canonical.AadhaarInCode(token); found {
			tokens[i] = masked
		}
	}
	return strings.Join(tokens, "/")
}

// withoutClearAadhaar returns ps, each pointer masked as maskedPointer
// masks it, less the problems of other rules whose messages contain a
// number that canonical.CheckOperatorText reports, such as a name
// problem that quotes the name. It leaves those out only when ps has a
// problem of RuleAadhaarLike, which names the number masked, so that
// a document with problems is never returned without one.
func withoutClearAadhaar(ps []Problem) []Problem {
	if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Rule == RuleAadhaarLike }) {
		return ps
	}
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		if p.Rule != RuleAadhaarLike && canonical.CheckOperatorText("", p.Message) != nil {
			continue
		}
		p.Pointer = maskedPointer(p.Pointer)
		out = append(out, p)
	}
	return out
}
