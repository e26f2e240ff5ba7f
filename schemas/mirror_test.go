package schemas_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// canonicalSchemaOf names the schema object that describes each canonical
// Go type, as "file#/$defs/name" or "file" for a file's root.
var canonicalSchemaOf = map[reflect.Type]string{
	reflect.TypeFor[canonical.Message]():           "message.json",
	reflect.TypeFor[canonical.Person]():            "person.json",
	reflect.TypeFor[canonical.Name]():              "person.json#/$defs/name",
	reflect.TypeFor[canonical.Age]():               "person.json#/$defs/age",
	reflect.TypeFor[canonical.Relative]():          "person.json#/$defs/relative",
	reflect.TypeFor[canonical.Address]():           "person.json#/$defs/address",
	reflect.TypeFor[canonical.Identifier]():        "person.json#/$defs/identifier",
	reflect.TypeFor[canonical.FIRRef]():            "case.json#/$defs/fir_ref",
	reflect.TypeFor[canonical.Court]():             "case.json#/$defs/court",
	reflect.TypeFor[canonical.Officer]():           "case.json#/$defs/officer",
	reflect.TypeFor[canonical.Place]():             "case.json#/$defs/place",
	reflect.TypeFor[canonical.Property]():          "case.json#/$defs/property",
	reflect.TypeFor[canonical.Accused]():           "case.json#/$defs/accused",
	reflect.TypeFor[canonical.Charge]():            "charge.json",
	reflect.TypeFor[canonical.Statute]():           "charge.json#/$defs/statute",
	reflect.TypeFor[canonical.FIR]():               "fir.json",
	reflect.TypeFor[canonical.Arrest]():            "arrest.json",
	reflect.TypeFor[canonical.Chargesheet]():       "chargesheet.json",
	reflect.TypeFor[canonical.CourtRegistration](): "court_registration.json",

	reflect.TypeFor[canonical.CaseRef]():    "case_ref.json",
	reflect.TypeFor[canonical.Prisoner]():   "prisoner.json",
	reflect.TypeFor[canonical.Movement]():   "movement.json",
	reflect.TypeFor[canonical.Location]():   "movement.json#/$defs/location",
	reflect.TypeFor[canonical.CourtOrder](): "court_order.json",

	reflect.TypeFor[canonical.VerificationRequest](): "verification_request.json",
	reflect.TypeFor[canonical.MRZ]():                 "verification_request.json#/$defs/mrz",
	reflect.TypeFor[canonical.CaseMatch]():           "verification_request.json#/$defs/case_match",
	reflect.TypeFor[canonical.VerificationReport]():  "verification_report.json",
}

// TestCanonicalSchemaMirrorsGoTypes checks that every struct reachable
// from canonical.Message has a schema object whose properties are its
// JSON field names and whose required list is its fields without
// omitempty or omitzero.
func TestCanonicalSchemaMirrorsGoTypes(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ.PkgPath() != "github.com/sangam-hub/sangam/canonical" ||
			seen[typ] {
			return
		}
		seen[typ] = true
		loc, ok := canonicalSchemaOf[typ]
		if !ok {
			t.Errorf("no schema object listed for canonical.%s", typ.Name())
			return
		}
		checkMirror(t, typ, loc)
		for i := range typ.NumField() {
			// A field that JSON leaves out, such as the adapter's note on
			// a sender id it built, has no schema to mirror.
			if typ.Field(i).Tag.Get("json") == "-" {
				continue
			}
			visit(typ.Field(i).Type)
		}
	}
	visit(reflect.TypeFor[canonical.Message]())
}

func checkMirror(t *testing.T, typ reflect.Type, loc string) {
	t.Helper()
	obj := schemaObject(t, loc)
	var fields, required []string
	for i := range typ.NumField() {
		name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields = append(fields, name)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	props, _ := obj["properties"].(map[string]any)
	var schemaFields []string
	for name := range props {
		schemaFields = append(schemaFields, name)
	}
	var schemaRequired []string
	if list, ok := obj["required"].([]any); ok {
		for _, r := range list {
			schemaRequired = append(schemaRequired, r.(string))
		}
	}
	if got, want := sorted(schemaFields), sorted(fields); !slices.Equal(got, want) {
		t.Errorf("%s (canonical.%s): properties %v, want %v", loc, typ.Name(), got, want)
	}
	if got, want := sorted(schemaRequired), sorted(required); !slices.Equal(got, want) {
		t.Errorf("%s (canonical.%s): required %v, want %v", loc, typ.Name(), got, want)
	}
	if obj["additionalProperties"] != false {
		t.Errorf("%s (canonical.%s): additionalProperties is not false", loc, typ.Name())
	}
}

func schemaObject(t *testing.T, loc string) map[string]any {
	t.Helper()
	file, def, _ := strings.Cut(loc, "#/$defs/")
	src, err := schemas.Source("canonical/" + file)
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	var root map[string]any
	if err := json.Unmarshal(src, &root); err != nil {
		t.Fatalf("parsing %s: %v", file, err)
	}
	if def == "" {
		return root
	}
	defs, _ := root["$defs"].(map[string]any)
	obj, ok := defs[def].(map[string]any)
	if !ok {
		t.Fatalf("%s has no $defs/%s", file, def)
	}
	return obj
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
