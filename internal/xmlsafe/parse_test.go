package xmlsafe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseRejects(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"doctype", `<?xml version="1.0"?><!DOCTYPE a [<!ELEMENT a ANY>]><a/>`, ErrDoctype},
		{"internal entity", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, ErrDoctype},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">` +
			`<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><a>&lol2;</a>`, ErrDoctype},
		{"external entity", `<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`, ErrDoctype},
		{"public DTD", `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><a/>`, ErrDoctype},
		{"doctype inside root", `<a><!DOCTYPE a></a>`, ErrDoctype},
		{"undeclared entity", `<a>&x;</a>`, ErrNotWellFormed},
		{"deep", strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300), ErrTooDeep},
		{"latin1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, ErrEncoding},
		{"invalid utf8", "<a>\xff</a>", ErrEncoding},
		{"empty", ``, ErrNotWellFormed},
		{"white space", " \n\t", ErrNotWellFormed},
		{"unclosed", `<a><b>`, ErrNotWellFormed},
		{"mismatched", `<a></b>`, ErrNotWellFormed},
		{"two roots", `<a/><b/>`, ErrNotWellFormed},
		{"text after root", `<a/>tail`, ErrNotWellFormed},
		{"NUL", "<a>\x00</a>", ErrNotWellFormed},
		{"undeclared prefix", `<x:a/>`, ErrNotWellFormed},
		{"undeclared attribute prefix", `<a s:ref="p"/>`, ErrNotWellFormed},
		{"JSON object", ` {"a": 1}`, ErrNotXML},
		{"JSON array", `[1]`, ErrNotWellFormed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.in), Limits{})
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse error = %v, want %v", err, c.want)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	in := []byte("<a>" + strings.Repeat("x", 100) + "</a>")
	_, err := Parse(in, Limits{MaxBytes: 50})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse error = %v, want ErrTooLarge", err)
	}
	if !strings.Contains(err.Error(), "limit 50") {
		t.Errorf("error %q does not state the limit", err)
	}
}

func TestParseDepthLimit(t *testing.T) {
	in := []byte(strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5))
	if _, err := Parse(in, Limits{MaxDepth: 5}); err != nil {
		t.Fatalf("depth 5 with limit 5: %v", err)
	}
	if _, err := Parse(in, Limits{MaxDepth: 4}); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("depth 5 with limit 4: error = %v, want ErrTooDeep", err)
	}
}

func TestParseNodeLimit(t *testing.T) {
	cases := map[string]string{
		"elements":   "<a>" + strings.Repeat("<b/>", 5) + "</a>",
		"attributes": `<a b="1" c="2" d="3" e="4" f="5"/>`,
		"text runs":  "<a><b>x</b><b>y</b><c/></a>",
		"comments":   "<a>" + strings.Repeat("<!--c-->", 5) + "</a>",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(in), Limits{MaxNodes: 6}); err != nil {
				t.Fatalf("6 nodes with limit 6: %v", err)
			}
			_, err := Parse([]byte(in), Limits{MaxNodes: 5})
			if !errors.Is(err, ErrTooManyNodes) {
				t.Fatalf("6 nodes with limit 5: error = %v, want ErrTooManyNodes", err)
			}
			if !strings.Contains(err.Error(), "more than 5 ") {
				t.Errorf("error %q does not state the limit", err)
			}
		})
	}
}

func TestParseNodeLimitDefault(t *testing.T) {
	in := "<a>" + strings.Repeat("<b/>", DefaultMaxNodes) + "</a>"
	if _, err := Parse([]byte(in), Limits{}); !errors.Is(err, ErrTooManyNodes) {
		t.Fatalf("%d elements with the default limit: error = %v, want ErrTooManyNodes",
			DefaultMaxNodes+1, err)
	}
}

func TestParseAttributeLimit(t *testing.T) {
	in := `<?p k="1" l="2"?><a b="=" c='x=y' d="3"><!-- e=1 f=2 --><![CDATA[ g=h ]]>i=j</a>`
	if _, err := Parse([]byte(in), Limits{MaxAttributes: 3}); err != nil {
		t.Fatalf("3 attributes with limit 3: %v", err)
	}
	_, err := Parse([]byte(in), Limits{MaxAttributes: 2})
	if !errors.Is(err, ErrTooManyNodes) {
		t.Fatalf("3 attributes with limit 2: error = %v, want ErrTooManyNodes", err)
	}
	if !strings.Contains(err.Error(), "at byte 17 has more than 2 attributes") {
		t.Errorf("error %q does not name the element's offset and the limit", err)
	}
}

