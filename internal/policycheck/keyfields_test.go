package policycheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/policy"
	"github.com/sangam-hub/sangam/routes"
)

// keyFieldCase is one field that an adapter declares its receivers need
// unchanged. mask is a text field at or below it that a redact mask
// changes in a sample, or "" for a field that no mask can change, such
// as a boolean.
type keyFieldCase struct {
	agency string
	typ    canonical.Type
	field  string
	mask   string
}

var keyFieldCases = []keyFieldCase{
	{"passport", canonical.TypeVerificationRequest, "verification_request.file_number",
		"verification_request.file_number"},
	{"passport", canonical.TypeVerificationRequest, "verification_request.police_station",
		"verification_request.police_station"},
	{"passport", canonical.TypeVerificationRequest, "verification_request.matches[].case",
		"verification_request.matches[].case.fir.police_station"},
	{"passport", canonical.TypeVerificationReport, "verification_report.file_number",
		"verification_report.file_number"},
	{"police", canonical.TypeFIR, "fir.ref", "fir.ref.police_station"},
	{"police", canonical.TypeArrest, "arrest.fir", "arrest.fir.police_station"},
	{"police", canonical.TypeChargesheet, "chargesheet.fir", "chargesheet.fir.police_station"},
	{"police", canonical.TypeCourtRegistration, "court_registration.fir",
		"court_registration.fir.police_station"},
	{"police", canonical.TypeCourtRegistration, "court_registration.tracking_id",
		"court_registration.tracking_id"},
	{"police", canonical.TypeCourtRegistration, "court_registration.cnr", "court_registration.cnr"},
	{"courts", canonical.TypeChargesheet, "chargesheet.court.code", "chargesheet.court.code"},
	{"courts", canonical.TypeChargesheet, "chargesheet.fir", "chargesheet.fir.police_station"},
	{"courts", canonical.TypeChargesheet, "chargesheet.tracking_id", "chargesheet.tracking_id"},
	{"courts", canonical.TypeChargesheet, "chargesheet.accused[].charged", ""},
	{"prisons", canonical.TypeCourtOrder, "court_order.prisoner.prison_code",
		"court_order.prisoner.prison_code"},
	{"prisons", canonical.TypeCourtOrder, "court_order.prisoner.number", "court_order.prisoner.number"},
	{"prisons", canonical.TypeCourtOrder, "court_order.case", "court_order.case.fir.police_station"},
	{"prisons", canonical.TypeMovement, "prisoner_movement.prisoner.prison_code",
		"prisoner_movement.prisoner.prison_code"},
	{"prisons", canonical.TypeMovement, "prisoner_movement.prisoner.number",
		"prisoner_movement.prisoner.number"},
}

// unrelatedMasks are, for each message type, a text field that no
// adapter declares, so a redact mask on it must pass.
var unrelatedMasks = map[canonical.Type]string{
	canonical.TypeVerificationRequest: "verification_request.applicant.occupation",
	canonical.TypeVerificationReport:  "verification_report.reason",
	canonical.TypeFIR:                 "fir.first_information",
	canonical.TypeArrest:              "arrest.place",
	canonical.TypeChargesheet:         "chargesheet.brief_facts",
	canonical.TypeCourtRegistration:   "court_registration.reason",
	canonical.TypeCourtOrder:          "court_order.judge",
	canonical.TypeMovement:            "prisoner_movement.reason",
}

// policyRoutes returns a routes document with one destination, of
// agency, whose policy accepts typ and has the allow and mask lists.
func policyRoutes(agency string, typ canonical.Type, allow []string, mask map[string]policy.MaskKind) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "version: t\nagencies: [{name: %s}]\ndestinations:\n", agency)
	fmt.Fprintf(&b, "  - name: receiver\n    agency: %s\n    url: \"http://127.0.0.1:9/in\"\n", agency)
	fmt.Fprintf(&b, "    policy:\n      name: trial\n      types: [%s]\n      allow:\n", typ)
	for _, a := range allow {
		fmt.Fprintf(&b, "        - %q\n", a)
	}
	if len(mask) > 0 {
		b.WriteString("      mask:\n")
		for path, kind := range mask {
			fmt.Fprintf(&b, "        - {path: %q, kind: %s}\n", path, kind)
		}
	}
	fmt.Fprintf(&b, "routes:\n  - {name: r, when: 'message.type == \"%s\"', to: [receiver]}\n", typ)
	return []byte(b.String())
}

