package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/textcheck"
	"github.com/sangam-hub/sangam/schemas"
)

// readReplacing returns the file at path with old replaced once by new,
// and fails t when path does not contain old.
func readReplacing(t *testing.T, path, old, new string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if !bytes.Contains(body, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	return bytes.Replace(body, []byte(old), []byte(new), 1)
}

func TestAcceptRejectsCharacters(t *testing.T) {
	const (
		finalReport = "../../adapters/police/testdata/final_report_ipc.json"
		callback    = "../../adapters/courts/testdata/kochi_callback.xml"
		movement    = "../../adapters/prisons/testdata/court_production.json"
	)
	cases := []struct {
		name, agency, contentType string
		body                      []byte
		pointer, rule             string
	}{
		{"control escape in brief facts", "police", "application/json",
			readReplacing(t, finalReport, `"brief_facts": "`, `"brief_facts": "\u0001`),
			"/brief_facts", textcheck.RuleControl},
		{"NUL escape in brief facts", "police", "application/json",
			readReplacing(t, finalReport, `"brief_facts": "`, `"brief_facts": "\u0000`),
			"/brief_facts", textcheck.RuleNUL},
		{"lone surrogate in brief facts", "police", "application/json",
			readReplacing(t, finalReport, `"brief_facts": "`, `"brief_facts": "\ud800`),
			"/brief_facts", textcheck.RuleSurrogate},
		{"noncharacter in a name", "police", "application/json",
			readReplacing(t, finalReport, `"Thomas Mathew"`, "\"Thomas\uFFFE Mathew\""),
			"/accused/0/person/names/0/full", textcheck.RuleNoncharacter},
		{"C1 control in a name", "police", "",
			readReplacing(t, finalReport, `"Thomas Mathew"`, "\"Thomas\u0085 Mathew\""),
			"/accused/0/person/names/0/full", textcheck.RuleControl},
		{"invalid UTF-8 in a section", "police", "application/json",
			readReplacing(t, finalReport, `"murder"`, "\"mur\xffder\""),
			"/sections/0/description", textcheck.RuleUTF8},
		{"character reference in a case title", "courts", "application/xml",
			readReplacing(t, callback, "State of Kerala v. Rajan", "State of Kerala&#x1; v. Rajan"),
			"/RecordDocketingCallbackMessage/CriminalCase/CaseTitleText", textcheck.RuleControl},
		{"surrogate reference in an identification", "courts", "application/xml",
			readReplacing(t, callback, "KLER01-CB-000123", "KLER01-CB-000123&#xD800;"),
			"/RecordDocketingCallbackMessage/DocumentIdentification[1]/IdentificationID",
			textcheck.RuleSurrogate},
		{"control escape in a movement's prisoner", "prisons", "application/json",
			readReplacing(t, movement, `"Kuttan"`, `"Kut\u0002tan"`),
			"/prisoner/person/aliases/0/full", textcheck.RuleControl},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.service.Accept(context.Background(), c.agency, c.body, c.contentType)
			vs := schemas.Violations(err)
			if len(vs) == 0 {
				t.Fatalf("Accept: error = %v, want violations", err)
			}
			if vs[0].Pointer != c.pointer || vs[0].Rule != c.rule {
				t.Errorf("first violation %s %s, want %s %s: %v",
					vs[0].Pointer, vs[0].Rule, c.pointer, c.rule, err)
			}
			if found := f.find(t, journal.Query{Source: c.agency}); len(found) != 0 {
				t.Errorf("journal has %d messages from %s, want none", len(found), c.agency)
			}
		})
	}
}

func TestAcceptListsDecodingViolationsToo(t *testing.T) {
	f := newFixture(t)
	body := firBody(t, "EKM0412-FIR-20", func(doc map[string]any) {
		doc["first_information"] = "a theft\u0001"
		doc["delay_reason"] = 7
	})
	_, err := f.service.Accept(context.Background(), "police", body, "application/json")
	vs := schemas.Violations(err)
	pointers := map[string]bool{}
	for _, v := range vs {
		pointers[v.Pointer] = true
	}
	if !pointers["/first_information"] {
		t.Errorf("violations %v do not name /first_information", vs)
	}
	if !pointers["/delay_reason"] {
		t.Errorf("violations %v do not name /delay_reason, which the schema rejects", vs)
	}
}

