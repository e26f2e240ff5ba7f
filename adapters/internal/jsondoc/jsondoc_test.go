package jsondoc

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

var testConfig = Config{
	AadhaarKey: []byte("sangam test key, 32 bytes long!!"),
	Now:        func() time.Time { return time.Date(2026, time.June, 30, 12, 0, 0, 0, IST) },
}.WithDefaults()

func TestConfigValidate(t *testing.T) {
	if err := testConfig.Validate(); err != nil {
		t.Errorf("Validate of a good config: %v", err)
	}
	short := Config{AadhaarKey: []byte("short")}
	if err := short.Validate(); err == nil || !strings.Contains(err.Error(), "AadhaarKey") {
		t.Errorf("Validate of a 5-byte key = %v, want an error naming AadhaarKey", err)
	}
	negative := Config{AadhaarKey: testConfig.AadhaarKey, ClockSkew: -time.Second}
	if err := negative.Validate(); err == nil || !strings.Contains(err.Error(), "ClockSkew") {
		t.Errorf("Validate of a negative skew = %v, want an error naming ClockSkew", err)
	}
}

func TestPointer(t *testing.T) {
	if got := Pointer("/accused", 2, "person", "names"); got != "/accused/2/person/names" {
		t.Errorf("Pointer = %q", got)
	}
}

func TestCheckContentType(t *testing.T) {
	for _, ct := range []string{"", "application/json", "application/ld+json; charset=utf-8"} {
		if err := CheckContentType(ct); err != nil {
			t.Errorf("CheckContentType(%q) = %v, want nil", ct, err)
		}
	}
	for _, ct := range []string{"application/xml", "text/plain", "bad/;;"} {
		if err := CheckContentType(ct); !errors.Is(err, adapters.ErrMalformed) {
			t.Errorf("CheckContentType(%q) = %v, want ErrMalformed", ct, err)
		}
	}
}

func TestCheckWellFormed(t *testing.T) {
	if err := CheckWellFormed([]byte(" {\"a\": [1]}\n")); err != nil {
		t.Errorf("CheckWellFormed of an object: %v", err)
	}
	for _, body := range []string{"", "[]", `"x"`, `{} {}`, `{"a":`, "{\"a\": \"\xff\"}"} {
		if err := CheckWellFormed([]byte(body)); err == nil {
			t.Errorf("CheckWellFormed(%q) accepted the body", body)
		}
	}
}

