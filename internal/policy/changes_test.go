package policy

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestChanges(t *testing.T) {
	request := string(canonical.TypeVerificationRequest)
	arrest := string(canonical.TypeArrest)
	tests := []struct {
		name        string
		policy      Policy
		path        string
		wantRemoved []string
		wantMasked  []MaskRule
	}{
		{
			name:   "body allowed",
			policy: Policy{Types: []string{request}, Allow: []string{request}},
			path:   "verification_request.matches[].case",
		},
		{
			name: "member masked below the path",
			policy: Policy{Types: []string{request}, Allow: []string{request}, Mask: []MaskRule{
				{Path: "verification_request.matches[].case.fir.national_id", Kind: MaskRedact}}},
			path: "verification_request.matches[].case",
			wantMasked: []MaskRule{
				{Path: "verification_request.matches[].case.fir.national_id", Kind: MaskRedact}},
		},
		{
			name: "the path masked",
			policy: Policy{Types: []string{request}, Allow: []string{request}, Mask: []MaskRule{
				{Path: "verification_request.file_number", Kind: MaskLast4}}},
			path:       "verification_request.file_number",
			wantMasked: []MaskRule{{Path: "verification_request.file_number", Kind: MaskLast4}},
		},
		{
			name: "members allowed one by one, but not all",
			policy: Policy{Types: []string{arrest}, Allow: []string{"arrest.fir.state",
				"arrest.fir.district", "arrest.fir.police_station", "arrest.fir.year", "arrest.fir.number"}},
			path:        "arrest.fir",
			wantRemoved: []string{"arrest.fir.national_id"},
		},
		{
			name:        "an array above the path removed",
			policy:      Policy{Types: []string{request}, Allow: []string{"verification_request.file_number"}},
			path:        "verification_request.matches[].case",
			wantRemoved: []string{"verification_request.matches"},
		},
		{
			name:        "the path removed",
			policy:      Policy{Types: []string{request}, Allow: []string{"verification_request.applicant"}},
			path:        "verification_request.file_number",
			wantRemoved: []string{"verification_request.file_number"},
		},
		{
			name:        "type not delivered",
			policy:      Policy{Types: []string{request}, Allow: []string{request}},
			path:        "fir.ref",
			wantRemoved: []string{"fir"},
		},
		{
			name:   "envelope field",
			policy: Policy{Types: []string{request}},
			path:   "case_key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.policy.Name = "trial"
			c, err := Compile(tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			removed, masked, err := c.Changes(tt.path)
			if err != nil {
				t.Fatalf("Changes(%q): %v", tt.path, err)
			}
			if !slices.Equal(removed, tt.wantRemoved) {
				t.Errorf("removed = %q, want %q", removed, tt.wantRemoved)
			}
			if !slices.Equal(masked, tt.wantMasked) {
				t.Errorf("masked = %v, want %v", masked, tt.wantMasked)
			}
		})
	}
}

func TestChangesInvalidPath(t *testing.T) {
	c := MustCompile(Policy{Name: "trial", Types: []string{string(canonical.TypeArrest)}})
	_, _, err := c.Changes("arrest.officer")
	if err == nil {
		t.Fatal("Changes accepted a path that names no field")
	}
	if !strings.Contains(err.Error(), `"arrest.officer"`) {
		t.Errorf("error does not name the path: %v", err)
	}
}

// TestChangesAgreesWithApply compares, for random policies, Changes of
// every field path with what Apply does at and below that path to a
// message of its type that has every field set.
func TestChangesAgreesWithApply(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251205, 412))
	paths := FieldPaths()
	msgs := fullMessages(t)
	for i := range 200 {
		p := randomPolicy(rng, paths)
		c, err := Compile(p)
		if err != nil {
			t.Fatalf("policy %d %+v: %v", i, p, err)
		}
		for _, m := range msgs {
			if !c.AllowsType(m.Type) {
				continue
			}
			_, d, err := c.Apply(&m)
			if err != nil {
				t.Fatalf("policy %d %+v, %s: Apply: %v", i, p, m.Type, err)
			}
			for _, path := range paths {
				if !strings.HasPrefix(path, string(m.Type)+".") {
					continue
				}
				removed, masked, err := c.Changes(path)
				if err != nil {
					t.Fatalf("Changes(%q): %v", path, err)
				}
				wantRemoved, wantMasked := decisionAt(d, path)
				removed, masked = withoutBirthYear(p, removed, masked)
				if !slices.Equal(removed, wantRemoved) {
					t.Errorf("policy %d %+v: Changes(%q) removed %q, Apply removed %q",
						i, p, path, removed, wantRemoved)
				}
				if !reflect.DeepEqual(masked, wantMasked) {
					t.Errorf("policy %d %+v: Changes(%q) masked %v, Apply masked %v",
						i, p, path, masked, wantMasked)
				}
			}
		}
	}
}

// decisionAt returns the removed paths and masks of d at, above or below
// path, leaving out the Aadhaar masks that Apply makes whatever the
// policy. A year-only mask of a date of birth, which d lists at
// birth_year, is given at date_of_birth, as the policy names it.
func decisionAt(d Decision, path string) ([]string, []MaskRule) {
	var removed []string
	for _, r := range d.Removed {
		if covers(r, path) || covers(path, r) {
			removed = append(removed, r)
		}
	}
	var masked []MaskRule
	for _, m := range d.Masked {
		if m.Kind == MaskAadhaar {
			continue
		}
		if parent, ok := strings.CutSuffix(m.Path, ".birth_year"); ok && m.Kind == MaskYearOnly {
			m.Path = parent + ".date_of_birth"
		}
		if covers(m.Path, path) || covers(path, m.Path) {
			masked = append(masked, m)
		}
	}
	slices.Sort(removed)
	slices.SortFunc(masked, func(a, b MaskRule) int { return strings.Compare(a.Path, b.Path) })
	return removed, masked
}

// withoutBirthYear sorts removed and masked as a Decision lists them, and
// leaves out each birth_year next to a date of birth that p masks
// year-only, because the masked year replaces it.
func withoutBirthYear(p Policy, removed []string, masked []MaskRule) ([]string, []MaskRule) {
	var removedKept []string
	for _, r := range removed {
		parent, ok := strings.CutSuffix(r, ".birth_year")
		if ok && slices.Contains(p.Mask, MaskRule{Path: parent + ".date_of_birth", Kind: MaskYearOnly}) {
			continue
		}
		removedKept = append(removedKept, r)
	}
	slices.Sort(removedKept)
	slices.SortFunc(masked, func(a, b MaskRule) int { return strings.Compare(a.Path, b.Path) })
	return removedKept, masked
}
