// Package apitest checks JSON values in tests against the schemas of
// the API's OpenAPI document, with its objects closed so that a member
// the document does not list fails.
package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// DocumentURL is the id of the OpenAPI document in the compilers that
// NewCompiler returns. Compile DocumentURL + "#" + a JSON pointer, such
// as "/components/schemas/Problem", to get one of its schemas.
const DocumentURL = "sangam://api/openapi.json"

// NewCompiler returns a JSON Schema 2020-12 compiler that asserts
// formats and contains doc, the OpenAPI document as JSON, at DocumentURL
// with its object schemas closed (see CloseObjects). It loads no other
// schema.
func NewCompiler(doc []byte) (*jsonschema.Compiler, error) {
	var closed any
	if err := json.Unmarshal(doc, &closed); err != nil {
		return nil, fmt.Errorf("decoding the OpenAPI document: %w", err)
	}
	CloseObjects(closed)
	closedJSON, err := json.Marshal(closed)
	if err != nil {
		return nil, fmt.Errorf("encoding the closed OpenAPI document: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s is outside the OpenAPI document", u)
	}
	if err := c.AddResource(DocumentURL, bytes.NewReader(closedJSON)); err != nil {
		return nil, fmt.Errorf("adding the OpenAPI document to the schema compiler: %w", err)
	}
	return c, nil
}

// CloseObjects sets additionalProperties to false in every schema below
// v that lists properties and sets no rule for other members. The
// document leaves objects open so that clients accept members added
// later, and tests close them so that every member sent today must be
// documented. Schemas under "if" and "not" stay open, because closing
// them would change what they match.
func CloseObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		_, hasProps := v["properties"].(map[string]any)
		_, hasAdditional := v["additionalProperties"]
		_, hasUnevaluated := v["unevaluatedProperties"]
		if hasProps && !hasAdditional && !hasUnevaluated {
			v["additionalProperties"] = false
		}
		for k, child := range v {
			if k != "if" && k != "not" {
				CloseObjects(child)
			}
		}
	case []any:
		for _, child := range v {
			CloseObjects(child)
		}
	}
}

// Validate returns why the JSON value raw does not match s, or nil.
// Numbers are decoded as json.Number, so that large integers keep their
// value.
func Validate(s *jsonschema.Schema, raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return s.Validate(v)
}
