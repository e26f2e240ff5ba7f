// Package schemas holds the JSON Schema (draft 2020-12) files for the
// canonical types and for agencies' JSON formats, embedded in the binary,
// and validates documents against them.
//
// A schema is named by its path under this folder, such as
// "police/chargesheet.json". Schemas refer to each other with relative
// $ref values; nothing is loaded from the network. The "format" keyword
// is asserted, so a malformed date or date-time is an error.
package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed canonical police prisons passport
var files embed.FS

// baseURL prefixes every embedded schema's path to form its id.
const baseURL = "sangam://schemas/"

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

// Names returns the paths of all embedded schemas, sorted.
func Names() []string {
	var names []string
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			names = append(names, path)
		}
		return nil
	})
	sort.Strings(names)
	return names
}

// Source returns the embedded schema file at name.
func Source(name string) ([]byte, error) {
	return files.ReadFile(name)
}

func compileAll() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		c.AssertFormat = true
		c.LoadURL = func(url string) (io.ReadCloser, error) {
			return nil, fmt.Errorf("schema %s is not embedded", url)
		}
		names := Names()
		for _, name := range names {
			data, err := files.ReadFile(name)
			if err != nil {
				compileErr = err
				return
			}
			if err := c.AddResource(baseURL+name, bytes.NewReader(data)); err != nil {
				compileErr = fmt.Errorf("loading schema %s: %w", name, err)
				return
			}
		}
		compiled = make(map[string]*jsonschema.Schema, len(names))
		for _, name := range names {
			s, err := c.Compile(baseURL + name)
			if err != nil {
				compileErr = fmt.Errorf("compiling schema %s: %w", name, err)
				return
			}
			compiled[name] = s
		}
	})
	return compiled, compileErr
}

// Check compiles every embedded schema and returns the first error. The
// hub calls it at start-up so a broken schema stops it there.
func Check() error {
	_, err := compileAll()
	return err
}

// Validate checks the JSON document doc against the schema at name. It
// returns nil, a *ValidationError listing every violation, or another
// error when the schema is unknown.
func Validate(name string, doc []byte) error {
	v, err := decodeJSON(doc)
	if err != nil {
		return &ValidationError{Violations: []Violation{{
			Pointer: "", Rule: "json", Message: "invalid JSON: " + err.Error(),
		}}}
	}
	return validateValue(name, v)
}

// ValidateValue checks a Go value against the schema at name by way of
// its JSON encoding.
func ValidateValue(name string, value any) error {
	doc, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encoding value for schema %s: %w", name, err)
	}
	return Validate(name, doc)
}

func validateValue(name string, v any) error {
	all, err := compileAll()
	if err != nil {
		return err
	}
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("no schema named %q", name)
	}
	err = validateOnWorker(s, v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !asValidationError(err, &ve) {
		return fmt.Errorf("validating against %s: %w", name, err)
	}
	return &ValidationError{Violations: leaves(ve)}
}

// decodeJSON decodes doc keeping numbers exact, as the schema library
// expects, and rejects trailing data after the first value.
func decodeJSON(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}
