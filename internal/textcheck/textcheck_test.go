package textcheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

type found struct{ pointer, rule string }

func check(t *testing.T, body, contentType string) []found {
	t.Helper()
	var out []found
	for _, v := range Check([]byte(body), contentType) {
		out = append(out, found{v.Pointer, v.Rule})
	}
	return out
}

func expect(t *testing.T, name string, got []found, want ...found) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got %v, want %v", name, got, want)
	}
}

func TestJSONEscapes(t *testing.T) {
	cases := []struct {
		body string
		want []found
	}{
		{`{"a":"x"}`, nil},
		{`{"a":"x\u0000"}`, []found{{"/a", RuleNUL}}},
		{`{"a":"x\\u0000"}`, nil}, // an escaped backslash, then text
		{`{"a":"x\\\u0000"}`, []found{{"/a", RuleNUL}}},
		{`{"a":"\u0001"}`, []found{{"/a", RuleControl}}},
		{`{"a":"\u001F"}`, []found{{"/a", RuleControl}}},
		{`{"a":"\t\n\r\u0009\u000a\u000D"}`, nil},
		{`{"a":"\u007f"}`, []found{{"/a", RuleControl}}},
		{`{"a":"\u0085"}`, []found{{"/a", RuleControl}}},
		{`{"a":"\u00a0\u0d2e"}`, nil},
		{`{"a":"\ufffe"}`, []found{{"/a", RuleNoncharacter}}},
		{`{"a":"\uFFFF"}`, []found{{"/a", RuleNoncharacter}}},
		{`{"a":"\ufdd0"}`, []found{{"/a", RuleNoncharacter}}},
		{`{"a":"\ufdef\ufdf0"}`, []found{{"/a", RuleNoncharacter}}},
		{`{"a":"\ud800"}`, []found{{"/a", RuleSurrogate}}},
		{`{"a":"\udc00x"}`, []found{{"/a", RuleSurrogate}}},
		{`{"a":"\ud800\u0041"}`, []found{{"/a", RuleSurrogate}}},
		{`{"a":"\ud83d\ude00"}`, nil},                               // U+1F600, a pair
		{`{"a":"\ud83f\udffe"}`, []found{{"/a", RuleNoncharacter}}}, // U+1FFFE
		{`{"a":"\ufffd"}`, nil},
	}
	for _, c := range cases {
		expect(t, c.body, check(t, c.body, "application/json"), c.want...)
	}
}

func TestJSONRawCharacters(t *testing.T) {
	cases := []struct {
		body string
		want []found
	}{
		{"{\"a\":\"x\x00\"}", []found{{"/a", RuleNUL}}},
		{"{\"a\":\"x\x01\"}", []found{{"/a", RuleControl}}},
		{"{\"a\":\"\x7f\"}", []found{{"/a", RuleControl}}},
		{"{\"a\":\"\u0085\"}", []found{{"/a", RuleControl}}},
		{"{\"a\":\"\uFFFE\"}", []found{{"/a", RuleNoncharacter}}},
		{"{\"a\":\"\U0010FFFF\"}", []found{{"/a", RuleNoncharacter}}},
		{"{\"a\":\"\xff\"}", []found{{"/a", RuleUTF8}}},
		{"{\"a\":\"\xed\xa0\x80\"}", []found{{"/a", RuleUTF8}}}, // a surrogate in UTF-8
		{"{\"a\":\"മലയാളം\u200d\"}", nil},
	}
	for _, c := range cases {
		expect(t, fmt.Sprintf("%q", c.body), check(t, c.body, ""), c.want...)
	}
}

func TestJSONPointers(t *testing.T) {
	body := `{
  "fir": {"police_station": "EKM0420", "number": 12},
  "accused": [
    {"person": {"names": [{"full": "A"}, {"full": "B\u0001"}]}},
    {"person": {"names": [{"full": "C\ufffe"}]}, "status": "x\ud800"}
  ],
  "a/b~c": "\u0002",
  "brief_facts": "\u0000",
  "n\u0001ame": "ok",
  "list": [1, true, null, "\u0003"]
}`
	expect(t, "document", check(t, body, "application/json"),
		found{"/accused/0/person/names/1/full", RuleControl},
		found{"/accused/1/person/names/0/full", RuleNoncharacter},
		found{"/accused/1/status", RuleSurrogate},
		found{"/a~1b~0c", RuleControl},
		found{"/brief_facts", RuleNUL},
		found{"", RuleControl},
		found{"/list/3", RuleControl},
	)
}

func TestJSONFirstCharacterPerString(t *testing.T) {
	vs := Check([]byte(`{"a":"\u0001\u0002\ufffe"}`), "application/json")
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1: %v", len(vs), vs)
	}
	if !strings.Contains(vs[0].Message, "U+0001") || !strings.Contains(vs[0].Message, "byte 6") {
		t.Errorf("message %q does not name U+0001 at byte 6", vs[0].Message)
	}
}

func TestJSONMemberNameMessage(t *testing.T) {
	vs := Check([]byte(`{"x":{"n\u0001":1}}`), "application/json")
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1: %v", len(vs), vs)
	}
	if vs[0].Pointer != "/x" {
		t.Errorf("pointer %q, want /x", vs[0].Pointer)
	}
	if !strings.Contains(vs[0].Message, "member name") {
		t.Errorf("message %q does not say that a member name is at fault", vs[0].Message)
	}
}

