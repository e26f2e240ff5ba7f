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
// messages of the type of s, when the policy removes or masks the field
// or a member below it. policy.Compiled.Changes finds that from the
// policy alone, so a member that no sample has is checked too. s is also
// compared with shared, the result of applying the policy to s, and the
// problem names s when the change shows in it. The error reports a
// declared path that is not a valid field path.
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
		change, err := d.keyFieldChange(field.Path)
		if err != nil {
			return nil, err
		}
		inSample, err := changedIn(&s.Message, shared, field.Path)
		if err != nil {
			return nil, fmt.Errorf("key field of the %s adapter: %w", d.adapter.Agency(), err)
		}
		if change == "" && inSample {
			change = changeTo(decision, field.Path)
		}
		if change == "" {
			continue
		}
		seen := ""
		if inSample {
			seen = fmt.Sprintf(" (seen in the sample %s)", s.Name)
		}
		d.reported[key] = true
		problems = append(problems, routes.Problem{
			Pointer: routes.DestinationPointer(d.index, "policy"),
			Rule:    routes.RulePolicyKeyField,
			Message: fmt.Sprintf("destination %q: policy %q: in %s messages the policy %s, "+
				"but the %s format's receiver needs %s exactly as the hub holds it, because %s%s; "+
				"allow %s without a mask, or leave %s out of the policy's types",
				d.name, d.policy.Name(), s.Message.Type, change, d.adapter.Agency(), field.Path,
				field.Reason, seen, field.Path, s.Message.Type),
		})
	}
	return problems, nil
}

// keyFieldChange describes what the policy does to the field at path and
// below it in any message, as changeTo does, or returns "" when the
// policy delivers all of it unchanged.
func (d *destinationCheck) keyFieldChange(path string) (string, error) {
	removed, masked, err := d.policy.Changes(path)
	if err != nil {
		return "", fmt.Errorf("key field of the %s adapter: %w", d.adapter.Agency(), err)
	}
	if len(removed) == 0 && len(masked) == 0 {
		return "", nil
	}
	return changeTo(policy.Decision{Removed: removed, Masked: masked}, path), nil
}

// changedIn reports whether the values at path differ between sample and
// shared, the result of applying a policy to sample. A sample without the
// field shows no change.
func changedIn(sample, shared *canonical.Message, path string) (bool, error) {
	before, err := policy.Values(sample, path)
	if err != nil || len(before) == 0 {
		return false, err
	}
	after, err := policy.Values(shared, path)
	if err != nil {
		return false, err
	}
	return !reflect.DeepEqual(before, after), nil
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