func TestMergeKeepsOnePerFieldSorted(t *testing.T) {
	schema := []schemas.Violation{{Pointer: "/z", Rule: "pattern"}, {Pointer: "/a", Rule: "format"}}
	semantic := []schemas.Violation{
		{Pointer: "/a", Rule: "format"}, {Pointer: "/a", Rule: "future"},
		{Pointer: "/s/10", Rule: "section"}, {Pointer: "/z", Rule: "state"}, {Pointer: "/s/2", Rule: "section"},
	}
	got := Merge(schema, semantic)
	want := []schemas.Violation{
		{Pointer: "/a", Rule: "format"}, {Pointer: "/s/2", Rule: "section"},
		{Pointer: "/s/10", Rule: "section"}, {Pointer: "/z", Rule: "pattern"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
}

func TestReplaceKeepsOtherRules(t *testing.T) {
	violations := []schemas.Violation{
		{Pointer: "/n", Rule: "maxLength", Message: "schema"}, {Pointer: "/n", Rule: "pattern", Message: "schema"},
		{Pointer: "/z", Rule: "pattern", Message: "schema"},
	}
	preferred := []schemas.Violation{
		{Pointer: "/n", Rule: "pattern", Message: "checker"}, {Pointer: "/n", Rule: "aadhaar-like", Message: "checker"},
		{Pointer: "/a", Rule: "pattern", Message: "checker"},
	}
	got := Replace(violations, preferred)
	want := []schemas.Violation{
		{Pointer: "/a", Rule: "pattern", Message: "checker"},
		{Pointer: "/n", Rule: "maxLength", Message: "schema"},
		{Pointer: "/n", Rule: "pattern", Message: "checker"}, {Pointer: "/n", Rule: "aadhaar-like", Message: "checker"},
		{Pointer: "/z", Rule: "pattern", Message: "schema"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Replace = %v, want %v", got, want)
	}
}

// TestDateTimeSkipsFormatFailures checks that a date-time and a date
// that failed the schema's format check, which Go would parse, yield the
// zero time without a violation of their own.
func TestDateTimeSkipsFormatFailures(t *testing.T) {
	c := &Checker{Config: testConfig, DateTimeExample: "2025-09-14T10:45:00+05:30"}
	c.skipFormatFailures([]schemas.Violation{
		{Pointer: "/at", Rule: "format"}, {Pointer: "/on", Rule: "format"}, {Pointer: "/other", Rule: "pattern"},
	})
	if got := c.DateTime("/at", "2099-01-01T00:00:00+24:00"); !got.IsZero() {
		t.Errorf("DateTime of a failed value = %v, want the zero time", got)
	}
	if got := c.Date("/on", "2099-01-01", true); !got.IsZero() {
		t.Errorf("Date of a failed value = %v, want the zero time", got)
	}
	if got := c.DateTime("/other", "2025-09-14T10:45:00+05:30"); got.IsZero() {
		t.Error("DateTime of a value without a format violation = the zero time, want it parsed")
	}
	if len(c.Violations) != 0 {
		t.Errorf("violations = %v, want none", c.Violations)
	}
}

func TestDateTimeFuture(t *testing.T) {
	c := &Checker{Config: testConfig, DateTimeExample: "2025-09-14T10:45:00+05:30"}
	c.DateTime("/ok", "2026-06-30T12:09:00+05:30")
	c.DateTime("/late", "2026-06-30T12:11:00+05:30")
	c.DateTime("/bad", "30 June 2026")
	c.Date("/tomorrow", "2026-07-01", false)
	c.Date("/born", "2026-07-01", true)
	var got []string
	for _, v := range c.Violations {
		got = append(got, v.Pointer+" "+v.Rule)
	}
	want := []string{"/late future", "/bad format", "/born future"}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
	if msg := c.Violations[1].Message; !strings.Contains(msg, "such as 2025-09-14T10:45:00+05:30") {
		t.Errorf("message %q lacks the example", msg)
	}
}

// TestDateTimeEarliest checks the bound of midnight IST on 1 January
// 1900: a date-time before it, the zero instant among them, is reported
// at its pointer and read as absent, and the bound itself passes.
func TestDateTimeEarliest(t *testing.T) {
	c := &Checker{Config: testConfig, DateTimeExample: "2025-09-14T10:45:00+05:30"}
	bound := c.DateTime("/bound", "1900-01-01T00:00:00+05:30")
	if bound.IsZero() {
		t.Error("1900-01-01T00:00:00+05:30 read as the zero time")
	}
	for _, s := range []string{"1899-12-31T18:29:59Z", "0001-01-01T00:00:00Z", "1857-05-10T17:00:00+05:30"} {
		if got := c.DateTime("/at", s); !got.IsZero() {
			t.Errorf("DateTime(%s) = %s, want the zero time", s, got)
		}
	}
	if len(c.Violations) != 3 {
		t.Fatalf("violations = %v, want 3", c.Violations)
	}
	for _, v := range c.Violations {
		if v.Pointer != "/at" || v.Rule != RuleEarliest {
			t.Errorf("violation at %s of rule %s, want /at and %s", v.Pointer, v.Rule, RuleEarliest)
		}
		if !strings.Contains(v.Message, "1900-01-01") {
			t.Errorf("message %q lacks the bound", v.Message)
		}
		if strings.HasPrefix(v.Message, "/at") {
			t.Errorf("message %q repeats the pointer that the violation gives", v.Message)
		}
	}
	if want := `date-time "0001-01-01T00:00:00Z" is before`; !strings.HasPrefix(c.Violations[1].Message, want) {
		t.Errorf("message %q, want it to start with %q", c.Violations[1].Message, want)
	}
}

func TestIdentifierMasksAadhaar(t *testing.T) {
	c := &Checker{Config: testConfig}
	id := Identifier{Type: canonical.IDAadhaar, Number: "2345 6789 0124", Issuer: "UIDAI"}
	got := c.Identifier("/id", &id)
	if got.Value != "XXXXXXXX0124" || got.Token == "" || got.Issuer != "UIDAI" {
		t.Errorf("Identifier = %+v, want the masked number, a token and the issuer", got)
	}
	if id.Number != got.Value || id.Token != got.Token {
		t.Errorf("document identifier = %+v, want it masked in place", id)
	}
	if !c.Masked || len(c.Violations) != 0 {
		t.Errorf("Masked = %v, violations = %v, want masked and none", c.Masked, c.Violations)
	}

	bad := Identifier{Type: canonical.IDAadhaar, Number: "2345 6789 0125"}
	got = c.Identifier("/bad", &bad)
	if got.Value != RedactedAadhaar || bad.Number != RedactedAadhaar {
		t.Errorf("invalid number mapped to %q and kept as %q, want both redacted",
			got.Value, bad.Number)
	}
	if len(c.Violations) != 1 || c.Violations[0].Pointer != "/bad/number" {
		t.Errorf("violations = %v, want one at /bad/number", c.Violations)
	}
}

func TestCaseRefOfLeavesOutOtherCourtCodes(t *testing.T) {
	fir := &canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 7}
	for code, written := range map[string]bool{"KLER01": true, "kler01": false, "JFCM-1 Ernakulam": false} {
		ref := CaseRefOf(canonical.CaseRef{FIR: fir, Court: canonical.Court{Code: code, Name: "JFCM I"}})
		if (ref.Court != nil) != written {
			t.Errorf("court %q: written %v, want %v", code, ref.Court != nil, written)
		}
		if ref.FIR == nil {
			t.Errorf("court %q: the FIR was left out", code)
		}
	}
}
