package policy

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

// clearPattern matches clearAadhaar with any separators between digits.
var clearPattern = regexp.MustCompile(strings.Join(strings.Split(clearAadhaar, ""), `[\s\-./_]*`))

// bodyPaths returns every field path below the message bodies.
func bodyPaths() []string {
	var paths []string
	for _, p := range FieldPaths() {
		if !envelopeFields[p] {
			paths = append(paths, p)
		}
	}
	return paths
}

func allTypes() []string {
	var types []string
	for _, t := range canonical.Types {
		types = append(types, string(t))
	}
	return types
}

// aadhaarPolicies are policies that deliver every Aadhaar identifier,
// each a different way, with whether each names the tokens exactly.
func aadhaarPolicies() map[string]bool {
	return map[string]bool{"allow-all": false, "every path": true, "every path, masked": true}
}

func aadhaarPolicy(name string) Policy {
	switch name {
	case "every path":
		return Policy{Name: name, Types: allTypes(), Allow: bodyPaths()}
	case "every path, masked":
		p := Policy{Name: name, Types: allTypes(), Allow: bodyPaths()}
		for _, path := range bodyPaths() {
			if strings.HasSuffix(path, "identifiers[].value") {
				p.Mask = append(p.Mask, MaskRule{Path: path, Kind: MaskLast4})
			}
		}
		return p
	}
	return AllowAll
}

