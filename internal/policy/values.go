package policy

import (
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
)

// NormalPath returns path in normal form, the form of the paths a
// Decision lists, such as "chargesheet.accused" for "chargesheet.accused[]".
// The error states why path is not a valid field path.
func NormalPath(path string) (string, error) {
	chain, err := parseAndResolve(path)
	if err != nil {
		return "", fmt.Errorf("field path %q: %w", path, err)
	}
	return patternOf(chain), nil
}

// Values returns the values that path names in the canonical JSON form of
// m, decoded by encoding/json with numbers as json.Number. A path that
// steps into no array names one value, and one that steps into arrays
// names one for each element. An array named by the last member, with or
// without "[]", is one value. A member that m leaves out or sets to null
// gives no value, so a message without the field returns none. The error
// states why path is not a valid field path.
func Values(m *canonical.Message, path string) ([]any, error) {
	steps, err := parsePath(path)
	if err == nil {
		_, err = resolvePath(steps)
	}
	if err != nil {
		return nil, fmt.Errorf("field path %q: %w", path, err)
	}
	doc, err := toTree(m)
	if err != nil {
		return nil, err
	}
	nodes := []any{doc}
	for i, st := range steps {
		last := i == len(steps)-1
		var next []any
		for _, n := range nodes {
			obj, ok := n.(map[string]any)
			if !ok {
				continue
			}
			v := obj[st.name]
			if v == nil {
				continue
			}
			elems, isArray := v.([]any)
			if st.array && !last && isArray {
				next = append(next, elems...)
				continue
			}
			next = append(next, v)
		}
		nodes = next
	}
	return nodes, nil
}
