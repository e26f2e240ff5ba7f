package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// segmentPattern is one member of a field path: a JSON member name made
// of lowercase letters, digits and underscores, optionally followed by
// "[]".
var segmentPattern = regexp.MustCompile(`^([a-z][a-z0-9_]*)(\[\])?$`)

// step is one parsed member of a field path.
type step struct {
	name string
	// array is true when the member was written with "[]".
	array bool
}

// parsePath splits a field path into its members. The error states the
// syntax rule that s breaks, without quoting s.
func parsePath(s string) ([]step, error) {
	if s == "" {
		return nil, errors.New("empty path")
	}
	var steps []step
	for i, seg := range strings.Split(s, ".") {
		if seg == "" {
			return nil, fmt.Errorf("member %d is empty: write members separated by single dots", i+1)
		}
		m := segmentPattern.FindStringSubmatch(seg)
		if m == nil {
			return nil, fmt.Errorf("invalid member %q: want a JSON member name such as "+
				"\"accused\" or \"accused[]\", in lowercase letters, digits and underscores", seg)
		}
		steps = append(steps, step{name: m[1], array: m[2] != ""})
	}
	return steps, nil
}

// resolvePath returns the field that each step names, from the message
// down. The error names the member that does not fit the model.
func resolvePath(steps []step) ([]*field, error) {
	chain := make([]*field, 0, len(steps))
	parent := messageFields()
	where := "the message"
	for i, st := range steps {
		if parent.kids == nil {
			return nil, fmt.Errorf("%s has no members, so %q names no field", where, st.name)
		}
		f, ok := parent.kids[st.name]
		if !ok {
			return nil, fmt.Errorf("no member %q in %s: members are %s",
				st.name, where, strings.Join(parent.order, ", "))
		}
		last := i == len(steps)-1
		switch {
		case st.array && !f.array:
			return nil, fmt.Errorf("%s is not an array: remove the \"[]\"", st.name)
		case f.array && !st.array && !last:
			return nil, fmt.Errorf("%s is an array: write %s[] to step into its elements",
				st.name, st.name)
		}
		chain = append(chain, f)
		parent, where = f, st.name
	}
	return chain, nil
}

// patternOf writes a resolved path in its normal form: "[]" after every
// array member except the last, so "accused[]" and "accused" both
// become "accused".
func patternOf(chain []*field) string {
	var b strings.Builder
	for i, f := range chain {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(f.name)
		if f.array && i < len(chain)-1 {
			b.WriteString("[]")
		}
	}
	return b.String()
}

// parseAndResolve parses s and resolves it against the canonical model.
func parseAndResolve(s string) ([]*field, error) {
	steps, err := parsePath(s)
	if err != nil {
		return nil, err
	}
	return resolvePath(steps)
}
