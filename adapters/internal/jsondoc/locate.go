package jsondoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// typeMessage describes a value that its Go field cannot hold, in the
// terms of JSON. The schema accepts 1990.0 as an integer, as JSON Schema
// does, so such a number reaches the decoder.
func typeMessage(e *json.UnmarshalTypeError) string {
	want := "a value of another type"
	switch e.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "a whole number written without a decimal point or exponent"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.String:
		want = "a string"
	case reflect.Bool:
		want = "true or false"
	}
	return fmt.Sprintf("invalid value (%s): want %s", e.Value, want)
}

// pointerAt returns the JSON pointer of the value in body that ends
// offset bytes in, as json.UnmarshalTypeError.Offset gives it, and false
// when no value ends there. The error's Field names the Go field path,
// which leaves out array indices.
func pointerAt(body []byte, offset int64) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// path holds one entry per open container: the member name or the
	// index of the value being read in it.
	type level struct {
		array bool
		index int
		name  string
		// expectName is set in an object where the next string is a
		// member name.
		expectName bool
	}
	var path []level
	pointer := func() string {
		var b strings.Builder
		for _, l := range path {
			b.WriteByte('/')
			if l.array {
				b.WriteString(strconv.Itoa(l.index))
				continue
			}
			b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(l.name))
		}
		return b.String()
	}
	// valueDone advances the innermost container past a value.
	valueDone := func() {
		if n := len(path); n > 0 {
			if path[n-1].array {
				path[n-1].index++
			} else {
				path[n-1].expectName = true
			}
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				path = append(path, level{expectName: true})
				continue
			case '[':
				path = append(path, level{array: true})
				continue
			}
			// The end of a container ends the value holding it.
			path = path[:len(path)-1]
			if dec.InputOffset() >= offset {
				return pointer(), true
			}
			valueDone()
			continue
		case string:
			if n := len(path); n > 0 && !path[n-1].array && path[n-1].expectName {
				path[n-1].name, path[n-1].expectName = t, false
				continue
			}
		}
		if dec.InputOffset() >= offset {
			return pointer(), true
		}
		valueDone()
	}
}
