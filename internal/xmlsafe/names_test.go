package xmlsafe

import (
	"errors"
	"strings"
	"testing"
)

const (
	nsA = "urn:test:a"
	nsB = "urn:test:b"
)

// prefixed and defaulted spell one document two ways: with prefixes, and
// with a default namespace plus a different prefix.
const prefixed = `<x:root xmlns:x="urn:test:a" xmlns:y="urn:test:b"
	xmlns:s="http://niem.gov/niem/structures/2.0">
	<y:item s:ref="P1"/>
	<x:item>  first
		</x:item>
	<x:item><!-- c -->second</x:item>
	<y:person s:id="P1"><y:name>	Rajan K.
	</y:name></y:person>
</x:root>`

const defaulted = `<root xmlns="urn:test:a" xmlns:q="urn:test:b"
	xmlns:st="http://niem.gov/niem/structures/2.0">
	<q:item st:ref="P1"/>
	<item>first</item>
	<item>second</item>
	<q:person st:id="P1"><q:name>Rajan K.</q:name></q:person>
</root>`

func TestFindersIgnorePrefixes(t *testing.T) {
	for name, in := range map[string]string{"prefixed": prefixed, "defaulted": defaulted} {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse([]byte(in), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			root := doc.Root()
			if !Is(root, Name{nsA, "root"}) {
				t.Fatalf("root name = %v", NameOf(root))
			}
			items := Children(root, Name{nsA, "item"})
			if len(items) != 2 {
				t.Fatalf("got %d items in %s, want 2", len(items), nsA)
			}
			if got := Text(items[0]); got != "first" {
				t.Errorf("Text(items[0]) = %q, want %q", got, "first")
			}
			if got := Text(items[1]); got != "second" {
				t.Errorf("Text(items[1]) = %q, want %q", got, "second")
			}
			if got := PathText(root, Name{nsB, "person"}, Name{nsB, "name"}); got != "Rajan K." {
				t.Errorf("PathText = %q, want %q", got, "Rajan K.")
			}
			if Child(root, Name{nsB, "root"}) != nil {
				t.Error("Child matched an element of another namespace")
			}
			if got := Pointer(items[1]); got != "/root/item[2]" {
				t.Errorf("Pointer = %q, want /root/item[2]", got)
			}
		})
	}
}

func TestRefsResolveForwardAndBack(t *testing.T) {
	in := `<r xmlns:s="http://release.niem.gov/niem/structures/4.0/">
		<a s:ref="later"/><b s:id="earlier"/><c s:id="later"/><d s:ref="earlier"/><e>inline</e></r>`
	doc, err := Parse([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := IndexIDs(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	root := doc.Root()
	for from, want := range map[string]string{"a": "c", "d": "b", "e": "e"} {
		got, err := refs.Follow(root.SelectElement(from))
		if err != nil {
			t.Fatalf("Follow(%s): %v", from, err)
		}
		if got.Tag != want {
			t.Errorf("Follow(%s) = <%s>, want <%s>", from, got.Tag, want)
		}
	}
}

func TestRefsErrors(t *testing.T) {
	dangling := `<r xmlns:s="http://niem.gov/niem/structures/2.0"><a s:ref="nowhere"/></r>`
	doc, err := Parse([]byte(dangling), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := IndexIDs(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := refs.Follow(doc.Root().SelectElement("a")); !errors.Is(err, ErrUnresolvedRef) {
		t.Errorf("Follow error = %v, want ErrUnresolvedRef", err)
	}

	for _, body := range []string{
		`<r xmlns:s="http://niem.gov/niem/structures/2.0"><t s:id="x"/><a s:ref="x"><c>KLER01</c></a></r>`,
		`<r xmlns:s="http://niem.gov/niem/structures/2.0"><t s:id="x"/><a s:ref="x">KLER01</a></r>`,
		"<r xmlns:s=\"http://niem.gov/niem/structures/2.0\"><t s:id=\"x\"/><a s:ref=\"x\">\u00a0</a></r>",
	} {
		doc, err := Parse([]byte(body), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		refs, err := IndexIDs(doc.Root())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := refs.Follow(doc.Root().SelectElement("a")); !errors.Is(err, ErrRefWithContent) {
			t.Errorf("%s: Follow error = %v, want ErrRefWithContent", body, err)
		}
	}

	dup := `<r xmlns:s="http://niem.gov/niem/structures/2.0"><a s:id="x"/><b s:id="x"/></r>`
	doc, err = Parse([]byte(dup), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = IndexIDs(doc.Root())
	if !errors.Is(err, ErrDuplicateID) {
		t.Errorf("IndexIDs error = %v, want ErrDuplicateID", err)
	}
	for _, path := range []string{"/r/a", "/r/b"} {
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Errorf("IndexIDs error %q lacks the path %s", err, path)
		}
	}
}

func TestRefsIgnoreOtherNamespaces(t *testing.T) {
	in := `<r xmlns:o="urn:other"><a o:ref="x"/><b o:id="x"/></r>`
	doc, err := Parse([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := Ref(doc.Root().SelectElement("a")); got != "" {
		t.Errorf("Ref read a non-NIEM attribute: %q", got)
	}
}

func TestAttrValueByNamespace(t *testing.T) {
	in := `<r xmlns:p="urn:test:a" plain="1" p:key="2"/>`
	doc, err := Parse([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := AttrValue(doc.Root(), Name{"", "plain"}); !ok || v != "1" {
		t.Errorf("plain = %q, %v", v, ok)
	}
	if v, ok := AttrValue(doc.Root(), Name{nsA, "key"}); !ok || v != "2" {
		t.Errorf("p:key = %q, %v", v, ok)
	}
	if _, ok := AttrValue(doc.Root(), Name{"", "key"}); ok {
		t.Error("matched a namespaced attribute without its namespace")
	}
}