// allowAllBut returns the allow list that keeps every field of the body
// that path, in normal form, starts in, except path and what is below it.
func allowAllBut(t *testing.T, path string) []string {
	t.Helper()
	parts := strings.Split(path, ".")
	var allow []string
	for i := 1; i < len(parts); i++ {
		parent := strings.TrimSuffix(strings.Join(parts[:i], "."), "[]")
		onPath := strings.TrimSuffix(strings.Join(parts[:i+1], "."), "[]")
		for _, f := range policy.FieldPaths() {
			rest, ok := strings.CutPrefix(f, parent+".")
			if !ok {
				rest, ok = strings.CutPrefix(f, parent+"[].")
			}
			if ok && !strings.Contains(rest, ".") && f != onPath {
				allow = append(allow, f)
			}
		}
	}
	if len(allow) == 0 {
		t.Fatalf("no fields beside %s", path)
	}
	return allow
}

// keyFieldProblem returns the problem with rule routes.RulePolicyKeyField
// that names field, and fails the test unless there is exactly one.
func keyFieldProblem(t *testing.T, problems []routes.Problem, field string) routes.Problem {
	t.Helper()
	var found []routes.Problem
	for _, p := range withRule(problems, routes.RulePolicyKeyField) {
		if strings.Contains(p.Message, " "+field+" ") {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("problems naming %s with rule %s = %v, want one; all problems: %v",
			field, routes.RulePolicyKeyField, found, problems)
	}
	return found[0]
}

func reasonOf(t *testing.T, agency string, typ canonical.Type, field string) string {
	t.Helper()
	a, ok := adapterSet(t).Adapter(agency)
	if !ok {
		t.Fatalf("no %s adapter", agency)
	}
	declarer, ok := a.(adapters.KeyFields)
	if !ok {
		t.Fatalf("the %s adapter does not implement adapters.KeyFields", agency)
	}
	for _, f := range declarer.KeyFields(typ) {
		if f.Path == field {
			return f.Reason
		}
	}
	t.Fatalf("the %s adapter does not declare %s for %s messages", agency, field, typ)
	return ""
}

func TestKeyFieldMaskedRejected(t *testing.T) {
	for _, c := range keyFieldCases {
		if c.mask == "" {
			continue
		}
		t.Run(c.agency+"/"+c.field, func(t *testing.T) {
			doc := policyRoutes(c.agency, c.typ, []string{string(c.typ)},
				map[string]policy.MaskKind{c.mask: policy.MaskRedact})
			p := keyFieldProblem(t, check(t, doc), c.field)
			if p.Pointer != "/destinations/0/policy" {
				t.Errorf("pointer = %s, want /destinations/0/policy", p.Pointer)
			}
			for _, want := range []string{`destination "receiver"`, `policy "trial"`,
				"in " + string(c.typ) + " messages", "masks", c.agency + " format",
				reasonOf(t, c.agency, c.typ, c.field)} {
				if !strings.Contains(p.Message, want) {
					t.Errorf("message lacks %q: %s", want, p.Message)
				}
			}
		})
	}
}

func TestKeyFieldRemovedRejected(t *testing.T) {
	for _, c := range keyFieldCases {
		t.Run(c.agency+"/"+c.field, func(t *testing.T) {
			doc := policyRoutes(c.agency, c.typ, allowAllBut(t, c.field), nil)
			p := keyFieldProblem(t, check(t, doc), c.field)
			if want := "the policy removes " + c.field + ","; !strings.Contains(p.Message, want) {
				t.Errorf("message lacks %q: %s", want, p.Message)
			}
		})
	}
}

func TestUnrelatedMaskPasses(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range keyFieldCases {
		key := c.agency + "/" + string(c.typ)
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Run(key, func(t *testing.T) {
			field, ok := unrelatedMasks[c.typ]
			if !ok {
				t.Fatalf("no unrelated field for %s", c.typ)
			}
			doc := policyRoutes(c.agency, c.typ, []string{string(c.typ)},
				map[string]policy.MaskKind{field: policy.MaskRedact})
			if problems := check(t, doc); len(problems) != 0 {
				t.Errorf("problems = %v, want none", problems)
			}
		})
	}
}

// A masked member below a declared object names the member.
func TestKeyFieldMaskedMemberNamed(t *testing.T) {
	doc := policyRoutes("courts", canonical.TypeChargesheet, []string{"chargesheet"},
		map[string]policy.MaskKind{"chargesheet.fir.national_id": policy.MaskLast4})
	p := keyFieldProblem(t, check(t, doc), "chargesheet.fir")
	want := "masks chargesheet.fir.national_id (last4) in chargesheet.fir"
	if !strings.Contains(p.Message, want) {
		t.Errorf("message lacks %q: %s", want, p.Message)
	}
}

// A mask or removal below a declared field is rejected even where no
// sample shows it: the sample lacks the member, or keeps its value.
func TestKeyFieldMemberWithoutSampleRejected(t *testing.T) {
	cases := []struct {
		name   string
		agency string
		typ    canonical.Type
		allow  []string
		mask   map[string]policy.MaskKind
		field  string
		want   string
	}{
		{"member no sample has", "police", canonical.TypeArrest, []string{"arrest"},
			map[string]policy.MaskKind{"arrest.fir.national_id": policy.MaskRedact},
			"arrest.fir", "masks arrest.fir.national_id (redact) in arrest.fir"},
		{"member in an array element", "passport", canonical.TypeVerificationRequest,
			[]string{"verification_request"},
			map[string]policy.MaskKind{"verification_request.matches[].case.court.district": policy.MaskRedact},
			"verification_request.matches[].case",
			"masks verification_request.matches[].case.court.district (redact) in " +
				"verification_request.matches[].case"},
		{"court of a case", "prisons", canonical.TypeCourtOrder, []string{"court_order"},
			map[string]policy.MaskKind{"court_order.case.court.code": policy.MaskLast4},
			"court_order.case", "masks court_order.case.court.code (last4) in court_order.case"},
		{"mask that keeps short sample values", "courts", canonical.TypeChargesheet,
			[]string{"chargesheet"}, map[string]policy.MaskKind{"chargesheet.fir.district": policy.MaskLast4},
			"chargesheet.fir", "masks chargesheet.fir.district (last4) in chargesheet.fir"},
		{"member left out of the allow-list", "police", canonical.TypeArrest,
			append(allowAllBut(t, "arrest.fir"), "arrest.fir.state", "arrest.fir.district",
				"arrest.fir.police_station", "arrest.fir.year", "arrest.fir.number"),
			nil, "arrest.fir", "removes arrest.fir.national_id from arrest.fir"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := policyRoutes(c.agency, c.typ, c.allow, c.mask)
			p := keyFieldProblem(t, check(t, doc), c.field)
			if !strings.Contains(p.Message, c.want) {
				t.Errorf("message lacks %q: %s", c.want, p.Message)
			}
			if strings.Contains(p.Message, "seen in the sample") {
				t.Errorf("message names a sample that does not show the change: %s", p.Message)
			}
		})
	}
}

