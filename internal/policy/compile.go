package policy

import (
	"fmt"
	"slices"

	"github.com/sangam-hub/sangam/canonical"
)

// Compiled is a validated policy ready to apply. It is immutable, so one
// Compiled may be used from many goroutines at once.
type Compiled struct {
	policy Policy
	types  map[canonical.Type]bool
	// bodies maps each allowed body member to the rules below it.
	bodies map[string]*rule
	// tokens are the normal-form paths of identifier tokens that the
	// allow-list names exactly, such as "fir.complainant.identifiers[].token".
	tokens map[string]bool
	// whole contains the body members that the policy allows in full,
	// with no mask at or below them. Apply copies such a body without
	// the JSON round trip.
	whole map[string]bool
}

// rule is a node of the tree of allow and mask paths under a body.
type rule struct {
	// allow keeps the member and everything below it.
	allow bool
	// mask, when set, masks the member and everything below it.
	mask MaskKind
	kids map[string]*rule
}

// Compile validates p and builds its rule tree. The Compiled keeps its
// own copy of p, so later changes to p's slices do not affect it.
func Compile(p Policy) (*Compiled, error) {
	chk, err := p.check()
	if err != nil {
		return nil, err
	}
	c := &Compiled{
		policy: Policy{
			Name:  p.Name,
			Types: slices.Clone(p.Types),
			Allow: slices.Clone(p.Allow),
			Mask:  slices.Clone(p.Mask),
		},
		types:  chk.types,
		bodies: map[string]*rule{},
		tokens: map[string]bool{},
		whole:  map[string]bool{},
	}
	for t := range chk.types {
		body, _ := bodyName(t)
		c.bodies[body] = &rule{}
	}
	for _, r := range chk.allow {
		if node := c.node(r.chain); node != nil {
			node.allow = true
		}
		if isIdentifierToken(r.chain) {
			c.tokens[r.pattern] = true
		}
	}
	for _, r := range chk.mask {
		c.node(r.chain).mask = r.kind
	}
	for body, r := range c.bodies {
		c.whole[body] = r.allow && !r.masks()
	}
	return c, nil
}

// masks reports whether r or a rule below it masks.
func (r *rule) masks() bool {
	if r.mask != "" {
		return true
	}
	for _, kid := range r.kids {
		if kid.masks() {
			return true
		}
	}
	return false
}

// MustCompile is Compile for policies fixed in code. It panics on an
// invalid policy.
func MustCompile(p Policy) *Compiled {
	c, err := Compile(p)
	if err != nil {
		panic(fmt.Sprintf("policy: %v", err))
	}
	return c
}

// node returns the rule for chain, adding the rules on the way. It
// returns nil for an envelope path, which needs no rule.
func (c *Compiled) node(chain []*field) *rule {
	n, ok := c.bodies[chain[0].name]
	if !ok {
		return nil
	}
	for _, f := range chain[1:] {
		if n.kids == nil {
			n.kids = map[string]*rule{}
		}
		kid, ok := n.kids[f.name]
		if !ok {
			kid = &rule{}
			n.kids[f.name] = kid
		}
		n = kid
	}
	return n
}

func isIdentifierToken(chain []*field) bool {
	n := len(chain)
	return n >= 2 && chain[n-1].name == "token" && chain[n-2].typ == identifierType
}

// Name returns the policy's name.
func (c *Compiled) Name() string { return c.policy.Name }

// Policy returns a copy of the policy c was compiled from.
func (c *Compiled) Policy() Policy {
	p := c.policy
	p.Types = slices.Clone(p.Types)
	p.Allow = slices.Clone(p.Allow)
	p.Mask = slices.Clone(p.Mask)
	return p
}

// AllowsType reports whether the policy delivers messages of type t.
func (c *Compiled) AllowsType(t canonical.Type) bool { return c.types[t] }
