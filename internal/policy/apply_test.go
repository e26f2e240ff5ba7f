package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func fullOf(t *testing.T, typ canonical.Type) canonical.Message {
	t.Helper()
	for _, m := range fullMessages(t) {
		if m.Type == typ {
			return m
		}
	}
	t.Fatalf("no full message of type %s", typ)
	return canonical.Message{}
}

func envelopeNames() []string { return sortedKeys(envelopeFields) }

// wantLeaves returns the leaves of in that a policy allowing allowed
// must deliver: those under an allowed path or in the envelope, less
// Aadhaar tokens that no allowed path names exactly.
func wantLeaves(t *testing.T, in canonical.Message, allowed []string) []string {
	t.Helper()
	var want []string
	for p := range leafPaths(t, in) {
		if strings.HasSuffix(p, "identifiers[].token") && !slices.Contains(allowed, p) {
			continue
		}
		if underAny(p, append(allowed, envelopeNames()...)) {
			want = append(want, p)
		}
	}
	sort.Strings(want)
	return want
}

func TestApplyPathForms(t *testing.T) {
	tests := []struct {
		typ         canonical.Type
		allow       []string
		wantRemoved string // one entry Decision.Removed must list
	}{
		{canonical.TypeChargesheet, []string{"chargesheet"}, "chargesheet.accused[].person.identifiers[].token"},
		{canonical.TypeChargesheet, []string{"chargesheet.charges"}, "chargesheet.accused"},
		{canonical.TypeChargesheet, []string{"chargesheet.charges[]"}, "chargesheet.witnesses"},
		{canonical.TypeChargesheet, []string{"chargesheet.fir"}, "chargesheet.charges"},
		{canonical.TypeChargesheet, []string{"chargesheet.accused[].person.names"},
			"chargesheet.accused[].person.identifiers"},
		{canonical.TypeChargesheet, []string{"chargesheet.accused[].person.names[].full"},
			"chargesheet.accused[].person.names[].script"},
		{canonical.TypeChargesheet, []string{"chargesheet.accused"}, "chargesheet.title"},
		{canonical.TypeChargesheet, []string{"chargesheet.lab_results[]", "chargesheet.fir.number"},
			"chargesheet.fir.state"},
		{canonical.TypeChargesheet, []string{"chargesheet.accused[].person.identifiers[].token"},
			"chargesheet.accused[].person.identifiers[].value"},
		{canonical.TypeFIR, []string{"fir.complainant", "fir.ref", "id"}, "fir.accused"},
		{canonical.TypeCourtRegistration, []string{"court_registration"}, ""},
		{canonical.TypeArrest, []string{"arrest.person.addresses", "arrest.at"}, "arrest.person.names"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.allow, ","), func(t *testing.T) {
			p := Policy{Name: "test", Types: []string{string(tt.typ)}, Allow: tt.allow}
			in := fullOf(t, tt.typ)
			out, d, err := MustCompile(p).Apply(&in)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if !d.Allowed {
				t.Fatal("Decision.Allowed is false")
			}
			if err := out.CheckBody(); err != nil {
				t.Errorf("result: %v", err)
			}
			got := sortedKeys(leafPaths(t, out))
			want := wantLeaves(t, in, tt.allow)
			if !slices.Equal(got, want) {
				t.Errorf("leaves of the result:\n%s\nwant:\n%s",
					strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if tt.wantRemoved != "" && !slices.Contains(d.Removed, tt.wantRemoved) {
				t.Errorf("Decision.Removed %v lacks %q", d.Removed, tt.wantRemoved)
			}
		})
	}
}

func TestApplyTypeNotAllowed(t *testing.T) {
	c := MustCompile(Policy{Name: "transport", Types: []string{"fir"}, Allow: []string{"fir"}})
	in := fullOf(t, canonical.TypeChargesheet)
	out, d, err := c.Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if d.Allowed {
		t.Error("Decision.Allowed is true for a type the policy does not list")
	}
	if d.Policy != "transport" || d.Type != canonical.TypeChargesheet {
		t.Errorf("Decision names policy %q and type %q", d.Policy, d.Type)
	}
	if out.Type != "" || out.Chargesheet != nil {
		t.Errorf("result is not the zero message: %+v", out)
	}
}

func TestApplyEnvelopeOnly(t *testing.T) {
	c := MustCompile(Policy{Name: "notify", Types: []string{"fir"}})
	in := fullOf(t, canonical.TypeFIR)
	out, d, err := c.Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if out.FIR == nil {
		t.Fatal("result has no fir body")
	}
	if out.ID != in.ID || out.CaseKey != in.CaseKey || !out.OccurredAt.Equal(in.OccurredAt) ||
		out.SchemaVersion != in.SchemaVersion || out.CorrelationID != in.CorrelationID {
		t.Errorf("envelope changed: got %+v", out)
	}
	if out.FIR.FirstInformation != "" || out.FIR.Complainant.Names != nil || len(out.FIR.Charges) != 0 {
		t.Errorf("body fields survived: %+v", out.FIR)
	}
	for _, want := range []string{"fir.ref", "fir.complainant", "fir.first_information"} {
		if !slices.Contains(d.Removed, want) {
			t.Errorf("Decision.Removed %v lacks %q", d.Removed, want)
		}
	}
	if slices.Contains(d.Removed, "fir.complainant.identifiers[].token") {
		t.Errorf("Decision.Removed lists a path inside the removed complainant: %v", d.Removed)
	}
}

func TestApplyMasks(t *testing.T) {
	p := Policy{
		Name:  "masked",
		Types: []string{"chargesheet"},
		Allow: []string{"chargesheet.accused", "chargesheet.charges"},
		Mask: []MaskRule{
			{Path: "chargesheet.accused[].person.names", Kind: MaskInitials},
			{Path: "chargesheet.accused[].person.date_of_birth", Kind: MaskYearOnly},
			{Path: "chargesheet.accused[].person.identifiers[].value", Kind: MaskLast4},
			{Path: "chargesheet.accused[].person.addresses[].line", Kind: MaskRedact},
			{Path: "chargesheet.investigating_officer.name", Kind: MaskInitials},
			{Path: "chargesheet.lab_results", Kind: MaskRedact},
			{Path: "chargesheet.filed_on", Kind: MaskYearOnly},
		},
	}
	in := fullOf(t, canonical.TypeChargesheet)
	in.Chargesheet.Accused[0].Person.Names[0] = canonical.Name{
		Full: "Rajan k. Pillai", Given: "Rajan", Family: "Pillai", Initials: "K.", Script: "Latn",
	}
	in.Chargesheet.Accused[0].Person.Names[1] = canonical.Name{Full: "രാജൻ കെ. പി.", Script: "Mlym"}
	in.Chargesheet.InvestigatingOfficer.Name = "Anil Kumar"

	out, d, err := MustCompile(p).Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}

	person := out.Chargesheet.Accused[0].Person
	checks := []struct{ what, got, want string }{
		{"name full", person.Names[0].Full, "R. K. P."},
		{"name given", person.Names[0].Given, "R."},
		{"name family", person.Names[0].Family, "P."},
		{"name initials", person.Names[0].Initials, "K."},
		{"name script", person.Names[0].Script, "Latn"},
		{"Malayalam name", person.Names[1].Full, "ര. ക. പ."},
		{"date of birth, moved to birth_year", person.DateOfBirth, ""},
		{"birth year", fmt.Sprint(person.BirthYear), "1984"},
		{"Aadhaar value", person.Identifiers[0].Value, "XXXXXXXX0124"},
		{"passport value", person.Identifiers[1].Value, "XXXX4567"},
		{"address line", person.Addresses[0].Line, "REDACTED"},
		{"address city, allowed in clear", person.Addresses[0].City, "Text of city"},
		{"officer name", out.Chargesheet.InvestigatingOfficer.Name, "A. K."},
		{"officer rank, not allowed", out.Chargesheet.InvestigatingOfficer.Rank, ""},
		{"lab result", out.Chargesheet.LabResults[1], "REDACTED"},
		{"filed on", out.Chargesheet.FiledOn, "1984"},
		{"title, not allowed", out.Chargesheet.Title, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(out.Chargesheet.LabResults) != 2 {
		t.Errorf("lab results: got %d, want 2", len(out.Chargesheet.LabResults))
	}

	for _, want := range []MaskRule{
		{Path: "chargesheet.accused[].person.names", Kind: MaskInitials},
		{Path: "chargesheet.lab_results", Kind: MaskRedact},
		{Path: "chargesheet.investigating_officer.name", Kind: MaskInitials},
	} {
		if !slices.Contains(d.Masked, want) {
			t.Errorf("Decision.Masked %v lacks %v", d.Masked, want)
		}
	}
	if !slices.Contains(d.Removed, "chargesheet.investigating_officer.rank") {
		t.Errorf("Decision.Removed %v lacks the officer's rank", d.Removed)
	}
}

func TestMaskText(t *testing.T) {
	tests := []struct {
		in   string
		kind MaskKind
		want string
	}{
		{"M1234567", MaskLast4, "XXXX4567"},
		{"1234", MaskLast4, "1234"},
		{"ab", MaskLast4, "ab"},
		{"KL-07-AB-1234", MaskLast4, "XXXXXXXXX1234"},
		{"കൊച്ചി 682017", MaskLast4, "XXXXXXXXX2017"}, // counts code points
		{"anything", MaskRedact, "REDACTED"},
		{"", MaskRedact, ""},
		{"1984-03-02", MaskYearOnly, "1984"},
		{"1984", MaskYearOnly, "1984"},
		{"rajan  kumar", MaskInitials, "R. K."},
		{"K. R. Meera", MaskInitials, "K. R. M."},
		{"(late) Pappan", MaskInitials, "L. P."},
		{"राम प्रसाद", MaskInitials, "र. प."},
		{"-- 42", MaskInitials, ""},
	}
	for _, tt := range tests {
		got, err := maskText(tt.in, tt.kind, "x")
		if err != nil {
			t.Errorf("maskText(%q, %s): %v", tt.in, tt.kind, err)
			continue
		}
		if got != tt.want {
			t.Errorf("maskText(%q, %s) = %q, want %q", tt.in, tt.kind, got, tt.want)
		}
	}
}

func TestApplyYearOnlyRejectsNonDate(t *testing.T) {
	p := Policy{Name: "dates", Types: []string{"court_registration"},
		Mask: []MaskRule{{Path: "court_registration.next_hearing", Kind: MaskYearOnly}}}
	in := fullOf(t, canonical.TypeCourtRegistration)
	in.CourtRegistration.NextHearing = "15 January 2026"
	_, _, err := MustCompile(p).Apply(&in)
	if err == nil {
		t.Fatal("Apply returned nil, want an error for a date that is not YYYY-MM-DD")
	}
	for _, part := range []string{`policy "dates"`, "court_registration.next_hearing", "not a date"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q lacks %q", err, part)
		}
	}
	if strings.Contains(err.Error(), "January") {
		t.Errorf("error %q quotes the value", err)
	}
}

func TestApplyLeavesInputUnchanged(t *testing.T) {
	policies := []Policy{
		AllowAll,
		{Name: "narrow", Types: []string{"fir", "chargesheet"}, Allow: []string{"fir.ref"},
			Mask: []MaskRule{{Path: "chargesheet.accused[].person.names", Kind: MaskInitials}}},
	}
	for _, in := range fullMessages(t) {
		for _, p := range policies {
			before := mustJSON(t, in)
			if _, _, err := MustCompile(p).Apply(&in); err != nil {
				t.Fatalf("%s, policy %s: %v", in.Type, p.Name, err)
			}
			if after := mustJSON(t, in); after != before {
				t.Errorf("%s, policy %s: input changed\nbefore %s\nafter  %s",
					in.Type, p.Name, before, after)
			}
		}
	}
}

func TestApplyResultSharesNoMemory(t *testing.T) {
	in := fullOf(t, canonical.TypeChargesheet)
	out, _, err := MustCompile(AllowAll).Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	before := mustJSON(t, in)
	out.Chargesheet.Accused[0].Person.Names[0].Full = "changed"
	out.Chargesheet.LabResults[0] = "changed"
	out.Chargesheet.FIR.Number = 99
	if after := mustJSON(t, in); after != before {
		t.Error("changing the result changed the input")
	}
}

func TestApplyBadBodies(t *testing.T) {
	c := MustCompile(AllowAll)
	noBody := envelope(canonical.TypeFIR)
	twoBodies := fullOf(t, canonical.TypeFIR)
	twoBodies.CourtRegistration = fullOf(t, canonical.TypeCourtRegistration).CourtRegistration
	for name, m := range map[string]*canonical.Message{
		"no body": &noBody, "two bodies": &twoBodies, "nil": nil,
	} {
		_, _, err := c.Apply(m)
		if err == nil {
			t.Errorf("%s: Apply returned nil, want an error", name)
		} else if !strings.Contains(err.Error(), `applying policy "allow-all"`) {
			t.Errorf("%s: error %q lacks the policy", name, err)
		}
	}
}

// realMessages returns realistic messages of the types the canonical
// schema describes, each valid against it.
func realMessages(t *testing.T) []canonical.Message {
	t.Helper()
	ref := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	person := canonical.Person{
		Names:       []canonical.Name{{Full: "Rajan K. P.", Script: "Latn"}},
		Sex:         canonical.SexMale,
		DateOfBirth: "1984-03-02",
		Addresses:   []canonical.Address{{Kind: "present", City: "Kochi", PIN: "682017"}},
		Identifiers: []canonical.Identifier{maskedAadhaarID(t)},
	}
	charges := []canonical.Charge{{Sequence: 1, Act: canonical.ActBNS, Section: "303(2)"}}
	officer := canonical.Officer{Name: "Anil Kumar", Rank: "Sub Inspector"}

	fir := envelope(canonical.TypeFIR)
	fir.FIR = &canonical.FIR{Ref: ref, RegisteredAt: testAt, Charges: charges,
		Complainant: person, FirstInformation: "The complainant states that ..."}
	arrest := envelope(canonical.TypeArrest)
	arrest.Arrest = &canonical.Arrest{FIR: ref, Person: person, At: testAt, Place: "Kaloor", By: officer}
	sheet := envelope(canonical.TypeChargesheet)
	sheet.Chargesheet = &canonical.Chargesheet{FIR: &ref, Kind: canonical.FinalChargesheet,
		Accused: []canonical.Accused{{Person: person, Status: canonical.AccusedArrested}},
		Charges: charges, FiledOn: "2025-12-01"}
	reg := envelope(canonical.TypeCourtRegistration)
	reg.CourtRegistration = &canonical.CourtRegistration{CNR: "KLER010011872025",
		Court: canonical.Court{Code: "KLER01"}, FIR: &ref, NextHearing: "2026-01-15"}
	return []canonical.Message{fir, arrest, sheet, reg}
}

func TestAllowAllResultStaysValid(t *testing.T) {
	c := MustCompile(AllowAll)
	for _, in := range realMessages(t) {
		if err := schemas.ValidateValue("canonical/message.json", in); err != nil {
			t.Fatalf("%s input is invalid: %v", in.Type, err)
		}
		out, _, err := c.Apply(&in)
		if err != nil {
			t.Fatalf("%s: Apply: %v", in.Type, err)
		}
		if err := schemas.ValidateValue("canonical/message.json", out); err != nil {
			t.Errorf("%s: result is invalid: %v", in.Type, err)
		}
	}
}

func TestApplyRemovedRequiredFieldFailsSchema(t *testing.T) {
	c := MustCompile(Policy{Name: "charges only", Types: []string{"chargesheet"},
		Allow: []string{"chargesheet.charges"}})
	in := realMessages(t)[2]
	out, _, err := c.Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	err = schemas.ValidateValue("canonical/message.json", out)
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("schema check of a chargesheet without kind: %v, want a *schemas.ValidationError", err)
	}
	if !strings.Contains(err.Error(), "/chargesheet/kind") {
		t.Errorf("violations %q do not name /chargesheet/kind", err)
	}
}

func TestApplyConcurrently(t *testing.T) {
	c := MustCompile(Policy{Name: "courts", Types: []string{"chargesheet"},
		Allow: []string{"chargesheet.accused"},
		Mask:  []MaskRule{{Path: "chargesheet.accused[].person.names", Kind: MaskInitials}}})
	in := fullOf(t, canonical.TypeChargesheet)
	want := mustJSON(t, applyOK(t, c, &in))
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Go(func() {
			out, _, err := c.Apply(&in)
			if err == nil {
				results[i] = jsonString(out)
			}
		})
	}
	wg.Wait()
	for i, got := range results {
		if got != want {
			t.Errorf("goroutine %d: result differs from a single Apply", i)
		}
	}
}

func applyOK(t *testing.T, c *Compiled, m *canonical.Message) canonical.Message {
	t.Helper()
	out, _, err := c.Apply(m)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return out
}

func jsonString(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}