// aadhaarIDs returns every Aadhaar identifier in the JSON form of v.
func aadhaarIDs(t *testing.T, v any) []map[string]any {
	t.Helper()
	var found []map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if typ, ok := x["type"].(string); ok && strings.EqualFold(typ, "aadhaar") {
				found = append(found, x)
			}
			for _, kv := range x {
				walk(kv)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(treeOf(t, v))
	return found
}

func TestAadhaarNeverInClear(t *testing.T) {
	masked := maskedAadhaarID(t)
	inputs := map[string]canonical.Identifier{
		"canonical form":     masked,
		"spaced mask":        {Type: "aadhaar", Value: "XXXX XXXX 0124", Token: masked.Token},
		"capitalised type":   {Type: "Aadhaar", Value: "xxxx-xxxx-0124", Token: masked.Token},
		"token not a digest": {Type: "aadhaar", Value: "XXXXXXXX0124", Token: "UIDAI-ref-7"},
	}
	for inputName, id := range inputs {
		ids := []canonical.Identifier{id, {Type: canonical.IDPassport, Value: "M1234567"}}
		for policyName, explicit := range aadhaarPolicies() {
			c := MustCompile(aadhaarPolicy(policyName))
			delivered := 0
			for _, typ := range canonical.Types {
				in := fullMessage(t, typ, ids)
				out, d, err := c.Apply(&in)
				if err != nil {
					t.Fatalf("%s, %s, %s: Apply: %v", inputName, policyName, typ, err)
				}
				if !d.Allowed {
					t.Fatalf("%s, %s: type %s not allowed", inputName, policyName, typ)
				}
				if loc := clearPattern.FindStringIndex(mustJSON(t, out)); loc != nil {
					t.Errorf("%s, %s, %s: result contains the number in clear at byte %d",
						inputName, policyName, typ, loc[0])
				}
				for _, got := range aadhaarIDs(t, out) {
					delivered++
					checkDeliveredAadhaar(t, got, explicit && id.Token == masked.Token)
				}
			}
			if delivered == 0 {
				t.Errorf("%s, %s: no Aadhaar identifier delivered in any type", inputName, policyName)
			}
		}
	}
}

func checkDeliveredAadhaar(t *testing.T, id map[string]any, wantToken bool) {
	t.Helper()
	value, _ := id["value"].(string)
	if value != "XXXXXXXX0124" {
		t.Errorf("Aadhaar value %q, want XXXXXXXX0124", value)
	}
	_, hasToken := id["token"]
	if hasToken != wantToken {
		t.Errorf("Aadhaar token present %v, want %v", hasToken, wantToken)
	}
}

func TestAadhaarClearValueRejected(t *testing.T) {
	masked := maskedAadhaarID(t)
	inputs := map[string]canonical.Identifier{
		"plain":           {Type: "aadhaar", Value: clearAadhaar},
		"spaced":          {Type: "aadhaar", Value: "2345 6789 0124"},
		"hyphens":         {Type: "AADHAAR", Value: "2345-6789-0124"},
		"Devanagari":      {Type: "aadhaar", Value: "२३४५ ६७८९ ०१२४"},
		"virtual ID":      {Type: "aadhaar", Value: "9123 4567 8901 2345"},
		"in issuer":       {Type: "aadhaar", Value: masked.Value, Issuer: "UIDAI " + clearAadhaar},
		"in token":        {Type: "aadhaar", Value: masked.Value, Token: clearAadhaar},
		"beside the mask": {Type: "aadhaar", Value: masked.Value, Issuer: "2345.6789.0124"},
	}
	policies := []Policy{
		AllowAll,
		{Name: "envelope only", Types: allTypes()},
	}
	for inputName, id := range inputs {
		ids := []canonical.Identifier{{Type: canonical.IDPassport, Value: "M1234567"}, id}
		for _, p := range policies {
			c := MustCompile(p)
			for _, typ := range canonical.Types {
				in := fullMessage(t, typ, ids)
				hasIDs := len(aadhaarIDs(t, in)) > 0
				out, _, err := c.Apply(&in)
				if !hasIDs {
					if err != nil {
						t.Errorf("%s, %s, %s (no identifiers): %v", inputName, p.Name, typ, err)
					}
					continue
				}
				if !errors.Is(err, ErrClearAadhaar) {
					t.Errorf("%s, %s, %s: error %v, want ErrClearAadhaar", inputName, p.Name, typ, err)
					continue
				}
				if out.Type != "" || out.Body() != nil {
					t.Errorf("%s, %s, %s: a message came back with the error", inputName, p.Name, typ)
				}
				if clearPattern.MatchString(err.Error()) || strings.Contains(err.Error(), "6789") {
					t.Errorf("%s, %s, %s: error quotes the number: %v", inputName, p.Name, typ, err)
				}
				if !strings.Contains(err.Error(), "identifiers[1].") {
					t.Errorf("%s, %s, %s: error %q does not name the identifier",
						inputName, p.Name, typ, err)
				}
			}
		}
	}
}

func TestAadhaarTokenNeedsExactPath(t *testing.T) {
	masked := maskedAadhaarID(t)
	passport := canonical.Identifier{Type: canonical.IDPassport, Value: "M1234567", Token: masked.Token}
	in := fullMessage(t, canonical.TypeFIR, []canonical.Identifier{masked, passport})
	token := "fir.complainant.identifiers[].token"

	prefix := MustCompile(Policy{Name: "prefix", Types: []string{"fir"}, Allow: []string{"fir.complainant"}})
	out, d, err := prefix.Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := out.FIR.Complainant.Identifiers[0].Token; got != "" {
		t.Errorf("Aadhaar token %q delivered under an allowed prefix", got)
	}
	if got := out.FIR.Complainant.Identifiers[1].Token; got != passport.Token {
		t.Errorf("passport token %q, want it kept", got)
	}
	if !slices.Contains(d.Removed, token) {
		t.Errorf("Decision.Removed %v lacks %q", d.Removed, token)
	}

	exact := MustCompile(Policy{Name: "exact", Types: []string{"fir"},
		Allow: []string{"fir.complainant", token}})
	out, d, err = exact.Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := out.FIR.Complainant.Identifiers[0].Token; got != masked.Token {
		t.Errorf("Aadhaar token %q, want the input's token", got)
	}
	if slices.Contains(d.Removed, token) {
		t.Errorf("Decision.Removed %v lists the allowed token", d.Removed)
	}
}

func TestAadhaarWithoutFourDigits(t *testing.T) {
	ids := []canonical.Identifier{{Type: "aadhaar", Value: "on file"}}
	in := fullMessage(t, canonical.TypeArrest, ids)
	_, _, err := MustCompile(AllowAll).Apply(&in)
	if err == nil {
		t.Fatal("Apply returned nil, want an error")
	}
	if !strings.Contains(err.Error(), "arrest.person.identifiers[0].value") {
		t.Errorf("error %q does not name the value", err)
	}
	if !strings.Contains(err.Error(), "fewer than four digits") {
		t.Errorf("error %q does not name the rule", err)
	}
}

func TestAadhaarDecisionMasked(t *testing.T) {
	ids := []canonical.Identifier{{Type: "aadhaar", Value: "XXXX XXXX 0124"}}
	in := fullMessage(t, canonical.TypeArrest, ids)
	_, d, err := MustCompile(AllowAll).Apply(&in)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want := MaskRule{Path: "arrest.person.identifiers[].value", Kind: MaskAadhaar}
	if len(d.Masked) != 1 || d.Masked[0] != want {
		t.Errorf("Decision.Masked %v, want [%v]", d.Masked, want)
	}
}

func TestHasDigitRun(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"234567890124", true},
		{"2345 6789 0124", true},
		{"2345-6789-0124", true},
		{"2345.6789/0124", true},
		{"२३४५६७८९०१२४", true},
		{"XXXXXXXX0124", false},
		{"23456789012", false},
		{"2345 6789 O124", false},
		{"phone 98470 12345", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hasDigitRun(tt.s, clearRun); got != tt.want {
			t.Errorf("hasDigitRun(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
