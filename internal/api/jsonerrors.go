package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// describeJSONError returns err, an error of decoding a JSON body into
// v, reworded to name the field and its rule instead of Go types. Errors
// of other kinds, such as a field's own check, pass unchanged.
func describeJSONError(err error, v any) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &timeErr):
		return fmt.Errorf("invalid time %q: want RFC 3339, such as "+
			"\"2025-12-01T00:00:00+05:30\"", timeErr.Value)
	case errors.As(err, &typeErr):
		want := jsonKind(typeErr.Type)
		if typeErr.Field == "" {
			return fmt.Errorf("got a JSON %s, want %s", jsonValueKind(typeErr.Value), want)
		}
		// The path joins Go's embedded struct names and JSON names, and
		// the bodies of this API are flat, so its last part is the key.
		path := strings.Split(typeErr.Field, ".")
		return fmt.Errorf("%s: invalid value: got a JSON %s, want %s", path[len(path)-1],
			jsonValueKind(typeErr.Value), want)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("not valid JSON at byte %d: %s", syntaxErr.Offset, syntaxErr.Error())
	case errors.Is(err, io.ErrUnexpectedEOF), err.Error() == "unexpected end of JSON input":
		return errors.New("the body ends inside a JSON value: send one complete JSON object")
	}
	// encoding/json reports an unknown field only in this text.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("%s: unknown field: this body takes %s", strings.Trim(name, `"`),
			strings.Join(jsonFields(reflect.TypeOf(v)), ", "))
	}
	return err
}

// jsonValueKind returns the kind of a JSON value as UnmarshalTypeError's
// Value gives it, such as "number 1.5" or "string", with any number.
func jsonValueKind(value string) string {
	if value == "bool" {
		return "boolean"
	}
	return value
}

// jsonKind returns what a JSON value must be to decode into t.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// jsonFields returns the JSON names of the fields of the struct that t
// is or points to, those of embedded structs included, in field order.
func jsonFields(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-":
		case f.Anonymous && tag == "":
			names = append(names, jsonFields(f.Type)...)
		case tag != "":
			names = append(names, tag)
		default:
			names = append(names, f.Name)
		}
	}
	return names
}
