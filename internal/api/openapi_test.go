package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"gopkg.in/yaml.v3"

	"github.com/sangam-hub/sangam/internal/api"
)

// documentPath is the OpenAPI document that the package embeds.
const documentPath = "openapi.yaml"

// securityByAccess is the security requirement each kind of endpoint
// declares: the names of its schemes, none for a public endpoint.
var securityByAccess = map[string][]string{
	"public":   {},
	"agency":   {"agencyToken"},
	"operator": {"operatorToken"},
	"metrics":  {"operatorToken", "metricsToken"},
	// The passport office's agency token, or an operator's.
	"verification": {"operatorToken", "agencyToken"},
}

// buildModel parses doc with libopenapi and builds its OpenAPI 3 model,
// which resolves every $ref and fails on one that names nothing.
func buildModel(doc []byte) (libopenapi.Document, *v3.Document, error) {
	cfg := datamodel.NewDocumentConfiguration()
	cfg.Logger = slog.New(slog.DiscardHandler)
	parsed, err := libopenapi.NewDocumentWithConfiguration(doc, cfg)
	if err != nil {
		return nil, nil, err
	}
	model, err := parsed.BuildV3Model()
	if err != nil {
		return parsed, nil, err
	}
	return parsed, &model.Model, nil
}

func readDocument(t *testing.T) []byte {
	t.Helper()
	doc, err := os.ReadFile(documentPath)
	if err != nil {
		t.Fatalf("reading the OpenAPI document: %v", err)
	}
	return doc
}

func loadModel(t *testing.T) *v3.Document {
	t.Helper()
	_, model, err := buildModel(readDocument(t))
	if err != nil {
		t.Fatalf("building the OpenAPI model: %v", err)
	}
	return model
}

func TestOpenAPIDocumentValid(t *testing.T) {
	parsed, model, err := buildModel(readDocument(t))
	if err != nil {
		t.Fatalf("building the OpenAPI model: %v", err)
	}
	if v := parsed.GetVersion(); v != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", v)
	}
	if model.Info == nil || model.Info.Title == "" || model.Info.Version == "" {
		t.Errorf("info lacks a title or a version")
	}
	if model.Paths == nil || model.Paths.PathItems.Len() == 0 {
		t.Fatalf("the document lists no paths")
	}
}

func TestOpenAPIBrokenRefRejected(t *testing.T) {
	doc := readDocument(t)
	const ref = "'#/components/schemas/Violation'"
	if !bytes.Contains(doc, []byte(ref)) {
		t.Fatalf("the document has no %s to break", ref)
	}
	broken := bytes.Replace(doc, []byte(ref), []byte("'#/components/schemas/NoSuchSchema'"), 1)
	_, _, err := buildModel(broken)
	if err == nil {
		t.Fatal("building a document with a $ref to a missing schema succeeded")
	}
	if !strings.Contains(err.Error(), "NoSuchSchema") {
		t.Errorf("error = %q, want it to name the missing reference", err)
	}
}

// TestOpenAPIRefsResolve resolves every $ref by its JSON pointer, apart
// from libopenapi, so a reference that the library skips still fails.
func TestOpenAPIRefsResolve(t *testing.T) {
	var root any
	if err := yaml.Unmarshal(readDocument(t), &root); err != nil {
		t.Fatalf("decoding the document: %v", err)
	}
	refs := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if _, err := resolvePointer(root, ref); err != nil {
					t.Errorf("%s: $ref %s: %v", at, ref, err)
				}
			}
			for k, child := range v {
				walk(at+"/"+k, child)
			}
		case []any:
			for _, child := range v {
				walk(at+"/[]", child)
			}
		}
	}
	walk("", root)
	if refs == 0 {
		t.Error("the document has no $ref; the walk read nothing")
	}
}

// operations returns every operation of model by "METHOD /path".
func operations(model *v3.Document) map[string]*v3.Operation {
	ops := map[string]*v3.Operation{}
	for path, item := range model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			ops[strings.ToUpper(method)+" "+path] = op
		}
	}
	return ops
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	ops := operations(loadModel(t))
	for _, r := range api.Routes() {
		key := r.Method + " " + r.Path
		op, ok := ops[key]
		if !ok {
			t.Errorf("%s is registered but not in the document", key)
			continue
		}
		if got, want := securityNames(op), securityByAccess[r.Access]; !slices.Equal(got, want) {
			t.Errorf("%s: security %v, want %v for a %s endpoint", key, got, want, r.Access)
		}
	}
}

