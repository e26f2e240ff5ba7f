package policy

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/canonical"
)

func TestValidateErrorsNamePath(t *testing.T) {
	base := func() Policy {
		return Policy{Name: "transport", Types: []string{"fir", "chargesheet"}}
	}
	tests := []struct {
		name   string
		change func(p *Policy)
		want   []string // parts the error must contain
	}{
		{"missing name", func(p *Policy) { p.Name = " " },
			[]string{`policy " "`, "name: missing name"}},
		{"no types", func(p *Policy) { p.Types = nil },
			[]string{`policy "transport"`, "types: no message types"}},
		{"unknown type", func(p *Policy) { p.Types = append(p.Types, "warrant") },
			[]string{`types[2] "warrant"`, "unknown message type", "known types are fir"}},
		{"malformed path", func(p *Policy) { p.Allow = []string{"fir.accused[0].person"} },
			[]string{`allow[0] "fir.accused[0].person"`, `invalid member "accused[0]"`}},
		{"no such field", func(p *Policy) { p.Allow = []string{"fir.charges", "fir.complainant.aadhaar"} },
			[]string{`allow[1] "fir.complainant.aadhaar"`, `no member "aadhaar" in complainant`}},
		{"array without brackets", func(p *Policy) { p.Allow = []string{"chargesheet.accused.person"} },
			[]string{`allow[0] "chargesheet.accused.person"`, "accused is an array"}},
		{"body of unlisted type", func(p *Policy) { p.Allow = []string{"arrest.person"} },
			[]string{`allow[0] "arrest.person"`, "types does not list arrest"}},
		{"unknown mask kind", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.complainant.names", Kind: "hash"}}
		}, []string{`mask[0] "fir.complainant.names" (hash)`, "unknown mask kind"}},
		{"mask on envelope", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "case_key", Kind: MaskRedact}}
		}, []string{`mask[0] "case_key" (redact)`, "envelope fields"}},
		{"mask on bad path", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.complainant.dob", Kind: MaskYearOnly}}
		}, []string{`mask[0] "fir.complainant.dob" (year-only)`, `no member "dob"`}},
		{"redact an object", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.place", Kind: MaskRedact}}
		}, []string{`mask[0] "fir.place" (redact)`, "place is an object, but redact masks only text"}},
		{"last4 a number", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.ref.number", Kind: MaskLast4}}
		}, []string{`mask[0] "fir.ref.number" (last4)`, "number is a number"}},
		{"redact an enumeration", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.complainant.sex", Kind: MaskRedact}}
		}, []string{`mask[0] "fir.complainant.sex"`, "sex is an enumeration"}},
		{"year-only a date-time", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.registered_at", Kind: MaskYearOnly}}
		}, []string{`mask[0] "fir.registered_at"`, "registered_at is a date-time"}},
		{"year-only a text", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "chargesheet.title", Kind: MaskYearOnly}}
		}, []string{`mask[0] "chargesheet.title"`, "title is not a date"}},
		{"last4 a date", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "chargesheet.accused[].person.date_of_birth", Kind: MaskLast4}}
		}, []string{`mask[0] "chargesheet.accused[].person.date_of_birth"`,
			"mask kind last4 cannot apply to date_of_birth, a date field: use year-only"}},
		{"initials a date", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "chargesheet.filed_on", Kind: MaskInitials}}
		}, []string{`mask[0] "chargesheet.filed_on"`, "mask kind initials cannot apply to filed_on"}},
		{"last4 a name object", func(p *Policy) {
			p.Mask = []MaskRule{{Path: "fir.complainant.names", Kind: MaskLast4}}
		}, []string{`mask[0] "fir.complainant.names"`, "names is a name object"}},
		{"overlapping masks", func(p *Policy) {
			p.Mask = []MaskRule{
				{Path: "fir.complainant.names", Kind: MaskInitials},
				{Path: "fir.complainant.names[].full", Kind: MaskRedact},
			}
		}, []string{`mask[1] "fir.complainant.names[].full"`, `overlaps the mask on "fir.complainant.names"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.change(&p)
			err := p.Validate()
			if err == nil {
				t.Fatal("Validate returned nil, want an error")
			}
			for _, part := range tt.want {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q lacks %q", err, part)
				}
			}
			if _, cerr := Compile(p); cerr == nil {
				t.Error("Compile accepted the policy that Validate rejects")
			}
		})
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	p := Policy{
		Name:  "prisons",
		Types: []string{"arrest", "bail"},
		Allow: []string{"arrest.person.names", "arrest.persn", "fir.ref"},
		Mask:  []MaskRule{{Path: "arrest.person.date_of_birth", Kind: "blur"}},
	}
	err := p.Validate()
	if err == nil {
		t.Fatal("Validate returned nil, want an error")
	}
	for _, part := range []string{`types[1] "bail"`, `allow[1] "arrest.persn"`,
		`allow[2] "fir.ref"`, `mask[0] "arrest.person.date_of_birth" (blur)`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q lacks %q", err, part)
		}
	}
	if strings.Contains(err.Error(), "allow[0]") {
		t.Errorf("error %q reports the valid allow[0]", err)
	}
}

func TestValidateAcceptsGoodPolicies(t *testing.T) {
	good := []Policy{
		AllowAll,
		{Name: "courts", Types: []string{"chargesheet"}, Allow: []string{
			"chargesheet.accused[].person.names", "chargesheet.charges", "chargesheet.fir",
			"chargesheet.accused[]", "id",
		}},
		{Name: "envelope only", Types: []string{"fir"}},
		{Name: "masked", Types: []string{"fir", "chargesheet"}, Allow: []string{"fir.complainant"},
			Mask: []MaskRule{
				{Path: "fir.complainant.names", Kind: MaskInitials},
				{Path: "fir.complainant.date_of_birth", Kind: MaskYearOnly},
				{Path: "fir.complainant.identifiers[].value", Kind: MaskLast4},
				{Path: "fir.officer.name", Kind: MaskInitials},
				{Path: "chargesheet.lab_results", Kind: MaskRedact},
				{Path: "chargesheet.accused[].person.aliases[].full", Kind: MaskInitials},
			}},
	}
	for _, p := range good {
		if err := p.Validate(); err != nil {
			t.Errorf("policy %q: %v", p.Name, err)
		}
	}
}

func TestAllowAllCoversEveryType(t *testing.T) {
	c := MustCompile(AllowAll)
	for _, typ := range canonical.Types {
		if !c.AllowsType(typ) {
			t.Errorf("AllowAll does not deliver type %s", typ)
		}
	}
}

func TestPolicyFromYAML(t *testing.T) {
	src := `
name: transport
types: [fir, arrest]
allow:
  - fir.ref
  - arrest.person.names
mask:
  - path: arrest.person.date_of_birth
    kind: year-only
`
	var p Policy
	if err := yaml.Unmarshal([]byte(src), &p); err != nil {
		t.Fatalf("yaml.Unmarshal: %v", err)
	}
	want := MaskRule{Path: "arrest.person.date_of_birth", Kind: MaskYearOnly}
	if p.Name != "transport" || len(p.Types) != 2 || len(p.Allow) != 2 ||
		len(p.Mask) != 1 || p.Mask[0] != want {
		t.Fatalf("decoded %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestCompileCopiesPolicy(t *testing.T) {
	p := Policy{Name: "courts", Types: []string{"chargesheet"}, Allow: []string{"chargesheet.charges"}}
	c := MustCompile(p)
	p.Types[0] = "fir"
	p.Allow[0] = "fir.ref"
	got := c.Policy()
	if got.Types[0] != "chargesheet" || got.Allow[0] != "chargesheet.charges" {
		t.Errorf("Compiled.Policy changed with the caller's slices: %+v", got)
	}
	if !c.AllowsType(canonical.TypeChargesheet) || c.AllowsType(canonical.TypeFIR) {
		t.Error("Compiled types changed with the caller's slices")
	}
}

func TestValidateMisspelledTypeReportedOnce(t *testing.T) {
	p := Policy{
		Name:  "prison-need-to-know",
		Types: []string{"court_order", "prisoner_movment"},
		Allow: []string{"court_order", "prisoner_movement.prisoner.number",
			"prisoner_movement.prisoner.prison_code", "prisoner_movement.prisonr", "arrest.person"},
		Mask: []MaskRule{{Path: "prisoner_movement.prisoner.number", Kind: MaskYearOnly}},
	}
	err := p.Validate()
	if err == nil {
		t.Fatal("Validate returned nil, want an error")
	}
	var got []string
	for _, e := range errorsOf(err) {
		got = append(got, e.Pointer)
	}
	// The misspelled type, and the errors that do not follow from it: a
	// field the body lacks, an unlisted type that the misspelling is not
	// close to, and a mask kind that does not fit its field.
	want := []string{"/types/1", "/allow/3", "/allow/4", "/mask/0/kind"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("errors at %q, want %q:\n%v", got, want, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "perhaps a misspelling of prisoner_movement") {
		t.Errorf("error %q does not name the type that prisoner_movment misspells", msg)
	}
	if strings.Contains(err.Error(), "types does not list prisoner_movement") {
		t.Errorf("error %q repeats the misspelling for each path under the type", err)
	}
}

// TestMaskProblemPointers checks that a mask rule's problem points at
// its kind when another kind would fit the field, and at its path when
// the field cannot be masked at all.
func TestMaskProblemPointers(t *testing.T) {
	for _, tt := range []struct {
		mask MaskRule
		want string
	}{
		{MaskRule{Path: "fir.complainant.date_of_birth", Kind: MaskLast4}, "/mask/1/kind"},
		{MaskRule{Path: "fir.complainant.date_of_birth", Kind: MaskRedact}, "/mask/1/kind"},
		{MaskRule{Path: "fir.complainant.names", Kind: MaskLast4}, "/mask/1/kind"},
		{MaskRule{Path: "fir.ref.police_station", Kind: MaskYearOnly}, "/mask/1/kind"},
		{MaskRule{Path: "fir.ref.number", Kind: MaskLast4}, "/mask/1/path"},
		{MaskRule{Path: "fir.complainant.names", Kind: "hash"}, "/mask/1/kind"},
		{MaskRule{Path: "fir.complainant.sex", Kind: MaskRedact}, "/mask/1/path"},
		{MaskRule{Path: "fir.registered_at", Kind: MaskYearOnly}, "/mask/1/path"},
		{MaskRule{Path: "fir.complainant.dob", Kind: MaskYearOnly}, "/mask/1/path"},
		{MaskRule{Path: "case_key", Kind: MaskRedact}, "/mask/1/path"},
	} {
		p := Policy{Name: "court", Types: []string{"fir"}, Allow: []string{"fir"},
			Mask: []MaskRule{{Path: "fir.complainant.occupation", Kind: MaskRedact}, tt.mask}}
		err := p.Validate()
		if err == nil {
			t.Errorf("mask %s on %s: Validate returned nil, want an error", tt.mask.Kind, tt.mask.Path)
			continue
		}
		var got []string
		for _, e := range errorsOf(err) {
			got = append(got, e.Pointer)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("mask %s on %s: errors at %q, want %q:\n%v", tt.mask.Kind, tt.mask.Path, got, tt.want, err)
		}
	}
}

func TestMisspelledType(t *testing.T) {
	for name, want := range map[string]canonical.Type{
		"prisoner_movment":    canonical.TypeMovement,
		"fri":                 canonical.TypeFIR,
		"verification_reqest": canonical.TypeVerificationRequest,
		"bail":                "",
		"warrant":             "",
	} {
		got, ok := misspelledType(name)
		if got != want || ok != (want != "") {
			t.Errorf("misspelledType(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// errorsOf returns the *FieldError values that err joins, in order.
func errorsOf(err error) []*FieldError {
	var out []*FieldError
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if fe, ok := e.(*FieldError); ok {
				out = append(out, fe)
			}
		}
	}
	return out
}
