// Package adaptertest is the conformance suite that every agency adapter
// runs: decode, encode, round trip and hostile input. An adapter declares
// what it supports in Features and supplies its own inputs and messages;
// the suite adds the hostile input every adapter must survive.
package adaptertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// Features declares what an adapter supports.
type Features struct {
	// Decodes is true when the adapter reads agency input.
	Decodes bool
	// Encodes lists the message types the adapter writes.
	Encodes []canonical.Type
	// RoundTrip is true when decoding what Encode wrote gives back the
	// message, after Suite.Comparable.
	RoundTrip bool
	// XML is true for XML formats: the suite then sends DTDs, entity
	// bombs and external entities, which must all be rejected.
	XML bool
}

// Suite is one adapter's conformance test.
type Suite struct {
	Adapter  adapters.Adapter
	Features Features
	// ContentType is passed to Decode.
	ContentType string
	// Inputs are valid agency bodies by name; each must decode.
	Inputs map[string][]byte
	// Messages are canonical messages the adapter must encode.
	Messages []canonical.Message
	// Comparable reduces a message to the fields the agency format
	// carries, for the round trip. Nil compares whole messages.
	Comparable func(canonical.Message) canonical.Message
	// Hostile are extra inputs that must be rejected with an error.
	Hostile map[string][]byte
}

// Run runs the suite as subtests of t.
func Run(t *testing.T, s Suite) {
	t.Helper()
	if s.Adapter == nil {
		t.Fatal("adaptertest: Suite.Adapter is nil")
	}
	if s.Adapter.Agency() == "" {
		t.Error("Agency() returned an empty name")
	}
	if s.Features.Decodes {
		t.Run("decode", func(t *testing.T) { testDecode(t, s) })
		t.Run("byte order mark", func(t *testing.T) { testByteOrderMark(t, s) })
		t.Run("truncated", func(t *testing.T) { testTruncated(t, s) })
		t.Run("hostile", func(t *testing.T) { testHostile(t, s) })
	}
	if len(s.Features.Encodes) > 0 {
		t.Run("encode", func(t *testing.T) { testEncode(t, s) })
		t.Run("unsupported", func(t *testing.T) { testUnsupported(t, s) })
	}
	if s.Features.RoundTrip {
		t.Run("round trip", func(t *testing.T) { testRoundTrip(t, s) })
	}
}

func testDecode(t *testing.T, s Suite) {
	if len(s.Inputs) == 0 {
		t.Fatal("Features.Decodes is set but Suite.Inputs is empty")
	}
	for name, body := range s.Inputs {
		t.Run(name, func(t *testing.T) {
			d, err := s.Adapter.Decode(body, s.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(d.Messages) == 0 {
				t.Fatal("Decode returned no messages")
			}
			for i := range d.Messages {
				checkDecoded(t, &d.Messages[i])
			}
			if d.Journal != nil && bytes.Contains(d.Journal, []byte("\x00")) {
				t.Error("Journal body contains NUL bytes")
			}
		})
	}
}

// utf8BOM is the byte order mark that some systems write before JSON
// and XML.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// testByteOrderMark requires each valid input with a UTF-8 byte order
// mark in front to decode to the same messages as without it, and the
// journal copy, when the adapter sets one, to be without the mark.
func testByteOrderMark(t *testing.T, s Suite) {
	for name, body := range s.Inputs {
		t.Run(name, func(t *testing.T) {
			want, err := s.Adapter.Decode(body, s.ContentType)
			if err != nil {
				t.Fatalf("Decode without the mark: %v", err)
			}
			got, err := s.Adapter.Decode(append(bytes.Clone(utf8BOM), body...), s.ContentType)
			if err != nil {
				t.Fatalf("Decode with the mark: %v", err)
			}
			if !reflect.DeepEqual(got.Messages, want.Messages) {
				t.Errorf("messages with the mark differ from those without it")
			}
			if bytes.HasPrefix(got.Journal, utf8BOM) {
				t.Error("journal copy keeps the byte order mark")
			}
		})
	}
}

func checkDecoded(t *testing.T, m *canonical.Message) {
	t.Helper()
	if err := m.CheckBody(); err != nil {
		t.Errorf("decoded message: %v", err)
	}
	if m.SenderMessageID == "" {
		t.Error("decoded message has no SenderMessageID")
	}
	if m.CaseKey == "" {
		t.Error("decoded message has no CaseKey")
	}
	if m.SchemaVersion != canonical.SchemaVersion {
		t.Errorf("SchemaVersion = %q, want %q", m.SchemaVersion, canonical.SchemaVersion)
	}
	if err := schemas.ValidateValue("canonical/message.json", m); err != nil {
		t.Errorf("decoded message fails the canonical schema: %v", err)
	}
}

// testTruncated feeds every prefix of each valid input (in steps, for
// long inputs) and requires an error or a valid decode, never a panic.
func testTruncated(t *testing.T, s Suite) {
	for name, body := range s.Inputs {
		step := max(1, len(body)/200)
		for n := 0; n < len(body); n += step {
			d, err := decodeNoPanic(s, body[:n])
			if errors.Is(err, errPanic) {
				t.Errorf("%s cut at %d: %v", name, n, err)
			}
			if err == nil {
				for i := range d.Messages {
					if cerr := d.Messages[i].CheckBody(); cerr != nil {
						t.Errorf("%s cut at %d: accepted an incomplete message: %v", name, n, cerr)
					}
				}
			}
		}
	}
}

func testHostile(t *testing.T, s Suite) {
	cases := commonHostile(s.Features.XML)
	for name, body := range s.Hostile {
		cases[name] = body
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeNoPanic(s, body)
			if errors.Is(err, errPanic) {
				t.Fatal(err)
			}
			if err == nil {
				t.Fatal("Decode accepted hostile input")
			}
			if !errors.Is(err, adapters.ErrMalformed) && schemas.Violations(err) == nil {
				t.Errorf("error is neither ErrMalformed nor a validation error: %v", err)
			}
		})
	}
}

