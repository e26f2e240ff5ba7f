package policycheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/routes"
)

// ExcludedRoutes returns a warning for each route of t and destination
// in its to list whose policy accepts none of the message types that the
// route sends. The route sends a type when its condition matches a
// sample of that type. The routes leave out a destination whose policy
// does not accept a message's type, so such a route delivers nothing to
// the destination. The warnings follow the order of the routes and of
// their destinations.
//
// NOTE: a route whose condition matches no sample, such as one on a
// station code that no sample has, gets no warning, whatever its
// destinations' policies.
func ExcludedRoutes(t *routes.Table) ([]string, error) {
	samples, err := Samples()
	if err != nil {
		return nil, fmt.Errorf("reading the policy check's samples: %w", err)
	}
	sent, delivered := sentTypes(t, append(samples, movementKinds(samples)...))

	var warnings []string
	for _, r := range t.Config().Routes {
		for _, dest := range r.To {
			k := target{r.Name, dest}
			if len(sent[k]) == 0 || delivered[k] {
				continue
			}
			warnings = append(warnings, excludedWarning(t, k.route, k.destination, sent[k]))
		}
	}
	return warnings, nil
}

// target is a route and a destination in its to list.
type target struct{ route, destination string }

// sentTypes returns the types of the samples that each route of t
// matches, for each destination in its to list, and marks the targets
// whose destination's policy accepts one of them.
func sentTypes(t *routes.Table, samples []Sample) (map[target][]canonical.Type, map[target]bool) {
	to := map[string][]string{}
	for _, r := range t.Config().Routes {
		to[r.Name] = r.To
	}
	sent := map[target][]canonical.Type{}
	delivered := map[target]bool{}
	for j := range samples {
		m := &samples[j].Message
		for _, d := range t.Decide(m) {
			if !d.Matched {
				continue
			}
			for _, dest := range to[d.Route] {
				k := target{d.Route, dest}
				if !slices.Contains(sent[k], m.Type) {
					sent[k] = append(sent[k], m.Type)
				}
				// Decide has removed the destinations whose policy does
				// not accept the type.
				if slices.Contains(d.Destinations, dest) {
					delivered[k] = true
				}
			}
		}
	}
	return sent, delivered
}

// excludedWarning returns the warning about route, which sends messages
// of types to destination, whose policy accepts none of them.
func excludedWarning(t *routes.Table, route, destination string, types []canonical.Type) string {
	names := make([]string, len(types))
	for i, typ := range types {
		names[i] = string(typ)
	}
	slices.Sort(names)
	policyName := ""
	if p, ok := t.Policy(destination); ok {
		policyName = p.Name()
	}
	return fmt.Sprintf("route %q sends %s messages to destination %q, whose policy %q accepts "+
		"none of them, so the route delivers nothing to it: add the types to the policy's types "+
		"or remove the destination from the route", route, strings.Join(names, ", "), destination,
		policyName)
}
