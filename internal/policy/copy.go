package policy

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
)

// copyFunc copies src into dst, a settable zero value of the same type,
// and gives the value that encoding/json would give by encoding src and
// decoding the result into dst. It returns false, leaving dst partly
// set, when src holds a value whose round trip it does not reproduce: a
// text that is not valid UTF-8, a NaN or infinite number, or a time that
// encoding/json cannot encode.
type copyFunc func(dst, src reflect.Value) bool

// structCopy is the list of members that a copyFunc copies of one struct
// type.
type structCopy struct {
	members []memberCopy
}

// memberCopy is one struct field that encoding/json encodes.
type memberCopy struct {
	index int
	name  string
	// omitEmpty and omitZero are the field's omitempty and omitzero
	// options. encoding/json leaves out such a field when it is empty or
	// zero, so the round trip gives the field's zero value.
	omitEmpty bool
	omitZero  bool
	// isZero is the type's own IsZero method, which omitzero uses when
	// the type has one, or nil.
	isZero func(reflect.Value) bool
	copy   *copyFunc
}

// omitted reports whether encoding/json leaves out the member whose value
// is v.
func (m *memberCopy) omitted(v reflect.Value) bool {
	if m.omitEmpty && isEmptyValue(v) {
		return true
	}
	if !m.omitZero {
		return false
	}
	if m.isZero != nil {
		return m.isZero(v)
	}
	return v.IsZero()
}

// isEmptyValue is the test of encoding/json's omitempty option.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

var (
	copyOnce    sync.Once
	messageCopy *structCopy
	// errCopy is the error that keeps the copier from copying
	// canonical.Message, or nil. With an error, Apply always takes the
	// JSON round trip.
	errCopy error
)

// messageCopier returns the copier of canonical.Message, or an error
// naming the first Go type on the way whose JSON form it does not model.
func messageCopier() (*structCopy, error) {
	copyOnce.Do(func() {
		b := copyBuilder{funcs: map[reflect.Type]*copyFunc{}, structs: map[reflect.Type]*structCopy{}}
		t := reflect.TypeFor[canonical.Message]()
		if _, err := b.build(t); err != nil {
			errCopy = fmt.Errorf("cannot copy canonical.Message without the JSON round trip: %w", err)
			return
		}
		messageCopy = b.structs[t]
	})
	return messageCopy, errCopy
}

// copyBuilder builds the copyFunc of each type once, so that a recursive
// type refers to its own copyFunc.
type copyBuilder struct {
	funcs   map[reflect.Type]*copyFunc
	structs map[reflect.Type]*structCopy
}

