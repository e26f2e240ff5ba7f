package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// sampleMessages returns the canonical messages of the policy check's
// samples and of the adapters' golden files, as the hub reads them from
// its journal, keyed by file and position.
func sampleMessages(t testing.TB) map[string]canonical.Message {
	t.Helper()
	files, err := filepath.Glob("../policycheck/samples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	golden, err := filepath.Glob("../../adapters/*/testdata/*.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, golden...)
	msgs := map[string]canonical.Message{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var list []canonical.Message
		if strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
			err = json.Unmarshal(data, &list)
		} else {
			list = make([]canonical.Message, 1)
			err = json.Unmarshal(data, &list[0])
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, m := range list {
			msgs[fmt.Sprintf("%s[%d]", file, i)] = m
		}
	}
	if len(msgs) < 40 {
		t.Fatalf("found %d sample messages in %d files, want at least 40", len(msgs), len(files))
	}
	return msgs
}

// wholeBodyPolicies are policies that allow some bodies whole, each a
// different way, and filter or mask the other bodies they deliver.
func wholeBodyPolicies() []Policy {
	ps := []Policy{
		AllowAll,
		aadhaarPolicy("every path"),
		aadhaarPolicy("every path, masked"),
		{Name: "tokens of accused", Types: []string{"chargesheet", "fir"},
			Allow: []string{"chargesheet", "chargesheet.accused[].person.identifiers[].token", "fir.ref"}},
		{Name: "body and members", Types: []string{"arrest", "fir", "prisoner_movement"},
			Allow: []string{"arrest", "arrest.person", "fir", "prisoner_movement.prisoner"}},
		{Name: "body and a mask", Types: []string{"chargesheet", "fir"},
			Allow: []string{"chargesheet", "fir"},
			Mask:  []MaskRule{{Path: "fir.complainant.names", Kind: MaskInitials}}},
	}
	return ps
}

// checkSameAsRoundTrip applies c to m by Apply and by the JSON round
// trip alone and fails unless both give the same message, Decision and
// error, and neither changes m.
func checkSameAsRoundTrip(t *testing.T, c *Compiled, m canonical.Message, name string) {
	t.Helper()
	checkSameResults(t, c, m, name, true)
}

// checkSameResults is checkSameAsRoundTrip, which compares the texts of
// the errors only when exactError is set. The round trip's
// ErrClearAadhaar error names the first member with a number in clear
// that it finds, in no fixed order.
func checkSameResults(t *testing.T, c *Compiled, m canonical.Message, name string, exactError bool) {
	t.Helper()
	before := jsonString(m)
	wantOut, wantD, wantErr := c.applyMessage(&m, false)
	gotOut, gotD, gotErr := c.Apply(&m)
	if after := jsonString(m); after != before {
		t.Errorf("%s, policy %s: input changed", name, c.Name())
	}
	switch {
	case (gotErr == nil) != (wantErr == nil):
		t.Errorf("%s, policy %s: Apply error %v, round trip error %v", name, c.Name(), gotErr, wantErr)
	case gotErr != nil && exactError && gotErr.Error() != wantErr.Error():
		t.Errorf("%s, policy %s: Apply error\n%v\nround trip error\n%v", name, c.Name(), gotErr, wantErr)
	case gotErr != nil && errors.Is(gotErr, ErrClearAadhaar) != errors.Is(wantErr, ErrClearAadhaar):
		t.Errorf("%s, policy %s: Apply error %v, round trip error %v differ in ErrClearAadhaar",
			name, c.Name(), gotErr, wantErr)
	}
	if !reflect.DeepEqual(gotD, wantD) {
		t.Errorf("%s, policy %s: Apply decision\n%+v\nround trip decision\n%+v", name, c.Name(), gotD, wantD)
	}
	if !reflect.DeepEqual(gotOut, wantOut) {
		t.Errorf("%s, policy %s: Apply result\n%s\nround trip result\n%s",
			name, c.Name(), jsonString(gotOut), jsonString(wantOut))
	}
}

func TestCopierCoversCanonicalMessage(t *testing.T) {
	if _, err := messageCopier(); err != nil {
		t.Fatalf("the copier cannot copy canonical.Message, so Apply never copies: %v", err)
	}
}

func TestWholeBodyCopiesSamples(t *testing.T) {
	c := MustCompile(AllowAll)
	for name, m := range sampleMessages(t) {
		body, _ := bodyName(m.Type)
		if !c.whole[body] {
			t.Errorf("%s: allow-all does not copy %s bodies", name, body)
		}
		d := Decision{}
		if _, ok := c.copyWhole(&m, body, &d); !ok {
			t.Errorf("%s: allow-all took the round trip, want the copy", name)
		}
	}
}

func TestWholeBodies(t *testing.T) {
	c := MustCompile(Policy{Name: "some whole", Types: []string{"fir", "chargesheet", "arrest", "court_order"},
		Allow: []string{"fir", "chargesheet", "chargesheet.accused", "arrest.person", "court_order"},
		Mask:  []MaskRule{{Path: "chargesheet.accused[].person.names", Kind: MaskInitials}}})
	want := map[string]bool{"fir": true, "chargesheet": false, "arrest": false, "court_order": true}
	for body, whole := range want {
		if c.whole[body] != whole {
			t.Errorf("whole[%s] = %v, want %v", body, c.whole[body], whole)
		}
	}
}

func TestCopySamplesSameAsRoundTrip(t *testing.T) {
	msgs := sampleMessages(t)
	for _, p := range wholeBodyPolicies() {
		c := MustCompile(p)
		for name, m := range msgs {
			checkSameAsRoundTrip(t, c, m, name)
		}
	}
}

func TestCopyRandomPoliciesSameAsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251201, 89))
	paths := FieldPaths()
	msgs := append(fullMessages(t), realMessages(t)...)
	for i := range 200 {
		p := randomPolicy(rng, paths)
		if rng.IntN(2) == 0 {
			// Allow a listed body whole, so the copy is tried.
			p.Allow = append(p.Allow, p.Types[rng.IntN(len(p.Types))])
		}
		c, err := Compile(p)
		if err != nil {
			t.Fatalf("policy %d %+v: %v", i, p, err)
		}
		for _, m := range msgs {
			checkSameAsRoundTrip(t, c, m, string(m.Type))
		}
	}
}

// aadhaarVariants are identifiers of type Aadhaar, each in a form that
// the round trip and the walk treat differently. Each has at most one
// member with a run of 12 digits, so the error names one path.
func aadhaarVariants(t *testing.T) map[string]canonical.Identifier {
	masked := maskedAadhaarID(t)
	return map[string]canonical.Identifier{
		"masked with token":        masked,
		"masked without token":     {Type: canonical.IDAadhaar, Value: masked.Value},
		"masked, type in capitals": {Type: " AADHAAR ", Value: masked.Value, Token: masked.Token},
		"clear":                    {Type: canonical.IDAadhaar, Value: clearAadhaar},
		"clear with spaces":        {Type: canonical.IDAadhaar, Value: "2345 6789 0124"},
		"clear in Devanagari":      {Type: canonical.IDAadhaar, Value: "२३४५६७८९०१२४"},
		"clear in Malayalam":       {Type: canonical.IDAadhaar, Value: "൨൩൪൫൬൭൮൯൦൧൨൪"},
		"clear in issuer":          {Type: canonical.IDAadhaar, Value: masked.Value, Issuer: clearAadhaar},
		"clear in token":           {Type: canonical.IDAadhaar, Value: masked.Value, Token: clearAadhaar},
		"last four only":           {Type: canonical.IDAadhaar, Value: "0124"},
		"last four in other form":  {Type: canonical.IDAadhaar, Value: "xxxx-xxxx-0124", Token: masked.Token},
		"last four in Devanagari":  {Type: canonical.IDAadhaar, Value: "XXXXXXXX०१२४"},
		"three digits":             {Type: canonical.IDAadhaar, Value: "XXXXXXXXX124"},
		"lower-case mask":          {Type: canonical.IDAadhaar, Value: "xxxxxxxx0124"},
		"empty value":              {Type: canonical.IDAadhaar},
		"token in capitals":        {Type: canonical.IDAadhaar, Value: masked.Value, Token: strings.ToUpper(masked.Token)},
		"token too short":          {Type: canonical.IDAadhaar, Value: masked.Value, Token: masked.Token[:63]},
		"misspelled type":          {Type: "aadhar", Value: clearAadhaar},
		"passport":                 {Type: canonical.IDPassport, Value: "M1234567"},
	}
}

func TestCopyAadhaarSameAsRoundTrip(t *testing.T) {
	variants := aadhaarVariants(t)
	for _, p := range wholeBodyPolicies() {
		c := MustCompile(p)
		for name, id := range variants {
			for _, m := range realMessages(t) {
				setIdentifiers(&m, []canonical.Identifier{id})
				checkSameAsRoundTrip(t, c, m, string(m.Type)+", "+name)
			}
			for _, m := range fullMessages(t) {
				// The round trip's error names one of the persons, in no
				// fixed order.
				setIdentifiers(&m, []canonical.Identifier{id, variants["masked with token"]})
				checkSameResults(t, c, m, "full "+string(m.Type)+", "+name, false)
			}
		}
	}
}

// setIdentifiers sets the identifiers of every person in m to ids.
func setIdentifiers(m *canonical.Message, ids []canonical.Identifier) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[canonical.Person]() {
				v.FieldByName("Identifiers").Set(reflect.ValueOf(append([]canonical.Identifier(nil), ids...)))
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(m))
}

// TestCopyUnusualValuesSameAsRoundTrip covers the values that the round
// trip changes or rejects.
func TestCopyUnusualValuesSameAsRoundTrip(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	cases := map[string]func(m *canonical.Message){
		"time with monotonic clock": func(m *canonical.Message) { m.OccurredAt = time.Now() },
		"time in UTC":               func(m *canonical.Message) { m.OccurredAt = testAt.UTC() },
		"time in local zone":        func(m *canonical.Message) { m.OccurredAt = testAt.Local() },
		"time at offset zero with a name": func(m *canonical.Message) {
			m.OccurredAt = testAt.In(time.FixedZone("GMT", 0))
		},
		"time with nanoseconds": func(m *canonical.Message) {
			m.OccurredAt = time.Date(2025, 1, 2, 3, 4, 5, 600700800, kolkata)
		},
		"zero time with a zone":  func(m *canonical.Message) { m.SentAt = time.Time{}.In(kolkata) },
		"time after year 9999":   func(m *canonical.Message) { m.OccurredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"body time in year 9999": func(m *canonical.Message) { m.FIR.RegisteredAt = time.Date(9999, 12, 31, 0, 0, 0, 0, kolkata) },
		"invalid UTF-8 in envelope": func(m *canonical.Message) {
			m.SenderMessageID = "EKM\xff0412"
		},
		"invalid UTF-8 in body": func(m *canonical.Message) {
			m.FIR.FirstInformation = "The complainant \xc3 states"
		},
		"HTML and line separators": func(m *canonical.Message) {
			m.FIR.FirstInformation = "<b>&</b> \u2028 \u2029 \t \"quoted\""
		},
		"NaN": func(m *canonical.Message) {
			m.FIR.Place = canonical.Place{DistanceKm: math.NaN()}
		},
		"infinity": func(m *canonical.Message) {
			m.FIR.Place = canonical.Place{DistanceKm: math.Inf(1)}
		},
		"negative zero": func(m *canonical.Message) {
			m.FIR.Place = canonical.Place{DistanceKm: math.Copysign(0, -1)}
		},
		"float": func(m *canonical.Message) {
			m.FIR.Place = canonical.Place{DistanceKm: 0.1 + 0.2}
		},
		"empty slice with omitempty": func(m *canonical.Message) {
			m.FIR.Complainant.Aliases = []canonical.Name{}
		},
		"empty slice without omitempty": func(m *canonical.Message) {
			m.FIR.Complainant.Names = []canonical.Name{}
		},
		"nil slice without omitempty": func(m *canonical.Message) {
			m.FIR.Complainant.Names = nil
		},
		"zero struct with omitzero": func(m *canonical.Message) {
			m.FIR.Place = canonical.Place{}
		},
	}
	for _, p := range wholeBodyPolicies() {
		c := MustCompile(p)
		for name, change := range cases {
			m := realMessages(t)[0]
			change(&m)
			checkSameAsRoundTrip(t, c, m, name)
		}
	}
}

func TestIsTokenMatchesPattern(t *testing.T) {
	token := maskedAadhaarID(t).Token
	for _, s := range []string{
		token, strings.ToUpper(token), token[:63], token + "0", token + "\n", "",
		strings.Repeat("g", 64), strings.Repeat("0", 64), strings.Repeat("f", 64),
		strings.Repeat("é", 32), strings.Repeat("/", 64), strings.Repeat(":", 64),
	} {
		if got, want := isToken(s), tokenPattern.MatchString(s); got != want {
			t.Errorf("isToken(%q) = %v, want %v", s, got, want)
		}
	}
}

// copyTarget is a struct with the field forms that the copier copies.
type copyTarget struct {
	Text     string `json:"text"`
	Skipped  string `json:"-"`
	hidden   string
	Numbers  []int              `json:"numbers,omitempty"`
	Empty    []string           `json:"empty"`
	Pointer  *copyTarget        `json:"pointer,omitempty"`
	Array    [2]float32         `json:"array"`
	At       time.Time          `json:"at,omitzero"`
	Nested   []*copyTarget      `json:"nested"`
	Flags    [1]bool            `json:"flags,omitempty"`
	Unsigned uint16             `json:"unsigned,omitzero"`
	Named    canonical.Sex      `json:"named"`
	Inner    struct{ A string } `json:"inner"`
}

func TestCopierSameAsRoundTrip(t *testing.T) {
	src := copyTarget{
		Text: "text", Skipped: "skipped", hidden: "hidden", Numbers: []int{}, Empty: []string{},
		Pointer: &copyTarget{Text: "inner", At: time.Time{}.In(time.FixedZone("IST", 19800))},
		Array:   [2]float32{0.1, 3e38}, At: time.Now(), Nested: []*copyTarget{nil, {Unsigned: 7}},
		Flags: [1]bool{true}, Named: canonical.SexFemale, Inner: struct{ A string }{"a"},
	}
	b := copyBuilder{funcs: map[reflect.Type]*copyFunc{}, structs: map[reflect.Type]*structCopy{}}
	f, err := b.build(reflect.TypeFor[copyTarget]())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var got copyTarget
	if !(*f)(reflect.ValueOf(&got).Elem(), reflect.ValueOf(&src).Elem()) {
		t.Fatal("the copier returned false")
	}
	var want copyTarget
	if err := json.Unmarshal([]byte(jsonString(src)), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("copy\n%#v\nround trip\n%#v", got, want)
	}
}

func TestCopierRejectsUnmodelledForms(t *testing.T) {
	type embedded struct{ A string }
	cases := map[string]reflect.Type{
		"map":       reflect.TypeFor[struct{ M map[string]string }](),
		"interface": reflect.TypeFor[struct{ V any }](),
		"bytes":     reflect.TypeFor[struct{ B []byte }](),
		"embedded":  reflect.TypeFor[struct{ embedded }](),
		"string tag": reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](),
		"odd name": reflect.TypeFor[struct {
			N int `json:"n-1"`
		}](),
		"same name": reflect.TypeFor[struct {
			X int
			Y int `json:"X"`
		}](),
		"marshaler":   reflect.TypeFor[struct{ R json.RawMessage }](),
		"text method": reflect.TypeFor[struct{ N big.Int }](),
	}
	for name, typ := range cases {
		b := copyBuilder{funcs: map[reflect.Type]*copyFunc{}, structs: map[reflect.Type]*structCopy{}}
		if _, err := b.build(typ); err == nil {
			t.Errorf("%s: build accepted %s", name, typ)
		}
	}
}

// FuzzApplyCopy compares Apply with the round trip on a chargesheet whose
// accused carries one identifier made of the fuzzed texts.
func FuzzApplyCopy(f *testing.F) {
	f.Add("aadhaar", "XXXXXXXX0124", "", "UIDAI", "Rajan")
	f.Add("Aadhaar", clearAadhaar, "", "", "Rajan")
	f.Add("aadhaar", "XXXXXXXX0124", strings.Repeat("ab", 32), "", "\xffRajan")
	f.Add("aadhaar", "൦൧൨൩", "", "", "രാജൻ")
	f.Add("AADHAAR ", "1-2-3-4", strings.Repeat("1", 64), "", "")
	t := &testing.T{}
	sheet := realMessages(t)[2]
	policies := []*Compiled{MustCompile(AllowAll), MustCompile(aadhaarPolicy("every path"))}
	f.Fuzz(func(t *testing.T, typ, value, token, issuer, name string) {
		m := sheet
		sheet := *m.Chargesheet
		m.Chargesheet = &sheet
		m.Chargesheet.Accused = []canonical.Accused{{Person: canonical.Person{
			Names:       []canonical.Name{{Full: name}},
			Identifiers: []canonical.Identifier{{Type: typ, Value: value, Token: token, Issuer: issuer}},
		}}}
		id := m.Chargesheet.Accused[0].Person.Identifiers[0]
		clear := 0
		for _, s := range []string{id.Type, id.Value, id.Issuer} {
			if hasDigitRun(s, clearRun) {
				clear++
			}
		}
		if !tokenPattern.MatchString(id.Token) && hasDigitRun(id.Token, clearRun) {
			clear++
		}
		for _, c := range policies {
			checkSameResults(t, c, m, "fuzzed chargesheet", clear <= 1)
		}
	})
}
