package policy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

// randomPolicy draws a valid policy: a few message types, allowed paths
// from the real field paths under them, and up to two masks that
// Validate accepts.
func randomPolicy(rng *rand.Rand, paths []string) Policy {
	p := Policy{Name: "random"}
	for _, typ := range canonical.Types {
		if rng.IntN(3) > 0 {
			p.Types = append(p.Types, string(typ))
		}
	}
	if len(p.Types) == 0 {
		p.Types = []string{string(canonical.Types[rng.IntN(len(canonical.Types))])}
	}
	var usable []string
	for _, path := range paths {
		body, _, _ := strings.Cut(path, ".")
		if envelopeFields[body] || slices.Contains(p.Types, body) {
			usable = append(usable, path)
		}
	}
	for range rng.IntN(7) {
		p.Allow = append(p.Allow, usable[rng.IntN(len(usable))])
	}
	for range rng.IntN(3) {
		m := MaskRule{Path: usable[rng.IntN(len(usable))], Kind: maskKinds[rng.IntN(len(maskKinds))]}
		trial := p
		trial.Mask = append(append([]MaskRule(nil), p.Mask...), m)
		if trial.Validate() == nil {
			p.Mask = trial.Mask
		}
	}
	return p
}

// TestApplyDeliversOnlyAllowedPaths applies random policies to full
// messages of every type. Every leaf of each result must lie in the
// envelope or under an allowed or masked path, and an Aadhaar token may
// leave only when its exact path is allowed.
func TestApplyDeliversOnlyAllowedPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250914, 1187))
	paths := FieldPaths()
	msgs := fullMessages(t)
	for i := range 300 {
		p := randomPolicy(rng, paths)
		c, err := Compile(p)
		if err != nil {
			t.Fatalf("policy %d %+v: %v", i, p, err)
		}
		permitted := append(envelopeNames(), p.Allow...)
		for _, m := range p.Mask {
			permitted = append(permitted, m.Path)
			if m.Kind == MaskYearOnly && strings.HasSuffix(m.Path, ".date_of_birth") {
				// The year of a masked date of birth travels as birth_year.
				permitted = append(permitted,
					strings.TrimSuffix(m.Path, "date_of_birth")+"birth_year")
			}
		}
		for _, in := range msgs {
			before := mustJSON(t, in)
			out, d, err := c.Apply(&in)
			if err != nil {
				t.Fatalf("policy %d %+v, %s: Apply: %v", i, p, in.Type, err)
			}
			if after := mustJSON(t, in); after != before {
				t.Fatalf("policy %d, %s: input changed", i, in.Type)
			}
			if !d.Allowed {
				if slices.Contains(p.Types, string(in.Type)) || out.Type != "" {
					t.Fatalf("policy %d %v, %s: a listed type was not allowed", i, p.Types, in.Type)
				}
				continue
			}
			checkLeaves(t, i, p, in.Type, leafPaths(t, out), permitted)
			checkRemoved(t, i, d.Removed, leafPaths(t, out))
		}
	}
}

func checkLeaves(t *testing.T, i int, p Policy, typ canonical.Type, leaves map[string]bool,
	permitted []string,
) {
	t.Helper()
	for leaf := range leaves {
		if !underAny(leaf, permitted) {
			t.Errorf("policy %d %+v, %s: result contains %s", i, p, typ, leaf)
		}
		if strings.HasSuffix(leaf, "identifiers[].token") && !slices.Contains(p.Allow, leaf) {
			t.Errorf("policy %d %+v, %s: Aadhaar token %s left without its exact path",
				i, p, typ, leaf)
		}
	}
}

// checkRemoved checks that each removed path is a real field path and
// that the result contains nothing at or below it.
func checkRemoved(t *testing.T, i int, removed []string, leaves map[string]bool) {
	t.Helper()
	for _, r := range removed {
		if _, err := parseAndResolve(r); err != nil {
			t.Errorf("policy %d: Decision.Removed entry %q: %v", i, r, err)
		}
		for leaf := range leaves {
			if underAny(leaf, []string{r}) {
				t.Errorf("policy %d: Decision.Removed lists %q, but the result contains %s", i, r, leaf)
			}
		}
	}
}