// TestParseManyAttributesCheap posts one start tag with 200,000
// attributes, which the decoder would turn into an attribute list of
// tens of megabytes before the node count could reject it.
func TestParseManyAttributesCheap(t *testing.T) {
	var b strings.Builder
	b.WriteString("<a")
	for i := range 200_000 {
		fmt.Fprintf(&b, ` a%d="1"`, i)
	}
	b.WriteString("/>")
	in := []byte(b.String())

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse(in, Limits{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooManyNodes) {
		t.Fatalf("200,000 attributes: error = %v, want ErrTooManyNodes", err)
	}
	const budget = 4 << 20
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > budget {
		t.Errorf("Parse allocated %d bytes to reject a %d-byte tag, want at most %d",
			allocated, len(in), budget)
	}
}

func TestParseAccepts(t *testing.T) {
	cases := map[string]string{
		"declaration":        `<?xml version="1.0" encoding="UTF-8"?><a/>`,
		"lower-case utf-8":   `<?xml version="1.0" encoding="utf-8"?><a/>`,
		"byte order mark":    "\xEF\xBB\xBF<a/>",
		"comment before":     `<!-- note --><a/>`,
		"predefined entity":  `<a>&lt;&amp;&#x41;</a>`,
		"CDATA":              `<a><![CDATA[<b>]]></a>`,
		"xml:lang attribute": `<a xml:lang="ml"/>`,
		"Malayalam text":     `<a>രാജൻ</a>`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse([]byte(in), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Root() == nil || doc.Root().Tag != "a" {
				t.Fatalf("root = %v, want <a>", doc.Root())
			}
		})
	}
}

func TestParseHostileSample(t *testing.T) {
	dir := os.Getenv("SANGAM_SAMPLES")
	if dir == "" {
		t.Skip("SANGAM_SAMPLES is not set; set it to the samples folder to run this test")
	}
	data, err := os.ReadFile(filepath.Join(dir, "hostile", "x1-xxe.xml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(data, Limits{})
	if !errors.Is(err, ErrDoctype) {
		t.Fatalf("Parse error = %v, want ErrDoctype", err)
	}
	if !strings.Contains(err.Error(), "DOCTYPE") {
		t.Errorf("error %q does not name the DOCTYPE", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(prefixed))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`))
	f.Add([]byte(`<a xmlns:s="http://niem.gov/niem/structures/2.0"><b s:ref="x"/></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data, Limits{MaxDepth: 64})
		if err != nil {
			return
		}
		if doc.Root() == nil {
			t.Fatal("Parse accepted a document without a root element")
		}
		if _, err := IndexIDs(doc.Root()); err != nil && !errors.Is(err, ErrDuplicateID) {
			t.Fatalf("IndexIDs: %v", err)
		}
	})
}

// TestParseRejectsSplitText parses documents whose text a reader of one
// element's text would cut short: a processing instruction inside an
// element, and text beside child elements.
func TestParseRejectsSplitText(t *testing.T) {
	cases := []struct {
		in   string
		want error
		text string
	}{
		{`<a>keep him<?pdf-page 2?> in solitary confinement</a>`, ErrInstruction, "<?pdf-page?> inside <a>"},
		{`<r><a>5863<?x y?>0172</a></r>`, ErrInstruction, "inside <a>"},
		{`<a>Produce the accused<b>z</b> and keep him</a>`, ErrMixedContent, "<a> has text"},
		{`<r><a><b/>text after</a></r>`, ErrMixedContent, "<a> has text"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.in), Limits{})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error = %v, want %v", c.in, err, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: error %q does not contain %q", c.in, err, c.text)
		}
	}
	for _, ok := range []string{
		`<?xml-stylesheet href="s.xsl"?><a>text<!-- note --> more</a>`,
		"<a>\n  <b>x</b>\n  <c/>\n</a>",
		`<a>split <![CDATA[by]]> CDATA</a>`,
	} {
		if _, err := Parse([]byte(ok), Limits{}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestParseNamesFirstCharacterOfNonXML(t *testing.T) {
	_, err := Parse([]byte("\n{\"document_type\": \"movement\"}"), Limits{})
	want := `the body is not XML: it starts with '{' where an XML document starts with '<'`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}
}
