package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/passport/mrz"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// escapedAadhaarCase is a sample document of one agency and format with
// the Aadhaar number 586301729436 written with escapes. The samples lose
// their Aadhaar identifiers, so that no adapter rewrites the body for
// them.
type escapedAadhaarCase struct {
	name, agency, contentType, path string
	// edits are pairs of a text in the sample and its replacement.
	edits []string
}

var escapedAadhaarCases = []escapedAadhaarCase{
	{
		name: "police JSON", agency: "police", contentType: "application/json", path: firPath,
		edits: []string{"walking home", `walking home (Aadhaar \u00358630172943\u0036)`},
	},
	{
		name: "passport JSON", agency: "passport", contentType: "application/json",
		path: "../../mocks/passport/samples/request-fresh.json",
		edits: []string{
			`"mechanic"`, `"mechanic, Aadhaar \u0035\u0038\u0036\u0033 0172 943\u0036"`,
			`"identifiers": [{"type": "aadhaar", "number": "5863-0172-9436", "issuer": "UIDAI"}],`, "",
		},
	},
	{
		name: "prisons JSON", agency: "prisons", contentType: "application/json",
		path:  "../../mocks/prison/samples/court-production-undertrial.json",
		edits: []string{"escort by", `Aadhaar \u00358630172943\u0036, escort by`},
	},
	{
		name: "prisons XML", agency: "prisons", contentType: "application/xml",
		path: "../../adapters/prisons/testdata/booking_report.xml",
		edits: []string{
			">snatching<", ">snatching, Aadhaar &#53;8630172943&#x36;<",
			"<jx:Charge s:id=\"charge2\">", "<jx:Charge s:id=\"charge2\" note=\"&#53;8630172943&#54;\">",
			"<core:IdentificationCategoryText>Aadhaar<", "<core:IdentificationCategoryText>Ration card<",
		},
	},
	{
		name: "courts XML", agency: "courts", contentType: "application/xml",
		path: "../../adapters/courts/testdata/kochi_callback.xml",
		edits: []string{
			"<nc:CaseTitleText>", "<nc:CaseTitleText note=\"Aadhaar &#x35;863&#32;0172&#x20;943&#54;\">",
		},
	},
}

func TestJournaledBodyMasksEscapedAadhaar(t *testing.T) {
	for _, c := range escapedAadhaarCases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			sample, err := os.ReadFile(c.path)
			if err != nil {
				t.Fatalf("reading sample: %v", err)
			}
			body := string(sample)
			for i := 0; i < len(c.edits); i += 2 {
				if !strings.Contains(body, c.edits[i]) {
					t.Fatalf("the sample lacks %q", c.edits[i])
				}
				body = strings.Replace(body, c.edits[i], c.edits[i+1], 1)
			}

			results, err := f.service.Accept(context.Background(), c.agency, []byte(body), c.contentType)
			if err != nil {
				t.Fatalf("Accept: %v", err)
			}
			var raw []byte
			err = f.db.QueryRow("SELECT raw FROM messages WHERE id = ?", results[0].MessageID).Scan(&raw)
			if err != nil {
				t.Fatalf("reading the journaled body: %v", err)
			}
			if !bytes.Contains(raw, []byte("XXXXXXXX9436")) {
				t.Errorf("the journaled body lacks the masked number XXXXXXXX9436:\n%s", raw)
			}
			for _, text := range decodedText(t, raw, c.contentType) {
				if _, clear := canonical.MaskAadhaarInText(text); clear {
					t.Errorf("the journaled body decodes to an Aadhaar number in clear: %q", text)
				}
			}
		})
	}
}

