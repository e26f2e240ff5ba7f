package orderreply

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// otherPrisoner returns why the movement's prisoner mv is not the
// prisoner of the order, or "" when it is. Both are of one prison, which
// Enrich checks first. An order with a prisoner number names the
// prisoner by it, compared as written, as the prison assigned it. A
// committal order without one names a person that the prison has not
// yet numbered: see otherPerson.
func otherPrisoner(order *canonical.CourtOrder, mv *canonical.Movement) string {
	want := order.Prisoner
	if want.Number != "" {
		if mv.Prisoner.Number == want.Number {
			return ""
		}
		return fmt.Sprintf("it names a %s for prisoner %s, not for prisoner %s, whom the %s names",
			order.Kind, want.Number, mv.Prisoner.Number, mv.Kind)
	}
	if mismatch := otherPerson(want.Person, mv.Prisoner.Person); mismatch != "" {
		return fmt.Sprintf("it names a %s for a person whom the prison had not numbered, and %s",
			order.Kind, mismatch)
	}
	return ""
}

// otherPerson returns why the person that a movement names, got, is not
// the person that a committal order names, want, or "" when it is. The
// two must share a name or alias (see shareName). Where both give a date
// of birth, or a sex other than unknown, it must be the same. Ages are left out, because an age is stated on
// a day that one of them may not give.
func otherPerson(want, got canonical.Person) string {
	if !shareName(want, got) {
		return fmt.Sprintf("the movement's person %q has no name or alias of the order's person %q",
			got.PrimaryName(), want.PrimaryName())
	}
	if want.DateOfBirth != "" && got.DateOfBirth != "" && want.DateOfBirth != got.DateOfBirth {
		return fmt.Sprintf("the movement's person was born on %s, the order's on %s",
			got.DateOfBirth, want.DateOfBirth)
	}
	if knownSex(want.Sex) && knownSex(got.Sex) && want.Sex != got.Sex {
		return fmt.Sprintf("the movement's person is %s, the order's %s", got.Sex, want.Sex)
	}
	return ""
}

// shareName reports whether a name or alias of a equals one of b,
// ignoring letter case and runs of white space.
func shareName(a, b canonical.Person) bool {
	names := make(map[string]bool)
	for _, n := range slices.Concat(a.Names, a.Aliases) {
		names[nameKey(n.Full)] = true
	}
	for _, n := range slices.Concat(b.Names, b.Aliases) {
		if key := nameKey(n.Full); key != "" && names[key] {
			return true
		}
	}
	return false
}

// nameKey returns a name as shareName compares it: its words in lower
// case, one space apart.
func nameKey(full string) string {
	return strings.ToLower(strings.Join(strings.Fields(full), " "))
}

// knownSex reports whether s is given and is not unknown.
func knownSex(s canonical.Sex) bool {
	return s != "" && s != canonical.SexUnknown
}
