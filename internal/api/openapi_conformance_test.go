package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/api/apitest"
)

// unmatched is the operation key of requests that no route serves.
const unmatched = "unmatched"

// conformance checks responses of the API against its OpenAPI document:
// the status is documented for the operation, the media type is one the
// status documents, documented headers are present, and a JSON body
// validates against the documented schema.
type conformance struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
	mux      *http.ServeMux
	// seen records, by operation key such as "GET /healthz", the
	// statuses that sample requests received.
	seen map[string]map[int]bool
}

// newConformance reads the document that base serves. Its object
// schemas are closed for validation (see apitest.CloseObjects), so a
// response member that the document does not list fails.
func newConformance(t *testing.T, base string) *conformance {
	t.Helper()
	served := getURL(t, base+"/api/v1/openapi.json")
	var doc map[string]any
	if err := json.Unmarshal(served.body, &doc); err != nil {
		t.Fatalf("decoding the served document: %v", err)
	}
	c, err := apitest.NewCompiler(served.body)
	if err != nil {
		t.Fatal(err)
	}
	return &conformance{
		doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{},
		mux: (&api.Server{}).Mux(), seen: map[string]map[int]bool{},
	}
}

// resolvePointer returns the value that the local reference ref, such
// as "#/components/schemas/Problem", points at in root.
func resolvePointer(root any, ref string) (any, error) {
	pointer, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("reference %q is not local to the document", ref)
	}
	v := root
	if pointer == "" {
		return v, nil
	}
	for _, token := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
		var err error
		if v, err = step(v, token); err != nil {
			return nil, fmt.Errorf("%q: %w", ref, err)
		}
	}
	return v, nil
}

// step returns the member token of an object or the element at index
// token of an array.
func step(v any, token string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		child, ok := v[token]
		if !ok {
			return nil, fmt.Errorf("no member %q", token)
		}
		return child, nil
	case []any:
		i, err := strconv.Atoi(token)
		if err != nil || i < 0 || i >= len(v) {
			return nil, fmt.Errorf("no element %q in an array of %d", token, len(v))
		}
		return v[i], nil
	}
	return nil, fmt.Errorf("%q is not inside an object or an array", token)
}

func escapeToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// object resolves pointer in the document, following one $ref, and
// returns the object and the pointer it was found at.
func (c *conformance) object(t *testing.T, pointer string) (map[string]any, string) {
	t.Helper()
	v, err := resolvePointer(c.doc, "#"+pointer)
	if err != nil {
		t.Fatalf("document: %v", err)
	}
	m, _ := v.(map[string]any)
	if ref, ok := m["$ref"].(string); ok {
		pointer = strings.TrimPrefix(ref, "#")
		v, err = resolvePointer(c.doc, ref)
		if err != nil {
			t.Fatalf("document: %v", err)
		}
		m, _ = v.(map[string]any)
	}
	return m, pointer
}

// validate checks the JSON value raw against the schema at pointer.
func (c *conformance) validate(t *testing.T, label, pointer string, raw []byte) {
	t.Helper()
	if err := c.validateErr(pointer, raw); err != nil {
		t.Errorf("%s: %v\nbody: %s", label, err, raw)
	}
}