// decodedText returns every string of the JSON body, or the character
// data, attribute values and comments of the XML body, as decoded.
func decodedText(t *testing.T, body []byte, contentType string) []string {
	t.Helper()
	if contentType == "application/json" {
		var doc any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("the journaled body is not JSON: %v", err)
		}
		return jsonStrings(doc, nil)
	}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return texts
		}
		if err != nil {
			t.Fatalf("the journaled body is not XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			texts = append(texts, string(tok))
		case xml.Comment:
			texts = append(texts, string(tok))
		case xml.StartElement:
			for _, a := range tok.Attr {
				texts = append(texts, a.Value)
			}
		}
	}
}

// jsonStrings appends the keys and string values in v to out.
func jsonStrings(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, e := range v {
			out = jsonStrings(e, out)
		}
	case map[string]any:
		for k, e := range v {
			out = append(out, k)
			out = jsonStrings(e, out)
		}
	}
	return out
}

func TestEscapedAadhaarCasesCoverAgencies(t *testing.T) {
	set, err := registry.Default(registry.Options{AadhaarKey: testKey})
	if err != nil {
		t.Fatalf("building adapters: %v", err)
	}
	covered := map[string]bool{}
	for _, c := range escapedAadhaarCases {
		covered[c.agency] = true
	}
	for _, agency := range set.Agencies() {
		if !covered[agency] {
			t.Errorf("no escaped Aadhaar case for agency %s", agency)
		}
	}
}

// acceptPassportSample posts the passport office's sample request after
// edit changes its document, and returns the journey and the journaled
// body.
func acceptPassportSample(t *testing.T, f *fixture, sample string, edit func(doc map[string]any)) (
	journal.Journey, []byte) {
	t.Helper()
	data, err := os.ReadFile("../../mocks/passport/samples/" + sample)
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	results, err := f.service.Accept(context.Background(), "passport", body, "application/json")
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	j, err := f.store.Journey(context.Background(), results[0].MessageID)
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := f.db.QueryRow("SELECT raw FROM messages WHERE id = ?", results[0].MessageID).Scan(&raw); err != nil {
		t.Fatalf("reading the journaled body: %v", err)
	}
	return j, raw
}

// TestFileNumberKeptWhereAadhaarMasked posts a passport request whose
// file number, 987654321106, passes the Aadhaar check digit, with an
// Aadhaar number in the applicant's occupation. The file number stays in
// the canonical form and in the journaled body, and the Aadhaar number
// is masked in both.
func TestFileNumberKeptWhereAadhaarMasked(t *testing.T) {
	const file = "987654321106"
	j, raw := acceptPassportSample(t, newFixture(t), "request-fresh.json", func(doc map[string]any) {
		doc["file_number"] = file
		doc["applicant"].(map[string]any)["occupation"] = "mechanic, Aadhaar 5863 0172 9436"
	})
	r := j.Message.VerificationRequest
	if r.FileNumber != file {
		t.Errorf("canonical file number = %q, want %s", r.FileNumber, file)
	}
	if j.CaseKey != canonical.PassportCaseKey(file) {
		t.Errorf("case key = %q, want %s", j.CaseKey, canonical.PassportCaseKey(file))
	}
	if r.Applicant.Occupation != "mechanic, Aadhaar XXXXXXXX9436" {
		t.Errorf("canonical occupation = %q, want the Aadhaar number masked", r.Applicant.Occupation)
	}
	if !bytes.Contains(raw, []byte(`"file_number":"`+file+`"`)) {
		t.Errorf("the journaled body lacks the file number %s:\n%s", file, raw)
	}
	if bytes.Contains(raw, []byte("0172")) {
		t.Errorf("the journaled body keeps the Aadhaar number in clear:\n%s", raw)
	}
}

