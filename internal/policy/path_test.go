package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestResolvePathForms(t *testing.T) {
	tests := []struct {
		path    string
		pattern string // normal form, or empty when the path is invalid
		wantErr string
	}{
		{path: "chargesheet", pattern: "chargesheet"},
		{path: "chargesheet.charges", pattern: "chargesheet.charges"},
		{path: "chargesheet.charges[]", pattern: "chargesheet.charges"},
		{path: "chargesheet.fir", pattern: "chargesheet.fir"},
		{path: "chargesheet.fir.number", pattern: "chargesheet.fir.number"},
		{path: "chargesheet.accused[].person.names", pattern: "chargesheet.accused[].person.names"},
		{path: "chargesheet.accused[].person.names[].full",
			pattern: "chargesheet.accused[].person.names[].full"},
		{path: "chargesheet.lab_results[]", pattern: "chargesheet.lab_results"},
		{path: "fir.complainant.identifiers[].token", pattern: "fir.complainant.identifiers[].token"},
		{path: "court_registration", pattern: "court_registration"},
		{path: "case_key", pattern: "case_key"},
		{path: "fir.registered_at", pattern: "fir.registered_at"},

		{path: "", wantErr: "empty path"},
		{path: "fir..ref", wantErr: "member 2 is empty"},
		{path: ".fir", wantErr: "member 1 is empty"},
		{path: "fir.", wantErr: "member 2 is empty"},
		{path: "fir.accused[0]", wantErr: `invalid member "accused[0]"`},
		{path: "fir.accused[*]", wantErr: `invalid member "accused[*]"`},
		{path: "fir.*", wantErr: `invalid member "*"`},
		{path: "fir.Complainant", wantErr: `invalid member "Complainant"`},
		{path: "fir. ref", wantErr: `invalid member " ref"`},
		{path: "fir.accused[][]", wantErr: `invalid member "accused[][]"`},
		{path: "chargesheet.acused", wantErr: `no member "acused" in chargesheet: members are fir,`},
		{path: "passport", wantErr: `no member "passport" in the message`},
		{path: "chargesheet.accused.person", wantErr: "accused is an array: write accused[]"},
		{path: "fir.ref[]", wantErr: `ref is not an array: remove the "[]"`},
		{path: "fir.ref.state.code", wantErr: `state has no members, so "code" names no field`},
		{path: "fir.registered_at.year", wantErr: "registered_at has no members"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			chain, err := parseAndResolve(tt.path)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("resolved to %q, want error containing %q", patternOf(chain), tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %q, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got := patternOf(chain); got != tt.pattern {
				t.Errorf("normal form %q, want %q", got, tt.pattern)
			}
		})
	}
}

func TestFieldPathsResolveToThemselves(t *testing.T) {
	paths := FieldPaths()
	for _, want := range []string{
		"id", "chargesheet.accused", "chargesheet.accused[].person.names[].full",
		"fir.complainant.identifiers[].token", "court_registration.fir.national_id",
	} {
		if !slices.Contains(paths, want) {
			t.Errorf("FieldPaths lacks %q", want)
		}
	}
	for _, p := range paths {
		chain, err := parseAndResolve(p)
		if err != nil {
			t.Errorf("FieldPaths entry %q: %v", p, err)
			continue
		}
		if got := patternOf(chain); got != p {
			t.Errorf("FieldPaths entry %q has normal form %q", p, got)
		}
	}
}

// TestMessageMembersAreEnvelopeOrBody checks that a member added to
// canonical.Message is either listed as an envelope field or is the body
// of a message type, so policies cover it.
func TestMessageMembersAreEnvelopeOrBody(t *testing.T) {
	bodies := map[string]bool{}
	for _, typ := range canonical.Types {
		body, ok := bodyName(typ)
		if !ok {
			t.Errorf("message type %s has no body member in canonical.Message", typ)
		}
		bodies[body] = true
	}
	for _, name := range messageFields().order {
		if envelopeFields[name] == bodies[name] {
			t.Errorf("message member %q: envelope %v, body %v; want exactly one",
				name, envelopeFields[name], bodies[name])
		}
	}
}

// TestDateFieldsAreTextMembers checks that the dates read from the
// schemas include the known ones and name only text members of the model.
func TestDateFieldsAreTextMembers(t *testing.T) {
	dates := dateFields()
	for _, want := range []string{"date_of_birth", "as_of", "filed_on", "next_hearing"} {
		if !dates[want] {
			t.Errorf("dateFields lacks %q", want)
		}
	}
	text := map[string]bool{}
	var walk func(f *field)
	walk = func(f *field) {
		for name, kid := range f.kids {
			if kid.typ == reflect.TypeFor[string]() {
				text[name] = true
			}
			walk(kid)
		}
	}
	walk(messageFields())
	for name := range dates {
		if !text[name] {
			t.Errorf("schema date %q is not a text member of the canonical model", name)
		}
	}
}
