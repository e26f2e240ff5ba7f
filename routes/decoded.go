package routes

import (
	"regexp"
	"strings"

	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/parser"

	"github.com/sangam-hub/sangam/canonical"
)

// conditionPointer matches the pointer of a route's condition.
var conditionPointer = regexp.MustCompile(`^/routes/[0-9]+/when$`)

// checkDecodedScalar returns an error of canonical.CheckOperatorText
// when p's scalar contains an Aadhaar number once a later reader decodes
// it, and nil otherwise. It reads the scalar percent-decoded, as an HTTP
// server reads a URL. For a route's condition it also reads each string
// and bytes literal as CEL evaluates it, with escapes such as \u0034,
// \x34, \064 decoded, and each literal percent-decoded.
func checkDecodedScalar(field string, p positioned) error {
	if decoded, ok := percentDecoded(p.node.Value); ok {
		err := canonical.CheckOperatorText(field+" once percent-decoded", decoded)
		if err != nil {
			return err
		}
	}
	if p.key || !conditionPointer.MatchString(p.pointer) {
		return nil
	}
	for _, literal := range celLiterals(p.node.Value) {
		const literalField = "a string literal of the condition"
		if err := canonical.CheckOperatorText(literalField, literal); err != nil {
			return err
		}
		if decoded, ok := percentDecoded(literal); ok {
			err := canonical.CheckOperatorText(literalField+" once percent-decoded", decoded)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// celParser parses conditions with the standard CEL macros, as Compile does.
var celParser = mustParser()

func mustParser() *parser.Parser {
	p, err := parser.NewParser(parser.Macros(parser.AllMacros...))
	if err != nil {
		panic(err)
	}
	return p
}

// celLiterals returns the values of the string and bytes literals of
// condition, with their escapes decoded, or nil when condition is not
// valid CEL syntax. Compile rejects such a condition with RuleCELSyntax.
func celLiterals(condition string) []string {
	parsed, errs := celParser.Parse(common.NewTextSource(condition))
	if len(errs.GetErrors()) > 0 {
		return nil
	}
	var literals []string
	nodes := ast.MatchDescendants(ast.NavigateAST(parsed), ast.KindMatcher(ast.LiteralKind))
	for _, node := range nodes {
		switch v := node.AsLiteral().(type) {
		case types.String:
			literals = append(literals, string(v))
		case types.Bytes:
			literals = append(literals, string(v))
		}
	}
	return literals
}

// percentDecoded returns s with each %XX escape decoded, and with each
// '+' after the first '?' read as a space, as a query string decodes.
// An escape without two hexadecimal digits stays as written. ok is
// false when s has nothing to decode.
func percentDecoded(s string) (decoded string, ok bool) {
	query := strings.IndexByte(s, '?')
	if !strings.ContainsRune(s, '%') && (query < 0 || !strings.ContainsRune(s[query:], '+')) {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		case c == '+' && query >= 0 && i > query:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), b.String() != s
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