// TestJournaledBodyMasksMRZAadhaar posts a reissue request whose old
// passport has the Aadhaar number 234567890124 as its personal number.
// In the zone the number touches the expiry check digit, so only the
// passport adapter finds it, and the journaled body has it masked.
func TestJournaledBodyMasksMRZAadhaar(t *testing.T) {
	zone := mrz.Document{
		Format: mrz.TD3, DocumentCode: "P", IssuingState: "IND", DocumentNumber: "S7102455",
		Nationality: "IND", DateOfBirth: time.Date(1978, 11, 2, 0, 0, 0, 0, time.UTC),
		ExpiresOn: time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC), Sex: "M",
		PrimaryIdentifier: "JOSEPH", SecondaryIdentifier: "THOMAS VARGHESE", OptionalData: "234567890124",
	}
	lines, err := zone.Lines()
	if err != nil {
		t.Fatal(err)
	}
	j, raw := acceptPassportSample(t, newFixture(t), "request-reissue.json", func(doc map[string]any) {
		doc["old_passport"] = map[string]any{"mrz": lines}
	})
	if bytes.Contains(raw, []byte("234567890124")) {
		t.Errorf("the journaled body keeps the Aadhaar number in clear:\n%s", raw)
	}
	if got := j.Message.VerificationRequest.OldPassport.OptionalData; got != "XXXXXXXX0124" {
		t.Errorf("canonical optional data = %q, want XXXXXXXX0124", got)
	}
}

// TestAadhaarSplitByInvisibleMasked posts FIRs whose first information
// has the Aadhaar number 586301729436 with characters that show as
// nothing between its groups, as written and as JSON escapes. The
// canonical form and the journaled body have it masked.
func TestAadhaarSplitByInvisibleMasked(t *testing.T) {
	sample, err := os.ReadFile(firPath)
	if err != nil {
		t.Fatalf("reading sample: %v", err)
	}
	const from = "while I was walking home"
	separators := map[string]string{
		"U+034F": "\u034f", `\u034f`: `\u034f`,
		"U+FE00": "\ufe00", `\ufe00`: `\ufe00`,
		"U+FE0F": "\ufe0f", `\uFE0F`: `\uFE0F`,
		"U+3164": "\u3164", `\u3164`: `\u3164`,
		"U+2800": "\u2800", `\u2800`: `\u2800`,
	}
	for name, x := range separators {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			text := "A 5863" + x + "0172" + x + "9436 B " + name
			body := strings.Replace(string(sample), from, text, 1)
			if body == string(sample) {
				t.Fatalf("the sample lacks %q", from)
			}
			results, err := f.service.Accept(context.Background(), "police", []byte(body), "application/json")
			if err != nil {
				t.Fatalf("Accept: %v", err)
			}
			j, err := f.store.Journey(context.Background(), results[0].MessageID)
			if err != nil {
				t.Fatal(err)
			}
			got := j.Message.FIR.FirstInformation
			if !strings.Contains(got, "A XXXXXXXX9436 B") {
				t.Errorf("canonical first information = %+q, want A XXXXXXXX9436 B in it", got)
			}
			if strings.Contains(got, "0172") {
				t.Errorf("canonical first information = %+q, keeps the digits 0172", got)
			}
			var raw []byte
			err = f.db.QueryRow("SELECT raw FROM messages WHERE id = ?", results[0].MessageID).Scan(&raw)
			if err != nil {
				t.Fatalf("reading the journaled body: %v", err)
			}
			if !bytes.Contains(raw, []byte("A XXXXXXXX9436 B")) {
				t.Errorf("the journaled body lacks the masked number:\n%s", raw)
			}
			if bytes.Contains(raw, []byte("0172")) {
				t.Errorf("the journaled body keeps the number in clear:\n%s", raw)
			}
		})
	}
}

