package policy

import (
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// field is one member of the canonical JSON form, found by reflection on
// the json tags of the canonical Go types.
type field struct {
	name string
	// typ is the Go type of the member, or of its elements when it is an
	// array, with pointers removed.
	typ   reflect.Type
	array bool
	// kids are the members of typ when it is a struct other than
	// time.Time, which JSON writes as a string.
	kids  map[string]*field
	order []string
	// members are the kids in declaration order.
	members []*field
	// index is the member's index among the fields of its parent struct,
	// for reflect.Value.Field.
	index int
	// identifiers is true when typ is canonical.Identifier or has an
	// identifier among its kids, at any depth.
	identifiers bool
}

var (
	timeType       = reflect.TypeFor[time.Time]()
	nameType       = reflect.TypeFor[canonical.Name]()
	identifierType = reflect.TypeFor[canonical.Identifier]()
)

// envelopeFields are the members of canonical.Message that every
// destination receives in full.
var envelopeFields = map[string]bool{
	"id": true, "type": true, "source": true, "sender_message_id": true,
	"correlation_id": true, "case_key": true, "occurred_at": true,
	"sent_at": true, "received_at": true, "schema_version": true,
}

var (
	rootOnce sync.Once
	root     *field
)

// messageFields returns the field tree of canonical.Message.
func messageFields() *field {
	rootOnce.Do(func() {
		root = newField("", reflect.TypeFor[canonical.Message](), map[reflect.Type]bool{})
	})
	return root
}

// newField builds the field of Go type t and, for a struct, its members.
// Types on the current branch are listed in open, so a recursive type
// ends as a member without kids instead of looping.
func newField(name string, t reflect.Type, open map[reflect.Type]bool) *field {
	f := &field{name: name}
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		if t.Kind() != reflect.Pointer {
			f.array = true
		}
		t = t.Elem()
	}
	f.typ = t
	f.identifiers = t == identifierType
	if t.Kind() != reflect.Struct || t == timeType || open[t] {
		return f
	}
	open[t] = true
	defer delete(open, t)
	f.kids = map[string]*field{}
	for i := range t.NumField() {
		sf := t.Field(i)
		member, ok := jsonName(sf)
		if !ok {
			continue
		}
		kid := newField(member, sf.Type, open)
		kid.index = i
		f.kids[member] = kid
		f.order = append(f.order, member)
		f.members = append(f.members, kid)
		f.identifiers = f.identifiers || kid.identifiers
	}
	return f
}

// jsonName returns the name encoding/json gives the struct field, and
// false when encoding/json skips it.
func jsonName(sf reflect.StructField) (string, bool) {
	if !sf.IsExported() {
		return "", false
	}
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = sf.Name
	}
	return name, true
}

// bodyName returns the member of canonical.Message that contains the body of
// message type t, and false when the message has no such member.
func bodyName(t canonical.Type) (string, bool) {
	name := string(t)
	f, ok := messageFields().kids[name]
	if !ok || envelopeFields[name] || f.kids == nil {
		return "", false
	}
	return name, true
}

// FieldPaths returns every field path of the canonical model in
// declaration order, envelope fields first. An array member is listed
// once as itself ("chargesheet.accused") and its elements' members as
// "chargesheet.accused[].person".
func FieldPaths() []string {
	var paths []string
	var walk func(f *field, prefix string)
	walk = func(f *field, prefix string) {
		for _, name := range f.order {
			kid := f.kids[name]
			path := prefix + name
			paths = append(paths, path)
			if kid.array {
				path += "[]"
			}
			walk(kid, path+".")
		}
	}
	walk(messageFields(), "")
	return paths
}