func TestOpenAPIOperationsHaveHandlers(t *testing.T) {
	mux := (&api.Server{}).Mux()
	for key := range operations(loadModel(t)) {
		method, path, _ := strings.Cut(key, " ")
		req := httptest.NewRequest(method, fillPathParams(path), nil)
		if _, pattern := mux.Handler(req); pattern != key {
			t.Errorf("%s is in the document but the mux serves it with %q", key, pattern)
		}
	}
}

func TestOpenAPIPathParamsDeclared(t *testing.T) {
	model := loadModel(t)
	for path, item := range model.Paths.PathItems.FromOldest() {
		want := pathParamNames(path)
		for method, op := range item.GetOperations().FromOldest() {
			var got []string
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.In != "path" {
					continue
				}
				got = append(got, p.Name)
				if p.Required == nil || !*p.Required {
					t.Errorf("%s %s: path parameter %s is not required", method, path, p.Name)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: path parameters %v, want %v", method, path, got, want)
			}
		}
	}
}

func TestOpenAPISecuritySchemesDefined(t *testing.T) {
	model := loadModel(t)
	schemes := model.Components.SecuritySchemes
	for key, op := range operations(model) {
		if op.Security == nil {
			t.Errorf("%s declares no security; every operation should say", key)
		}
		for _, name := range securityNames(op) {
			s, ok := schemes.Get(name)
			if !ok {
				t.Errorf("%s: security scheme %s is not defined", key, name)
				continue
			}
			if s.Type != "http" || s.Scheme != "bearer" {
				t.Errorf("security scheme %s is %s %s, want http bearer", name, s.Type, s.Scheme)
			}
		}
	}
}

func TestOpenAPIOtherMethodsAllowList(t *testing.T) {
	handler := (&api.Server{}).Handler()
	for path, item := range loadModel(t).Paths.PathItems.FromOldest() {
		var allowed []string
		for method := range item.GetOperations().KeysFromOldest() {
			allowed = append(allowed, strings.ToUpper(method))
		}
		if slices.Contains(allowed, "GET") {
			allowed = append(allowed, "HEAD")
		}
		sort.Strings(allowed)

		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, fillPathParams(path), nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("DELETE %s: status %d, want 405", path, rec.Code)
			continue
		}
		got := strings.Split(rec.Header().Get("Allow"), ", ")
		sort.Strings(got)
		if !slices.Equal(got, allowed) {
			t.Errorf("DELETE %s: Allow %v, want the documented %v", path, got, allowed)
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	srv := httptest.NewServer((&api.Server{}).Handler())
	t.Cleanup(srv.Close)
	file := readDocument(t)

	yamlResp := getURL(t, srv.URL+"/api/v1/openapi.yaml")
	if yamlResp.status != http.StatusOK || yamlResp.contentType != "application/yaml" {
		t.Errorf("YAML: status %d, Content-Type %q; want 200, application/yaml",
			yamlResp.status, yamlResp.contentType)
	}
	if !bytes.Equal(yamlResp.body, file) {
		t.Errorf("the served YAML differs from %s", documentPath)
	}

	jsonResp := getURL(t, srv.URL+"/api/v1/openapi.json")
	if jsonResp.status != http.StatusOK || jsonResp.contentType != "application/json" {
		t.Errorf("JSON: status %d, Content-Type %q; want 200, application/json",
			jsonResp.status, jsonResp.contentType)
	}
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal(file, &fromYAML); err != nil {
		t.Fatalf("decoding %s: %v", documentPath, err)
	}
	if err := json.Unmarshal(jsonResp.body, &fromJSON); err != nil {
		t.Fatalf("decoding the served JSON: %v", err)
	}
	want, _ := json.Marshal(fromYAML)
	got, _ := json.Marshal(fromJSON)
	if !bytes.Equal(got, want) {
		t.Errorf("the served JSON is not the YAML document's content")
	}
	if _, _, err := buildModel(jsonResp.body); err != nil {
		t.Errorf("building the model of the served JSON: %v", err)
	}
}

func getURL(t *testing.T, url string) response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return readResponse(t, resp)
}

func securityNames(op *v3.Operation) []string {
	names := []string{}
	for _, req := range op.Security {
		for name := range req.Requirements.KeysFromOldest() {
			names = append(names, name)
		}
	}
	return names
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func pathParamNames(path string) []string {
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return names
}

// fillPathParams replaces every {name} in path with 10000001, a value
// that each path parameter's pattern matches: a number, and a passport
// file number of eight digits.
func fillPathParams(path string) string {
	return pathParam.ReplaceAllString(path, "10000001")
}
