package policycheck

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/policy"
	"github.com/sangam-hub/sangam/routes"
)

// keyFields returns a problem with rule routes.RulePolicyKeyField for
// each field that the adapter declares its receivers need unchanged in
// messages of the type of s, and whose value in shared, the result of
// applying the policy to s, differs from the value in s. A field that s
// does not have is not checked. The error reports a declared path that
// is not a valid field path.
func (d *destinationCheck) keyFields(s *Sample, shared *canonical.Message, decision policy.Decision) (
	[]routes.Problem, error,
) {
	declarer, ok := d.adapter.(adapters.KeyFields)
	if !ok {
		return nil, nil
	}
	var problems []routes.Problem
	for _, field := range declarer.KeyFields(s.Message.Type) {
		key := string(s.Message.Type) + " " + field.Path
		if d.reported[key] {
			continue
		}
		held, err := policy.Values(&s.Message, field.Path)
		if err != nil {
			return nil, fmt.Errorf("key field of the %s adapter: %w", d.adapter.Agency(), err)
		}
		if len(held) == 0 {
			continue
		}
		sent, err := policy.Values(shared, field.Path)
		if err != nil {
			return nil, fmt.Errorf("key field of the %s adapter: %w", d.adapter.Agency(), err)
		}
		if reflect.DeepEqual(held, sent) {
			continue
		}
		d.reported[key] = true
		problems = append(problems, routes.Problem{
			Pointer: routes.DestinationPointer(d.index, "policy"),
			Rule:    routes.RulePolicyKeyField,
			Message: fmt.Sprintf("destination %q: policy %q: in %s messages the policy %s, "+
				"but the %s format's receiver needs %s exactly as the hub holds it, because %s "+
				"(seen in the sample %s); allow %s without a mask, or leave %s out of the "+
				"policy's types",
				d.name, d.policy.Name(), s.Message.Type, changeTo(decision, field.Path),
				d.adapter.Agency(), field.Path, field.Reason, s.Name, field.Path, s.Message.Type),
		})
	}
	return problems, nil
}

// changeTo describes what the policy did, by decision, to the field at
// path, which is in normal form: "removes PATH", "masks PATH (KIND)", or
// the members below path that it removed or masked.
func changeTo(decision policy.Decision, path string) string {
	var parts, removedInside []string
	for _, r := range decision.Removed {
		switch {
		case within(path, r):
			parts = append(parts, "removes "+path)
		case within(r, path):
			removedInside = append(removedInside, r)
		}
	}
	if len(removedInside) > 0 {
		parts = append(parts, fmt.Sprintf("removes %s from %s", list(removedInside), path))
	}
	var maskedInside []string
	for _, m := range decision.Masked {
		switch {
		case within(path, m.Path):
			parts = append(parts, fmt.Sprintf("masks %s (%s)", path, m.Kind))
		case within(m.Path, path):
			maskedInside = append(maskedInside, fmt.Sprintf("%s (%s)", m.Path, m.Kind))
		}
	}
	if len(maskedInside) > 0 {
		parts = append(parts, fmt.Sprintf("masks %s in %s", list(maskedInside), path))
	}
	if len(parts) == 0 {
		return "changes " + path
	}
	return strings.Join(parts, " and ")
}

// within reports whether the field at path, in normal form, is the field
// at outer or lies below it.
func within(path, outer string) bool {
	return path == outer || strings.HasPrefix(path, outer+".") || strings.HasPrefix(path, outer+"[].")
}
