// Package registry lists every agency adapter of the hub in one
// place. A new agency is added here and nowhere else.
package registry

import (
	"fmt"
	"sort"

	"github.com/sangam-hub/sangam/adapters"
)

// Set is a collection of adapters by agency name. It is read-only after
// construction and safe for concurrent use.
type Set struct {
	byAgency map[string]adapters.Adapter
}

// NewSet returns a set of the given adapters. Two adapters for one agency
// are an error.
func NewSet(as ...adapters.Adapter) (*Set, error) {
	s := &Set{byAgency: map[string]adapters.Adapter{}}
	for _, a := range as {
		if _, dup := s.byAgency[a.Agency()]; dup {
			return nil, fmt.Errorf("two adapters for agency %q", a.Agency())
		}
		s.byAgency[a.Agency()] = a
	}
	return s, nil
}

// Adapter returns the adapter for agency.
func (s *Set) Adapter(agency string) (adapters.Adapter, bool) {
	a, ok := s.byAgency[agency]
	return a, ok
}

// Agencies returns the agency names, sorted.
func (s *Set) Agencies() []string {
	names := make([]string, 0, len(s.byAgency))
	for n := range s.byAgency {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
