package policy

import "fmt"

// Changes returns the paths that the policy removes and the fields it
// masks at path, a field path in normal form, and at every member of the
// model below it, in the form of a Decision's Removed and Masked. Unlike
// Apply, it reads the policy and the model alone, so it also finds a
// change to a member that a given message leaves out.
// A path in the body of a type that the policy does not deliver is
// removed as a whole, and an envelope field is never changed. The error
// states why path is not a valid field path.
//
// Changes lists a date of birth masked year-only at date_of_birth, as
// the policy names it, where a Decision lists birth_year. It leaves out
// the masking of Aadhaar values that Apply does whatever the policy,
// because a canonical message holds them masked already.
func (c *Compiled) Changes(path string) (removed []string, masked []MaskRule, err error) {
	chain, err := parseAndResolve(path)
	if err != nil {
		return nil, nil, fmt.Errorf("field path %q: %w", path, err)
	}
	top := chain[0].name
	if envelopeFields[top] {
		return nil, nil, nil
	}
	node, ok := c.bodies[top]
	if !ok {
		return []string{top}, nil, nil
	}

	// Follow the rules down to path. A mask or a removal on the way
	// covers all of path.
	s := &changeScan{c: c}
	allowed := node.allow
	at := top
	for i, f := range chain[1:] {
		var kid *rule
		if node != nil {
			kid = node.kids[f.name]
		}
		at += "." + f.name
		switch fate, kidAllowed := s.fate(chain[i], f, kid, allowed, at); fate {
		case removedMember:
			return []string{at}, nil, nil
		case maskedMember:
			return nil, []MaskRule{{Path: at, Kind: kid.mask}}, nil
		default:
			allowed = kidAllowed
		}
		if f.array && i < len(chain)-2 {
			at += "[]"
		}
		node = kid
	}

	last := chain[len(chain)-1]
	if len(chain) > 1 && last.array {
		at += "[]"
	}
	s.members(last, node, allowed, at)
	return s.removed, s.masked, nil
}

// changeScan collects the changes that Changes finds below a field.
type changeScan struct {
	c       *Compiled
	removed []string
	masked  []MaskRule
}

// members records the changes to each member of f, the model field at
// path whose rule is r (nil when no rule names anything below it), as
// Apply's walker makes them. allowed is true when a path at or above f
// is allowed.
func (s *changeScan) members(f *field, r *rule, allowed bool, path string) {
	for _, name := range f.order {
		kf := f.kids[name]
		var kid *rule
		if r != nil {
			kid = r.kids[name]
		}
		p := path + "." + name
		fate, kidAllowed := s.fate(f, kf, kid, allowed, p)
		switch fate {
		case removedMember:
			s.removed = append(s.removed, p)
			continue
		case maskedMember:
			s.masked = append(s.masked, MaskRule{Path: p, Kind: kid.mask})
			continue
		}
		if kf.kids != nil {
			next := p
			if kf.array {
				next += "[]"
			}
			s.members(kf, kid, kidAllowed, next)
		}
	}
}

// memberFate is what Apply's walker does with one member of a message.
type memberFate int

const (
	keptMember    memberFate = iota // delivered, with its members judged one by one
	removedMember                   // left out with everything below it
	maskedMember                    // delivered masked by its rule's kind
)

// fate returns what Apply does with f, the member of parent at path
// whose rule is kid (nil when no rule names it). allowed is true when a
// path above f is allowed, and the second result is true when f or a
// path above it is.
func (s *changeScan) fate(parent, f *field, kid *rule, allowed bool, path string) (memberFate, bool) {
	if s.droppedToken(parent, f.name, path) {
		return removedMember, false
	}
	if kid != nil && kid.mask != "" {
		return maskedMember, false
	}
	allowed = allowed || (kid != nil && kid.allow)
	if !allowed && (kid == nil || f.kids == nil) {
		return removedMember, false
	}
	return keptMember, allowed
}

// droppedToken reports whether name, a member of parent at path, is an
// identifier's token that Apply drops before any mask. Apply drops the
// token of an Aadhaar identifier, the only kind that carries one, unless
// the allow-list names path.
func (s *changeScan) droppedToken(parent *field, name, path string) bool {
	return parent.typ == identifierType && name == "token" && !s.c.tokens[path]
}