func TestTooManyViolations(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a":[`)
	for i := range schemas.MaxViolations + 5 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"\u0001"`)
	}
	b.WriteString(`]}`)
	vs := Check([]byte(b.String()), "application/json")
	if len(vs) != schemas.MaxViolations+1 {
		t.Fatalf("got %d violations, want %d", len(vs), schemas.MaxViolations+1)
	}
	last := vs[len(vs)-1]
	if last.Rule != schemas.RuleTooManyErrors || last.Omitted != 5 {
		t.Errorf("last violation %+v, want rule %s omitting 5", last, schemas.RuleTooManyErrors)
	}
}

func TestXML(t *testing.T) {
	const root = `<r xmlns="urn:a" xmlns:b="urn:b">`
	cases := []struct {
		body string
		want []found
	}{
		{root + `<n>x</n></r>`, nil},
		{root + `<n>x&#1;</n></r>`, []found{{"/r/n", RuleControl}}},
		{root + `<n>x&#0;</n></r>`, []found{{"/r/n", RuleNUL}}},
		{root + `<n>&#xD800;</n></r>`, []found{{"/r/n", RuleSurrogate}}},
		{root + `<n>&#xfffe;</n></r>`, []found{{"/r/n", RuleNoncharacter}}},
		{root + `<n>&#65534;</n></r>`, []found{{"/r/n", RuleNoncharacter}}},
		{root + `<n>&#x7F;</n></r>`, []found{{"/r/n", RuleControl}}},
		{root + "<n>\x01</n></r>", []found{{"/r/n", RuleControl}}},
		{root + "<n>\u0085</n></r>", []found{{"/r/n", RuleControl}}},
		// XML allows leading zeros in a character reference.
		{root + `<n>PW 45&#x0000000085;/2025</n></r>`, []found{{"/r/n", RuleControl}}},
		{root + `<n>&#0000000000000000133;</n></r>`, []found{{"/r/n", RuleControl}}},
		{root + `<n>&#x000000000000000000041;</n></r>`, nil},
		{root + "<n>\uFDD0</n></r>", []found{{"/r/n", RuleNoncharacter}}},
		{root + "<n>\uFFFF</n></r>", []found{{"/r/n", RuleNoncharacter}}},
		{root + "<n>\xc3</n></r>", []found{{"/r/n", RuleUTF8}}},
		{root + "<n><![CDATA[\x02]]></n></r>", []found{{"/r/n", RuleControl}}},
		{root + `<n>&#65;&#x9;&amp;</n></r>`, nil},
		{root + "<!-- \u0085 &#1; --><n>x</n></r>", nil},
		// Two siblings of one name get ordinals; a sibling of another
		// name or namespace does not count.
		{root + `<n>a</n><n>b&#1;</n><b:n>c&#2;</b:n><m><k>&#3;</k></m></r>`,
			[]found{{"/r/n[2]", RuleControl}, {"/r/n", RuleControl}, {"/r/m/k", RuleControl}}},
		{root + `<n b:id="x&#1;" c='&#2;'/></r>`,
			[]found{{"/r/n/@id", RuleControl}, {"/r/n/@c", RuleControl}}},
	}
	for _, c := range cases {
		expect(t, fmt.Sprintf("%q", c.body), check(t, c.body, "application/xml"), c.want...)
	}
}

func TestXMLNotReadable(t *testing.T) {
	// A body that does not read as XML has its characters reported for
	// the whole document, with their offsets.
	vs := Check([]byte("<r x><n>&#1;</n></r>"), "")
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1: %v", len(vs), vs)
	}
	if vs[0].Pointer != "" || vs[0].Rule != RuleControl || !strings.Contains(vs[0].Message, "byte 8") {
		t.Errorf("got %+v, want rule %s at byte 8 for the whole document", vs[0], RuleControl)
	}
}

func TestCSV(t *testing.T) {
	body := "msisdn,name,note\r\n" +
		"9400000001,\"Nair, A\u0001\",ok\r\n" +
		"9400000002,\"say \"\"hi\"\"\",\"two\nlines\x7f\"\n" +
		"9400000003,\uFFFE,\r\n"
	expect(t, "csv", check(t, body, "text/csv"),
		found{"/1/1", RuleControl},
		found{"/2/2", RuleControl},
		found{"/3/1", RuleNoncharacter},
	)
}

func TestOtherFormat(t *testing.T) {
	expect(t, "text", check(t, "plain\x00text\u0085", "text/plain"),
		found{"", RuleNUL}, found{"", RuleControl})
	expect(t, "clean", check(t, "plain text\r\n", ""))
}

func TestFormatByFirstByte(t *testing.T) {
	expect(t, "json", check(t, "\xef\xbb\xbf \n{\"a\":\"\\u0001\"}", ""), found{"/a", RuleControl})
	expect(t, "xml", check(t, "  <a>&#1;</a>", "text/plain"), found{"/a", RuleControl})
	expect(t, "json array", check(t, `["\u0001"]`, ""), found{"/0", RuleControl})
}