// Every declared field has a case above, is a valid path in normal form,
// and has a value in a sample that its adapter encodes, so the check can
// find a policy that changes it.
func TestKeyFieldsDeclaredAndSampled(t *testing.T) {
	cased := map[string]bool{}
	for _, c := range keyFieldCases {
		cased[c.agency+" "+c.field] = true
	}
	samples, err := Samples()
	if err != nil {
		t.Fatal(err)
	}
	set := adapterSet(t)
	for _, agency := range set.Agencies() {
		a, _ := set.Adapter(agency)
		declarer, ok := a.(adapters.KeyFields)
		if !ok {
			continue
		}
		for _, typ := range canonical.Types {
			for _, f := range declarer.KeyFields(typ) {
				if !cased[agency+" "+f.Path] {
					t.Errorf("%s declares %s, which keyFieldCases does not test", agency, f.Path)
				}
				if normal, err := policy.NormalPath(f.Path); err != nil || normal != f.Path {
					t.Errorf("%s declares %s: normal form %q, error %v", agency, f.Path, normal, err)
				}
				if !strings.HasPrefix(f.Path, string(typ)+".") {
					t.Errorf("%s declares %s for %s messages, outside their body", agency, f.Path, typ)
				}
				if f.Reason == "" {
					t.Errorf("%s declares %s without a reason", agency, f.Path)
				}
				if !sampled(t, a, samples, typ, f.Path) {
					t.Errorf("no sample of type %s that the %s adapter encodes has %s",
						typ, agency, f.Path)
				}
			}
		}
	}
}

func sampled(t *testing.T, a adapters.Adapter, samples []Sample, typ canonical.Type, path string) bool {
	t.Helper()
	for i := range samples {
		m := &samples[i].Message
		if m.Type != typ {
			continue
		}
		if _, err := a.Encode(m); err != nil {
			continue
		}
		values, err := policy.Values(m, path)
		if err != nil {
			t.Fatal(err)
		}
		if len(values) > 0 {
			return true
		}
	}
	return false
}