// validateErr returns why the JSON value raw does not match the schema
// at pointer, or nil.
func (c *conformance) validateErr(pointer string, raw []byte) error {
	s, ok := c.schemas[pointer]
	if !ok {
		var err error
		s, err = c.compiler.Compile(apitest.DocumentURL + "#" + pointer)
		if err != nil {
			return fmt.Errorf("compiling the schema at %s: %w", pointer, err)
		}
		c.schemas[pointer] = s
	}
	if err := apitest.Validate(s, raw); err != nil {
		return fmt.Errorf("body does not match the schema at %s:\n%w", pointer, err)
	}
	return nil
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// reply is a response with its headers and body.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call is a sample request: method, path with query, bearer token and
// JSON or other body with its media type and encoding.
type call struct {
	method, target, token string
	contentType           string
	// encoding is the Content-Encoding header, none when empty.
	encoding string
	body     []byte
}

// do sends k to base, checks the response against the document and
// fails t unless the status is want.
func (c *conformance) do(t *testing.T, base string, k call, want int) reply {
	t.Helper()
	req, err := http.NewRequest(k.method, base+k.target, bytes.NewReader(k.body))
	if err != nil {
		t.Fatalf("%s %s: %v", k.method, k.target, err)
	}
	if k.token != "" {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	if k.contentType != "" {
		req.Header.Set("Content-Type", k.contentType)
	}
	if k.encoding != "" {
		req.Header.Set("Content-Encoding", k.encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", k.method, k.target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the response: %v", k.method, k.target, err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	if r.status != want {
		t.Errorf("%s %s: status %d, want %d; body %s", k.method, k.target, r.status, want, body)
	}
	c.check(t, req, k, r)
	return r
}

func (c *conformance) check(t *testing.T, req *http.Request, k call, r reply) {
	t.Helper()
	label := fmt.Sprintf("%s %s -> %d", k.method, k.target, r.status)
	_, pattern := c.mux.Handler(req)
	if pattern == "" {
		c.checkUnmatched(t, label, r)
		return
	}
	method, path, _ := strings.Cut(pattern, " ")
	opPointer := "/paths/" + escapeToken(path) + "/" + strings.ToLower(method)
	op, _ := c.object(t, opPointer)
	if op == nil {
		t.Errorf("%s: %s is not in the document", label, pattern)
		return
	}
	c.record(pattern, r.status)
	c.checkQuery(t, label, opPointer, req.URL.Query(), r.status < 300)
	if r.status < 300 {
		c.checkRequestBody(t, label, opPointer, k)
	}

	responses, _ := op["responses"].(map[string]any)
	code := strconv.Itoa(r.status)
	if _, ok := responses[code]; !ok {
		t.Errorf("%s: status %d is not documented for %s; body %s", label, r.status, pattern, r.body)
		return
	}
	c.checkResponse(t, label, opPointer+"/responses/"+code, r)
}

func (c *conformance) checkUnmatched(t *testing.T, label string, r reply) {
	t.Helper()
	c.record(unmatched, r.status)
	switch r.status {
	case http.StatusNotFound:
		c.checkResponse(t, label, "/components/responses/NotFound", r)
	case http.StatusMethodNotAllowed:
		c.checkResponse(t, label, "/components/responses/MethodNotAllowed", r)
	default:
		t.Errorf("%s: no route serves the request, want 404 or 405", label)
	}
}

func (c *conformance) record(key string, status int) {
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][status] = true
}

// checkResponse checks r against the response object at pointer.
func (c *conformance) checkResponse(t *testing.T, label, pointer string, r reply) {
	t.Helper()
	resp, pointer := c.object(t, pointer)
	headers, _ := resp["headers"].(map[string]any)
	for name := range headers {
		if r.header.Get(name) == "" {
			t.Errorf("%s: header %s is documented but missing", label, name)
		}
	}
	mediaType, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil {
		t.Errorf("%s: Content-Type %q: %v", label, r.header.Get("Content-Type"), err)
		return
	}
	content, _ := resp["content"].(map[string]any)
	if _, ok := content[mediaType]; !ok {
		t.Errorf("%s: media type %s is not documented at %s", label, mediaType, pointer)
		return
	}
	if !isJSON(mediaType) {
		return
	}
	c.validate(t, label, pointer+"/content/"+escapeToken(mediaType)+"/schema", r.body)
	if mediaType == "application/problem+json" {
		var p struct{ Status int }
		if err := json.Unmarshal(r.body, &p); err == nil && p.Status != r.status {
			t.Errorf("%s: problem status %d differs from the HTTP status", label, p.Status)
		}
	}
}

// checkQuery fails t for a query parameter the operation does not
// document and, when the request succeeded, for a value its schema
// rejects.
func (c *conformance) checkQuery(t *testing.T, label, opPointer string, query url.Values, ok bool) {
	t.Helper()
	type param struct {
		pointer string
		integer bool
	}
	params := map[string]param{}
	op, _ := c.object(t, opPointer)
	list, _ := op["parameters"].([]any)
	for i := range list {
		p, pointer := c.object(t, opPointer+"/parameters/"+strconv.Itoa(i))
		if p["in"] == "query" {
			schema, _ := p["schema"].(map[string]any)
			params[p["name"].(string)] = param{pointer + "/schema", schema["type"] == "integer"}
		}
	}
	for name, values := range query {
		p, known := params[name]
		if !known {
			t.Errorf("%s: query parameter %s is not documented", label, name)
			continue
		}
		if !ok {
			continue
		}
		// A query value is text; an integer parameter's schema gets the
		// number it spells.
		value := strconv.Quote(values[0])
		if p.integer {
			value = values[0]
		}
		c.validate(t, label+" query "+name, p.pointer, []byte(value))
	}
}

// checkRequestBody fails t when a JSON body of a successful request
// does not match the documented request schema.
func (c *conformance) checkRequestBody(t *testing.T, label, opPointer string, k call) {
	t.Helper()
	if len(k.body) == 0 || !isJSON(k.contentType) {
		return
	}
	op, _ := c.object(t, opPointer)
	body, _ := op["requestBody"].(map[string]any)
	content, _ := body["content"].(map[string]any)
	if _, ok := content[k.contentType]; !ok {
		t.Errorf("%s: request media type %s is not documented", label, k.contentType)
		return
	}
	pointer := opPointer + "/requestBody/content/" + escapeToken(k.contentType) + "/schema"
	c.validate(t, label+" request", pointer, k.body)
}

// wantCoverage fails t for an operation that no sample request reached
// and logs the documented statuses that none received.
func (c *conformance) wantCoverage(t *testing.T) {
	t.Helper()
	for key := range operations(loadModel(t)) {
		if len(c.seen[key]) == 0 {
			t.Errorf("no sample request reached %s", key)
		}
	}
	var missed []string
	for _, r := range api.Routes() {
		key := r.Method + " " + r.Path
		opPointer := "/paths/" + escapeToken(r.Path) + "/" + strings.ToLower(r.Method)
		op, _ := c.object(t, opPointer)
		responses, _ := op["responses"].(map[string]any)
		for code := range responses {
			n, _ := strconv.Atoi(code)
			if !c.seen[key][n] {
				missed = append(missed, key+" "+code)
			}
		}
	}
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Logf("documented statuses that no sample request received:\n  %s",
			strings.Join(slices.Compact(missed), "\n  "))
	}
}

func TestConformanceRejectsUndocumented(t *testing.T) {
	srv := httptest.NewServer((&api.Server{}).Handler())
	t.Cleanup(srv.Close)
	c := newConformance(t, srv.URL)

	for _, tc := range []struct {
		schema, body string
		valid        bool
	}{
		{"Health", `{"status": "ok"}`, true},
		{"Health", `{"status": "ok", "uptime": 1}`, false},
		{"InboundResult", `{"message_id": "m", "sender_message_id": "s", "duplicate": false,
			"received_at": "2025-12-01T10:00:00+05:30"}`, true},
		{"InboundResult", `{"message_id": "m", "sender_message_id": "s", "duplicate": false,
			"received_at": "yesterday"}`, false},
		{"Problem", `{"type": "urn:sangam:problem:not-found", "title": "t", "status": 404,
			"retryable": false}`, true},
		{"Problem", `{"type": "urn:sangam:problem:invalid-message", "title": "t", "status": 400,
			"retryable": false}`, false},
	} {
		err := c.validateErr("/components/schemas/"+tc.schema, []byte(tc.body))
		if tc.valid && err != nil {
			t.Errorf("%s %s: %v, want valid", tc.schema, tc.body, err)
		}
		if !tc.valid && err == nil {
			t.Errorf("%s %s: valid, want an error", tc.schema, tc.body)
		}
	}
}