// errPanic marks a Decode call that panicked; callers report it as a
// failure of its own.
var errPanic = errors.New("Decode panicked")

func decodeNoPanic(s Suite, body []byte) (d adapters.Decoded, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return s.Adapter.Decode(body, s.ContentType)
}

func testEncode(t *testing.T, s Suite) {
	if len(s.Messages) == 0 {
		t.Fatal("Features.Encodes is set but Suite.Messages is empty")
	}
	covered := map[canonical.Type]bool{}
	for i := range s.Messages {
		m := &s.Messages[i]
		covered[m.Type] = true
		t.Run(string(m.Type)+"/"+m.SenderMessageID, func(t *testing.T) {
			first, err := s.Adapter.Encode(m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if len(first.Body) == 0 {
				t.Fatal("Encode returned an empty body")
			}
			if first.ContentType == "" {
				t.Error("Encode returned no content type")
			}
			second, err := s.Adapter.Encode(m)
			if err != nil {
				t.Fatalf("second Encode: %v", err)
			}
			if !bytes.Equal(first.Body, second.Body) {
				t.Error("Encode is not deterministic: two calls gave different bodies")
			}
		})
	}
	for _, typ := range s.Features.Encodes {
		if !covered[typ] {
			t.Errorf("Features.Encodes lists %q but Suite.Messages has none", typ)
		}
	}
}

func testUnsupported(t *testing.T, s Suite) {
	supported := map[canonical.Type]bool{}
	for _, typ := range s.Features.Encodes {
		supported[typ] = true
	}
	for _, typ := range canonical.Types {
		if supported[typ] {
			continue
		}
		m := canonical.Message{Type: typ, SchemaVersion: canonical.SchemaVersion}
		_, err := s.Adapter.Encode(&m)
		if !errors.Is(err, adapters.ErrUnsupported) {
			t.Errorf("Encode(%s) error = %v, want ErrUnsupported", typ, err)
		}
	}
}

func testRoundTrip(t *testing.T, s Suite) {
	comparable := s.Comparable
	if comparable == nil {
		comparable = func(m canonical.Message) canonical.Message { return m }
	}
	for i := range s.Messages {
		m := s.Messages[i]
		t.Run(string(m.Type)+"/"+m.SenderMessageID, func(t *testing.T) {
			enc, err := s.Adapter.Encode(&m)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			d, err := s.Adapter.Decode(enc.Body, enc.ContentType)
			if err != nil {
				t.Fatalf("Decode of encoded body: %v\n%s", err, enc.Body)
			}
			if len(d.Messages) != 1 {
				t.Fatalf("Decode returned %d messages, want 1", len(d.Messages))
			}
			want, got := comparable(m), comparable(d.Messages[0])
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed the message\nwant %s\ngot  %s", jsonOf(want), jsonOf(got))
			}
		})
	}
}

func jsonOf(v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}

func commonHostile(xml bool) map[string][]byte {
	cases := map[string][]byte{
		"empty":        {},
		"white space":  []byte(" \n\t "),
		"NUL bytes":    bytes.Repeat([]byte{0}, 64),
		"invalid UTF8": []byte("\xff\xfe\xfd"),
		"binary":       []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
	}
	if xml {
		cases["doctype"] = []byte(`<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a ANY>]><a/>`)
		cases["entity bomb"] = []byte(`<?xml version="1.0"?><!DOCTYPE lol [` +
			`<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
			`]><a>&lol2;</a>`)
		cases["external entity"] = []byte(`<?xml version="1.0"?><!DOCTYPE a [` +
			`<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>`)
		cases["deep nesting"] = []byte(strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000))
		cases["unclosed"] = []byte(`<a><b>`)
	} else {
		cases["deep nesting"] = []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000))
		cases["not an object"] = []byte(`[1,2,3]`)
		cases["truncated"] = []byte(`{"type":`)
		cases["trailing data"] = []byte(`{} {}`)
	}
	return cases
}
