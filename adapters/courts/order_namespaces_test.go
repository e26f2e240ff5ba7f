package courts

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// TestOrderUnknownNamespace decodes the production warrant with one
// NIEM namespace changed: the error is one violation at the first
// element or attribute in that namespace, naming it and the namespaces
// the hub reads, and no required field reads as missing.
func TestOrderUnknownNamespace(t *testing.T) {
	const (
		nc5  = `xmlns:nc="http://release.niem.gov/niem/niem-core/5.0/"`
		j7   = `xmlns:j="http://release.niem.gov/niem/domains/jxdm/7.0/"`
		str5 = `xmlns:structures="http://release.niem.gov/niem/structures/5.0/"`
	)
	cases := []struct {
		name, old, new, space, pointer string
	}{
		{"core without trailing slash", nc5, `xmlns:nc="http://release.niem.gov/niem/niem-core/5.0"`,
			"http://release.niem.gov/niem/niem-core/5.0", "/CourtOrderReport/DocumentIdentification"},
		{"NIEM 3 core with Justice 7.0", nc5, `xmlns:nc="http://release.niem.gov/niem/niem-core/3.0/"`,
			"http://release.niem.gov/niem/niem-core/3.0/", "/CourtOrderReport/DocumentIdentification"},
		{"NIEM 4 Justice", j7, `xmlns:j="http://release.niem.gov/niem/domains/jxdm/6.0/"`,
			"http://release.niem.gov/niem/domains/jxdm/6.0/", "/CourtOrderReport/Warrant"},
		{"structures without trailing slash", str5,
			`xmlns:structures="http://release.niem.gov/niem/structures/5.0"`,
			"http://release.niem.gov/niem/structures/5.0", "/CourtOrderReport/Warrant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := replaced(t, "order_production_warrant.xml", c.old, c.new)
			_, err := orderAdapter().Decode(body, ContentType)
			checkNamespaceViolation(t, err, c.pointer,
				`"`+c.space+`"`, "http://release.niem.gov/niem/", "5.0/")
		})
	}
}

// TestOrderNIEM4Pair changes both namespaces of the production warrant to
// NIEM 4.0 with Justice 6.0: the one violation names the Justice
// namespace, at the warrant.
func TestOrderNIEM4Pair(t *testing.T) {
	body := readTestdata(t, "order_production_warrant.xml")
	body = bytes.ReplaceAll(body, []byte("niem-core/5.0/"), []byte("niem-core/4.0/"))
	body = bytes.ReplaceAll(body, []byte("jxdm/7.0/"), []byte("jxdm/6.0/"))
	_, err := orderAdapter().Decode(body, ContentType)
	checkNamespaceViolation(t, err, "/CourtOrderReport/Warrant", "jxdm/6.0/", "jxdm/7.0/")
}

// TestOrderNoNamespace drops the NIEM core namespace of the production
// warrant and its nc: prefixes: the one violation is at the first
// element in no namespace, and no required field reads as missing.
func TestOrderNoNamespace(t *testing.T) {
	body := replaced(t, "order_production_warrant.xml",
		`xmlns:nc="http://release.niem.gov/niem/niem-core/5.0/"`, "")
	body = bytes.ReplaceAll(body, []byte("<nc:"), []byte("<"))
	body = bytes.ReplaceAll(body, []byte("</nc:"), []byte("</"))
	_, err := orderAdapter().Decode(body, ContentType)
	checkNamespaceViolation(t, err, "/CourtOrderReport/DocumentIdentification",
		"no namespace", "niem-core/5.0/", "jxdm/7.0/")
}

// TestOrderStructuresOfOtherRelease turns the production warrant into
// NIEM 3 with Justice 5.0. With the NIEM 3 structures namespace it
// decodes, and with the NIEM 5 one its structures:id is one violation.
func TestOrderStructuresOfOtherRelease(t *testing.T) {
	body := readTestdata(t, "order_production_warrant.xml")
	body = bytes.ReplaceAll(body, []byte("niem-core/5.0/"), []byte("niem-core/3.0/"))
	body = bytes.ReplaceAll(body, []byte("jxdm/7.0/"), []byte("jxdm/5.0/"))
	niem3 := bytes.ReplaceAll(body, []byte("structures/5.0/"), []byte("structures/3.0/"))
	if _, err := orderAdapter().Decode(niem3, ContentType); err != nil {
		t.Fatalf("Decode with NIEM 3 structures: %v", err)
	}

	_, err := orderAdapter().Decode(body, ContentType)
	checkNamespaceViolation(t, err, "/CourtOrderReport/Warrant",
		`"http://release.niem.gov/niem/structures/5.0/"`, "structures/3.0/")
}

// checkNamespaceViolation checks that err is one violation of rule
// RuleNamespace at pointer, with a message that contains each of parts.
func checkNamespaceViolation(t *testing.T, err error, pointer string, parts ...string) {
	t.Helper()
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode: %d violations, want 1: %v", len(vs), err)
	}
	v := vs[0]
	if v.Rule != RuleNamespace {
		t.Errorf("rule %q, want %q", v.Rule, RuleNamespace)
	}
	if v.Pointer != pointer {
		t.Errorf("pointer %q, want %q", v.Pointer, pointer)
	}
	for _, part := range parts {
		if !strings.Contains(v.Message, part) {
			t.Errorf("message %q lacks %q", v.Message, part)
		}
	}
}