func TestAcceptListsMalformedBodyToo(t *testing.T) {
	f := newFixture(t)
	body := []byte(`<r>&#1;<a b="1" b="2"/></r>`)
	_, err := f.service.Accept(context.Background(), "courts", body, "application/xml")
	rules := map[string]bool{}
	for _, v := range schemas.Violations(err) {
		rules[v.Rule] = true
	}
	if !rules[textcheck.RuleControl] || !rules[ingest.RuleMalformed] {
		t.Errorf("violations %v, want %s and %s", schemas.Violations(err), textcheck.RuleControl,
			ingest.RuleMalformed)
	}
}

// failEnricher rejects each message with violations at canonical
// pointers.
type failEnricher struct{ pointers []string }

func (e failEnricher) Enrich(context.Context, *canonical.Message) error {
	var vs []schemas.Violation
	for _, p := range e.pointers {
		vs = append(vs, schemas.Violation{Pointer: p, Rule: "test", Message: "rejected"})
	}
	return schemas.Invalid(vs...)
}

func TestAcceptPointsOnlyIntoTheBody(t *testing.T) {
	f := newFixture(t)
	f.service.Enrichers = []ingest.Enricher{failEnricher{[]string{
		"/fir/first_information", "/fir/complainant/names/0/full", "",
	}}}
	_, err := f.service.Accept(context.Background(), "police",
		firBody(t, "EKM0412-FIR-21", nil), "application/json")
	vs := schemas.Violations(err)
	if len(vs) != 3 {
		t.Fatalf("Accept: error = %v, want 3 violations", err)
	}
	if vs[0].Pointer != "/first_information" {
		t.Errorf("pointer %q, want the document's /first_information", vs[0].Pointer)
	}
	if vs[1].Pointer != "" {
		t.Errorf("pointer %q of a field the adapter cannot place, want the document's \"\"",
			vs[1].Pointer)
	}
	if !strings.Contains(vs[1].Message, "/fir/complainant/names/0/full") {
		t.Errorf("message %q does not name the canonical field", vs[1].Message)
	}
	if vs[2].Pointer != "" || vs[2].Message != "rejected" {
		t.Errorf("violation of the whole document %+v changed", vs[2])
	}
}

func TestAcceptRejectsUTF16Once(t *testing.T) {
	xml := readReplacing(t, "../../adapters/courts/testdata/kochi_callback.xml",
		`encoding="UTF-8"`, `encoding="UTF-16"`)
	json, err := os.ReadFile("../../adapters/police/testdata/final_report_ipc.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, agency, contentType string
		body                      []byte
	}{
		{"court callback with BOM", "courts", "application/xml",
			append([]byte{0xFF, 0xFE}, utf16LE(string(xml))...)},
		{"police report without BOM", "police", "application/json", utf16LE(string(json))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.service.Accept(context.Background(), c.agency, c.body, c.contentType)
			if !errors.Is(err, adapters.ErrMalformed) {
				t.Fatalf("Accept: error = %v, want malformed input", err)
			}
			if vs := schemas.Violations(err); vs != nil {
				t.Errorf("Accept: %d violations, want none beside the malformed body", len(vs))
			}
			if reason := ingest.MalformedReason(err); !strings.Contains(reason, "UTF-16LE") ||
				!strings.Contains(reason, "only in UTF-8") {
				t.Errorf("reason %q does not name UTF-16LE and UTF-8", reason)
			}
			if found := f.find(t, journal.Query{Source: c.agency}); len(found) != 0 {
				t.Errorf("journal has %d messages from %s, want none", len(found), c.agency)
			}
		})
	}
}

// utf16LE returns s in UTF-16LE without a byte order mark.
func utf16LE(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestAcceptPointsOrderLimitsAtElements(t *testing.T) {
	const warrant = "../../adapters/courts/testdata/order_production_warrant.xml"
	const subject = "/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson"
	names := strings.Repeat("<nc:PersonName><nc:PersonFullName>Shibu</nc:PersonFullName></nc:PersonName>", 60)
	cases := []struct {
		name, pointer, rule string
		body                []byte
	}{
		{"long directions", "/CourtOrderReport/Warrant/ActivityDescriptionText", "maxLength",
			readReplacing(t, warrant, "under escort.", "under escort. "+strings.Repeat("escort ", 1000))},
		{"too many names", subject, "maxItems",
			readReplacing(t, warrant, "<nc:PersonSexText>", names+"<nc:PersonSexText>")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.service.Accept(context.Background(), "courts", c.body, "application/xml")
			vs := schemas.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("Accept: error = %v, want one violation", err)
			}
			if vs[0].Pointer != c.pointer {
				t.Errorf("pointer %q, want %q", vs[0].Pointer, c.pointer)
			}
			if vs[0].Rule != c.rule {
				t.Errorf("rule %q, want %q", vs[0].Rule, c.rule)
			}
		})
	}
}
