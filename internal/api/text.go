package api

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/internal/problem"
)

// textFault returns why s cannot be stored as text, or "" when it can.
// PostgreSQL rejects a NUL character and invalid UTF-8 in text, so such
// input gets 400 here instead of failing in the journal.
func textFault(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "contains a NUL character"
	}
	return ""
}

// checkRequestText writes a 400 problem naming the path or the query
// parameter of r that is not storable text, and returns false. It returns
// true when every one is.
func checkRequestText(w http.ResponseWriter, r *http.Request) bool {
	if fault := textFault(r.URL.Path); fault != "" {
		problem.Write(w, problem.New(problem.BadRequest, "path: "+fault))
		return false
	}
	query := r.URL.Query()
	keys := make([]string, 0, len(query))
	for key := range query {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if fault := textFault(key); fault != "" {
			problem.Write(w, problem.New(problem.BadRequest, "query parameter name "+fault))
			return false
		}
		for _, v := range query[key] {
			if fault := textFault(v); fault != "" {
				problem.Write(w, problem.New(problem.BadRequest, key+": "+fault))
				return false
			}
		}
	}
	return true
}

// checkBodyText returns an error naming the first string field of v, a
// pointer to a decoded JSON body, that is not storable text. Fields of
// embedded structs count as v's own, as in JSON.
func checkBodyText(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			if err := checkBodyText(rv.Field(i).Addr().Interface()); err != nil {
				return err
			}
			continue
		}
		if f.Type.Kind() != reflect.String {
			continue
		}
		if fault := textFault(rv.Field(i).String()); fault != "" {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			return fmt.Errorf("%s: %s", name, fault)
		}
	}
	return nil
}

// errTrailingData rejects a body with more after its JSON value.
var errTrailingData = errors.New("unexpected data after the JSON value: send one JSON object")