var (
	marshalerTypes = []reflect.Type{
		reflect.TypeFor[json.Marshaler](), reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	isZeroerType = reflect.TypeFor[interface{ IsZero() bool }]()
	// memberNamePattern is the form of the JSON names the copier accepts.
	// encoding/json treats some other names differently, such as by
	// falling back to the Go field name.
	memberNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

func (b *copyBuilder) build(t reflect.Type) (*copyFunc, error) {
	if f, ok := b.funcs[t]; ok {
		return f, nil
	}
	f := new(copyFunc)
	b.funcs[t] = f
	fn, err := b.newCopyFunc(t)
	if err != nil {
		return nil, err
	}
	*f = fn
	return f, nil
}

func (b *copyBuilder) newCopyFunc(t reflect.Type) (copyFunc, error) {
	if t == timeType {
		return copyTime, nil
	}
	for _, m := range marshalerTypes {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return nil, fmt.Errorf("%s implements %s", t, m)
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(dst, src reflect.Value) bool { dst.SetBool(src.Bool()); return true }, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(dst, src reflect.Value) bool { dst.SetInt(src.Int()); return true }, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(dst, src reflect.Value) bool { dst.SetUint(src.Uint()); return true }, nil
	case reflect.Float32, reflect.Float64:
		return copyFloat, nil
	case reflect.String:
		return copyString, nil
	case reflect.Pointer:
		return b.pointerCopy(t)
	case reflect.Slice, reflect.Array:
		return b.sequenceCopy(t)
	case reflect.Struct:
		return b.structCopy(t)
	}
	return nil, fmt.Errorf("%s is a %s", t, t.Kind())
}

// copyFloat copies a finite number. encoding/json writes the shortest
// form that parses back to the same float64 or float32.
func copyFloat(dst, src reflect.Value) bool {
	f := src.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	dst.SetFloat(f)
	return true
}

// copyString copies valid UTF-8. encoding/json replaces each invalid
// byte with U+FFFD.
func copyString(dst, src reflect.Value) bool {
	s := src.String()
	if !utf8.ValidString(s) {
		return false
	}
	dst.SetString(s)
	return true
}

// copyTime runs the time through its own MarshalJSON and UnmarshalJSON,
// as the round trip does. The result drops any monotonic clock reading.
// Its location is UTC for offset zero, Local when the local zone has the
// offset at that instant, and else a fixed zone without a name.
func copyTime(dst, src reflect.Value) bool {
	var t time.Time
	if src.CanAddr() {
		t = *src.Addr().Interface().(*time.Time)
	} else {
		t = src.Interface().(time.Time)
	}
	data, err := t.MarshalJSON()
	if err != nil {
		return false
	}
	var out time.Time
	if err := out.UnmarshalJSON(data); err != nil {
		return false
	}
	*dst.Addr().Interface().(*time.Time) = out
	return true
}

func (b *copyBuilder) pointerCopy(t reflect.Type) (copyFunc, error) {
	elem, err := b.build(t.Elem())
	if err != nil {
		return nil, err
	}
	return func(dst, src reflect.Value) bool {
		if src.IsNil() {
			return true
		}
		p := reflect.New(t.Elem())
		if !(*elem)(p.Elem(), src.Elem()) {
			return false
		}
		dst.Set(p)
		return true
	}, nil
}

// sequenceCopy copies a slice or an array. A nil slice stays nil and an
// empty one stays empty and non-nil, as JSON null and [] decode, but a
// member with omitempty leaves an empty slice nil (see memberCopy).
func (b *copyBuilder) sequenceCopy(t reflect.Type) (copyFunc, error) {
	if t.Elem().Kind() == reflect.Uint8 {
		return nil, fmt.Errorf("%s has byte elements, which encoding/json does not write as an array in a slice", t)
	}
	elem, err := b.build(t.Elem())
	if err != nil {
		return nil, err
	}
	return func(dst, src reflect.Value) bool {
		target := dst
		if t.Kind() == reflect.Slice {
			if src.IsNil() {
				return true
			}
			target = reflect.MakeSlice(t, src.Len(), src.Len())
		}
		for i := range src.Len() {
			if !(*elem)(target.Index(i), src.Index(i)) {
				return false
			}
		}
		if t.Kind() == reflect.Slice {
			dst.Set(target)
		}
		return true
	}, nil
}

// structCopy copies the fields that encoding/json encodes and leaves the
// others, unexported or tagged "-", zero, as the round trip does. It
// rejects the struct forms whose JSON form it does not model: embedded
// fields, options other than omitempty and omitzero, unusual or repeated
// names.
func (b *copyBuilder) structCopy(t reflect.Type) (copyFunc, error) {
	sc := &structCopy{}
	b.structs[t] = sc
	names := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, fmt.Errorf("%s.%s is an embedded field", t, sf.Name)
		}
		name, ok := jsonName(sf)
		if !ok {
			continue
		}
		m, err := b.member(t, sf, name)
		if err != nil {
			return nil, err
		}
		if names[name] {
			return nil, fmt.Errorf("%s has two fields named %q in JSON", t, name)
		}
		names[name] = true
		m.index = i
		sc.members = append(sc.members, m)
	}
	return func(dst, src reflect.Value) bool {
		for i := range sc.members {
			m := &sc.members[i]
			v := src.Field(m.index)
			if m.omitted(v) {
				continue
			}
			if !(*m.copy)(dst.Field(m.index), v) {
				return false
			}
		}
		return true
	}, nil
}

// member returns the copy of field sf of struct t, whose JSON name is
// name, without its index.
func (b *copyBuilder) member(t reflect.Type, sf reflect.StructField, name string) (memberCopy, error) {
	if !memberNamePattern.MatchString(name) {
		return memberCopy{}, fmt.Errorf("%s.%s has the JSON name %q", t, sf.Name, name)
	}
	m := memberCopy{name: name}
	_, options, _ := strings.Cut(sf.Tag.Get("json"), ",")
	for option := range strings.SplitSeq(options, ",") {
		switch option {
		case "":
		case "omitempty":
			m.omitEmpty = true
		case "omitzero":
			m.omitZero = true
		default:
			return memberCopy{}, fmt.Errorf("%s.%s has the JSON option %q", t, sf.Name, option)
		}
	}
	if m.omitZero {
		switch {
		case sf.Type.Kind() == reflect.Pointer || sf.Type.Kind() == reflect.Interface:
			if sf.Type.Implements(isZeroerType) {
				return memberCopy{}, fmt.Errorf("%s.%s has omitzero and a %s with IsZero",
					t, sf.Name, sf.Type.Kind())
			}
		case sf.Type.Implements(isZeroerType):
			m.isZero = func(v reflect.Value) bool {
				if v.CanAddr() {
					// The pointer's method set has IsZero too, and taking
					// the address does not copy v to the heap.
					v = v.Addr()
				}
				return v.Interface().(interface{ IsZero() bool }).IsZero()
			}
		case reflect.PointerTo(sf.Type).Implements(isZeroerType):
			return memberCopy{}, fmt.Errorf("%s.%s has omitzero and IsZero on its pointer", t, sf.Name)
		}
	}
	f, err := b.build(sf.Type)
	if err != nil {
		return memberCopy{}, err
	}
	m.copy = f
	return m, nil
}
