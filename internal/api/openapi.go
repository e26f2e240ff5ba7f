package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"gopkg.in/yaml.v3"
)

// openAPIYAML is the API's OpenAPI 3.1 document.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON is openAPIYAML as JSON, converted when the package is
// initialized. Object members come out sorted by name.
var openAPIJSON = mustYAMLToJSON(openAPIYAML)

// mustYAMLToJSON converts a YAML document whose mapping keys are all
// strings to JSON. It panics on an error, which only a broken embedded
// document can cause.
func mustYAMLToJSON(doc []byte) []byte {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		panic(fmt.Errorf("decoding the embedded OpenAPI document: %w", err))
	}
	out, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("encoding the embedded OpenAPI document as JSON: %w", err))
	}
	return out
}

func serveOpenAPIJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(openAPIJSON)
}

// serveOpenAPIYAML sends the document with the media type of RFC 9512.
func serveOpenAPIYAML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(openAPIYAML)
}
