// Package jsondoctest holds the test helpers of the JSON adapters:
// police, prisons and passport. Tests run with the package folder as
// their working directory, so testdata is that adapter's own.
package jsondoctest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Key is the Aadhaar key of the tests' adapters.
var Key = []byte("sangam test key, 32 bytes long!!")

// Now is the tests' current time, so that future dates stay future.
var Now = time.Date(2026, time.June, 30, 12, 0, 0, 0, jsondoc.IST)

// Clock returns Now. It is the tests' Config.Now.
func Clock() time.Time { return Now }

var update = flag.Bool("update", false,
	"rewrite the golden files in testdata from the current decoder and encoder")

// Inputs returns the documents in testdata whose names end in ext, such
// as ".json", keyed by name without ext. Golden files are left out.
func Inputs(t testing.TB, ext string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/*" + ext)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		if strings.HasSuffix(p, ".golden.json") {
			continue
		}
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ext)] = body
	}
	if len(out) == 0 {
		t.Fatalf("no %s inputs in testdata", ext)
	}
	return out
}

// Comparable clears the fields the hub sets, identifier tokens among
// them, and normalizes times through JSON, so that equal instants with
// equal offsets compare equal. A decoder drops the tokens that a
// document carries, so a round trip keeps none. It clears SentAt too,
// because a message without it, such as one read from NIEM XML, leaves
// with another time as sent_at, which reads back as SentAt. The golden
// files and the adapters' own tests check SentAt.
func Comparable(m canonical.Message) canonical.Message {
	m.ID, m.Source, m.SentAt, m.ReceivedAt = "", "", time.Time{}, time.Time{}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	dropTokens(doc)
	if b, err = json.Marshal(doc); err != nil {
		panic(err)
	}
	var out canonical.Message
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// dropTokens deletes every "token" member in v, the identifiers' only
// member of that name.
func dropTokens(v any) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, "token")
		for _, child := range v {
			dropTokens(child)
		}
	case []any:
		for _, child := range v {
			dropTokens(child)
		}
	}
}

// Golden compares the messages decoded from input name with
// testdata/NAME.golden.json, written as indented JSON.
func Golden(t *testing.T, name string, messages []canonical.Message) {
	t.Helper()
	got, err := json.MarshalIndent(messages, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden.json")
	CompareFile(t, "decoded "+name, path, append(got, '\n'))
}

// CompareFile fails the test when got differs from the file at path,
// naming got by label in the message. Run the tests with -update to
// rewrite the files from got after a deliberate change, and review the
// diff.
func CompareFile(t *testing.T, label, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s\ngot:\n%s", label, path, got)
	}
}

// Delete is the Edit value that removes the member at the pointer.
var Delete = new(int)

// Edit changes one value of a JSON document: it sets the value at
// Pointer, or removes the object member there when Value is Delete.
type Edit struct {
	Pointer string
	Value   any
}

// Apply returns the JSON document body with edits made in order.
func Apply(t testing.TB, body []byte, edits ...Edit) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		doc = Set(t, doc, e.Pointer, e.Value)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ApplyEdits returns the JSON document body with each pointer in edits
// set to its value, or its object member removed when the value is nil.
// The pointers must not overlap, because a map has no order.
func ApplyEdits(t testing.TB, body []byte, edits map[string]any) []byte {
	t.Helper()
	var list []Edit
	for pointer, value := range edits {
		if value == nil {
			value = Delete
		}
		list = append(list, Edit{Pointer: pointer, Value: value})
	}
	return Apply(t, body, list...)
}

// Set sets the value at pointer in the decoded JSON node, or removes the
// object member there when value is Delete, and returns the node. Its
// reference tokens are used as they are, without unescaping.
func Set(t testing.TB, node any, pointer string, value any) any {
	t.Helper()
	return set(t, node, strings.Split(pointer, "/")[1:], value)
}

func set(t testing.TB, node any, tokens []string, value any) any {
	t.Helper()
	if len(tokens) == 0 {
		return value
	}
	switch n := node.(type) {
	case map[string]any:
		if len(tokens) == 1 && value == Delete {
			delete(n, tokens[0])
			return n
		}
		n[tokens[0]] = set(t, n[tokens[0]], tokens[1:], value)
		return n
	case []any:
		i, err := strconv.Atoi(tokens[0])
		if err != nil || i >= len(n) {
			t.Fatalf("edit: no array element %q", tokens[0])
		}
		n[i] = set(t, n[i], tokens[1:], value)
		return n
	}
	t.Fatalf("edit: cannot descend into %T at %q", node, tokens[0])
	return nil
}

// Violation is the pointer and the rule of a schemas.Violation, which
// are what tests compare. It is an array rather than a struct, so that
// tables in other packages can list violations as {pointer, rule}
// without go vet asking for field names.
type Violation [2]string

// String returns v as {pointer rule}.
func (v Violation) String() string { return "{" + v[0] + " " + v[1] + "}" }

// ViolationsOf returns the violations err carries, in order, and fails
// the test when err is no validation error.
func ViolationsOf(t testing.TB, err error) []Violation {
	t.Helper()
	vs := schemas.Violations(err)
	if vs == nil {
		t.Fatalf("error = %v, want a validation error", err)
	}
	var out []Violation
	for _, v := range vs {
		out = append(out, Violation{v.Pointer, v.Rule})
	}
	return out
}

// Sorted returns the locations and rules of vs sorted by pointer, then
// rule.
func Sorted(vs []schemas.Violation) []Violation {
	out := make([]Violation, len(vs))
	for i, v := range vs {
		out[i] = Violation{v.Pointer, v.Rule}
	}
	slices.SortFunc(out, func(a, b Violation) int {
		return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1])
	})
	return out
}

// CheckAadhaarNumbers sets the value at pointer to each of
// aadhaarLikeNumbers and plainNumbers in turn, with decode, which
// returns the decoder's error. It requires a violation of rule
// canonical.RuleAadhaarLike at the number for each of the first, at
// the last element for a list, and none for the second.
func CheckAadhaarNumbers(t *testing.T, pointer string, decode func(value json.RawMessage) error) {
	t.Helper()
	for _, value := range aadhaarLikeNumbers {
		at := pointer
		if value[0] == '[' {
			at += "/2"
		}
		want := Violation{at, canonical.RuleAadhaarLike}
		got := Sorted(schemas.Violations(decode(json.RawMessage(value))))
		if !slices.Contains(got, want) {
			t.Errorf("%s %s: violations %v, want %v among them", pointer, value, got, want)
		}
	}
	for _, value := range plainNumbers {
		for _, v := range Sorted(schemas.Violations(decode(json.RawMessage(value)))) {
			if v[1] == canonical.RuleAadhaarLike {
				t.Errorf("%s %s: violation %v, want none of rule %s", pointer, value, v, v[1])
			}
		}
	}
}

// aadhaarLikeNumbers are JSON values that write the valid Aadhaar number
// 4918 7362 5403 with JSON numbers.
var aadhaarLikeNumbers = []string{
	"491873625403", "491873625403.5", "-491873625403", "0.491873625403",
	"4918.73625403", "491873625403e0",
	"[4918, 7362, 5403]", "[1, 4918.7362, 5403]", "[4918, -7362, -5403]",
	// Numbers whose value the hub writes back as one: with an exponent,
	// with trailing zeros, or in Marshal's exponent form.
	"4918736254030e-1", "0.0491873625403e5", "4.91873625403E+11", "-4918736254030E-1",
	"4918736254030000e-12", "4918.7362540300", "0.4918736254030",
	"0.000000491873625403", "[4918, 73.62e2, 5403]",
}

// plainNumbers are JSON values of numbers that contain no Aadhaar
// number: the check digit fails, the digits run on past twelve, or
// other values part the groups.
var plainNumbers = []string{
	"491873625404", "1491873625403", "4918736254031", "165000",
	`[4918, "7362", 5403]`, "[4918, [7362], 5403]", "[49187, 362, 5403]",
	"4918736254040e-1", "1491873625403e0", "1.65e5", "165000.00", "4918.7362540400",
	"1e308", "1E-308", "[4918, 7362e1, 5403]",
}

// CheckNumberSizes calls decode with JSON numbers placed at pointer:
// each number longer than jsondoc.MaxNumberLength or with an exponent
// beyond jsondoc.MaxExponent must get a violation of rule
// jsondoc.RuleNumberSize at pointer, and each number within both limits
// none. The schema validator panics on some of the numbers beyond them.
func CheckNumberSizes(t *testing.T, pointer string, decode func(value json.RawMessage) error) {
	t.Helper()
	long := "1" + strings.Repeat("0", jsondoc.MaxNumberLength)
	for _, value := range []string{"1e999999999", "1e-4918736254", "1e999999", "-2E+309", "5e-309", long} {
		want := Violation{pointer, jsondoc.RuleNumberSize}
		if got := Sorted(schemas.Violations(decode(json.RawMessage(value)))); !slices.Contains(got, want) {
			t.Errorf("%s %s: violations %v, want %v among them", pointer, value, got, want)
		}
	}
	for _, value := range []string{"1e308", "1E-308", "165000", long[:jsondoc.MaxNumberLength]} {
		for _, v := range Sorted(schemas.Violations(decode(json.RawMessage(value)))) {
			if v[1] == jsondoc.RuleNumberSize {
				t.Errorf("%s %s: violation %v, want none of rule %s", pointer, value, v, v[1])
			}
		}
	}
}
