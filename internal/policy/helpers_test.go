package policy

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// clearAadhaar is a made-up number with a valid Verhoeff check digit.
const clearAadhaar = "234567890124"

var (
	testKey = []byte("policy test key, not a real one.")
	testAt  = time.Date(2025, 9, 14, 10, 45, 0, 0, time.FixedZone("IST", 5*3600+1800))
)

// maskedAadhaarID returns the identifier an adapter makes of clearAadhaar.
func maskedAadhaarID(t *testing.T) canonical.Identifier {
	t.Helper()
	id, err := canonical.MaskAadhaar(clearAadhaar, testKey)
	if err != nil {
		t.Fatalf("MaskAadhaar: %v", err)
	}
	id.Issuer = "UIDAI"
	return id
}

func envelope(typ canonical.Type) canonical.Message {
	return canonical.Message{
		ID: "01JBZ5Q8XK", Type: typ, Source: "police", SenderMessageID: "EKM0412-" + string(typ),
		CorrelationID: "corr-1", CaseKey: "FIR/KL/EKM/EKM0412/2025/1187", OccurredAt: testAt,
		ReceivedAt: testAt.Add(time.Minute), SchemaVersion: canonical.SchemaVersion,
	}
}

// fullMessage returns a message of type typ with every field of its body
// set to a non-zero value, two elements in every array, and ids as the
// identifiers of every person.
func fullMessage(t *testing.T, typ canonical.Type, ids []canonical.Identifier) canonical.Message {
	t.Helper()
	m := envelope(typ)
	mv := reflect.ValueOf(&m).Elem()
	for i := range mv.NumField() {
		name, _ := jsonName(mv.Type().Field(i))
		if name == string(typ) {
			fillValue(mv.Field(i), name, ids)
			return m
		}
	}
	t.Fatalf("canonical.Message has no body member for type %s", typ)
	return m
}

// fillValue sets v, the value of member name, to a non-zero value.
func fillValue(v reflect.Value, name string, ids []canonical.Identifier) {
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(testAt))
	case v.Type() == reflect.TypeFor[[]canonical.Identifier]():
		v.Set(reflect.ValueOf(append([]canonical.Identifier(nil), ids...)))
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), name, ids)
	case v.Kind() == reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillValue(v.Index(i), name, ids)
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if member, ok := jsonName(v.Type().Field(i)); ok {
				fillValue(v.Field(i), member, ids)
			}
		}
	case v.Kind() == reflect.String && dateFields()[name]:
		v.SetString("1984-03-02")
	case v.Kind() == reflect.String:
		v.SetString("Text of " + strings.ReplaceAll(name, "_", " "))
	case v.CanInt():
		v.SetInt(7)
	case v.CanFloat():
		v.SetFloat(1.5)
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	}
}

// fullMessages returns a full message of every canonical type, each
// person carrying a masked Aadhaar identifier and a passport.
func fullMessages(t *testing.T) []canonical.Message {
	t.Helper()
	ids := []canonical.Identifier{
		maskedAadhaarID(t),
		{Type: canonical.IDPassport, Value: "M1234567", Issuer: "Passport Office Kochi"},
	}
	var msgs []canonical.Message
	for _, typ := range canonical.Types {
		msgs = append(msgs, fullMessage(t, typ, ids))
	}
	return msgs
}

// treeOf returns the canonical JSON form of v as maps and arrays.
func treeOf(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		t.Fatalf("decoding JSON: %v", err)
	}
	return tree
}

// zeroTime is how encoding/json writes the zero time.Time.
const zeroTime = "0001-01-01T00:00:00Z"

// leafPaths returns the normal-form path of every leaf of v's JSON form
// that carries information: every value except null, "", 0, false and
// the zero time.
func leafPaths(t *testing.T, v any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, kv := range x {
				walk(kv, joinPath(path, k))
			}
		case []any:
			for _, e := range x {
				walk(e, path+"[]")
			}
		case string:
			if x != "" && x != zeroTime {
				out[path] = true
			}
		case json.Number:
			if f, err := x.Float64(); err != nil || f != 0 {
				out[path] = true
			}
		case bool:
			if x {
				out[path] = true
			}
		}
	}
	walk(treeOf(t, v), "")
	return out
}

// underAny reports whether the leaf at path is at or below one of the
// paths in allowed. A leaf in an array member's elements has a path
// ending in "[]", such as "chargesheet.lab_results[]".
func underAny(path string, allowed []string) bool {
	trimmed := strings.TrimSuffix(path, "[]")
	for _, a := range allowed {
		a = strings.TrimSuffix(a, "[]")
		if covers(a, trimmed) {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return string(data)
}