// TestFIRNationalIDKeptWhereAadhaarMasked posts an FIR whose CCTNS
// national id is a run of 17 digits that starts with 12 passing the
// Aadhaar check digit, with an Aadhaar number in the first information.
// The national id stays in the canonical form and in the journaled body,
// and the Aadhaar number is masked in both. (A national id with an
// Aadhaar number bounded by other characters is rejected as aadhaar-like.)
func TestFIRNationalIDKeptWhereAadhaarMasked(t *testing.T) {
	const nationalID = "49187362540312025"
	f := newFixture(t)
	body := ingesttest.Sample(t, firPath,
		`"32EKM0412202501187"`, `"`+nationalID+`"`,
		"walking home", "walking home (Aadhaar 5863 0172 9436)")
	results, err := f.service.Accept(context.Background(), "police", body, "application/json")
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	j, err := f.store.Journey(context.Background(), results[0].MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if got := j.Message.FIR.Ref.NationalID; got != nationalID {
		t.Errorf("canonical national id = %q, want %s", got, nationalID)
	}
	if strings.Contains(j.Message.FIR.FirstInformation, "0172") {
		t.Errorf("canonical first information keeps the Aadhaar number: %q", j.Message.FIR.FirstInformation)
	}
	var raw []byte
	if err := f.db.QueryRow("SELECT raw FROM messages WHERE id = ?", results[0].MessageID).Scan(&raw); err != nil {
		t.Fatalf("reading the journaled body: %v", err)
	}
	if !bytes.Contains(raw, []byte(`"national_id": "`+nationalID+`"`)) {
		t.Errorf("the journaled body lacks the national id %s:\n%s", nationalID, raw)
	}
	if bytes.Contains(raw, []byte("0172")) {
		t.Errorf("the journaled body keeps the Aadhaar number in clear:\n%s", raw)
	}
}

// TestCodeWithAadhaarRejected posts documents whose prison, police
// station or court code holds 12 digits that pass the Aadhaar check.
// Masking would change the code, which routes and token scopes compare
// as written, so each is rejected with rule aadhaar-like at the code,
// and nothing is journaled.
func TestCodeWithAadhaarRejected(t *testing.T) {
	const code = "KL 4918 7362 5403"
	tests := []struct {
		name, agency, path, contentType string
		pairs                           []string
		pointers                        []string // nil when only the rule is checked
	}{
		{"JSON movement prison", "prisons", "../../adapters/prisons/testdata/court_production.json",
			"application/json",
			[]string{`"prison_code": "KLSJEKM"`, `"prison_code": "` + code + `"`,
				`"code": "KLSJEKM"`, `"code": "` + code + `"`},
			[]string{"/from/code", "/prisoner/prison_code"}},
		{"NIEM booking facility", "prisons", "../../adapters/prisons/testdata/booking_report.xml",
			"application/xml", []string{"<core:IdentificationID>\n        KLDJEKM", "<core:IdentificationID>" + code}, nil},
		{"FIR police station", "police", firPath, "application/json",
			[]string{`"police_station": "EKM0412"`, `"police_station": "EKM-4918-7362-5403"`},
			[]string{"/fir/police_station"}},
		{"court order prison", "courts", "../../adapters/courts/testdata/order_production_warrant.xml",
			"application/xml",
			[]string{"<nc:IdentificationID>KLSJEKM<", "<nc:IdentificationID>" + code + "<"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			body := ingesttest.Sample(t, tt.path, tt.pairs...)
			_, err := f.service.Accept(context.Background(), tt.agency, body, tt.contentType)
			var pointers []string
			for _, v := range schemas.Violations(err) {
				if v.Rule != canonical.RuleAadhaarLike {
					continue
				}
				pointers = append(pointers, v.Pointer)
				if strings.Contains(v.Message, "7362") {
					t.Errorf("message %q shows the number in clear", v.Message)
				}
			}
			if len(pointers) == 0 {
				t.Fatalf("Accept: %v, want a violation of rule aadhaar-like", err)
			}
			slices.Sort(pointers)
			if tt.pointers != nil && !slices.Equal(pointers, tt.pointers) {
				t.Errorf("aadhaar-like at %q, want %q", pointers, tt.pointers)
			}
			var n int
			if err := f.db.QueryRow("SELECT COUNT(*) FROM messages").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d messages journaled, want none", n)
			}
		})
	}
}
