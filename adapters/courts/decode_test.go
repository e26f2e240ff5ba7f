package courts

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func decodeOne(t *testing.T, a *Adapter, body []byte) canonical.Message {
	t.Helper()
	d, err := a.Decode(body, ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(d.Messages) != 1 {
		t.Fatalf("Decode returned %d messages, want 1", len(d.Messages))
	}
	return d.Messages[0]
}

func TestCallbackRoundTrip(t *testing.T) {
	want := kochiRegistration()
	body, err := EncodeCallback(&want)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeOne(t, &Adapter{}, body)

	if !got.OccurredAt.Equal(want.OccurredAt) {
		t.Errorf("OccurredAt = %v, want %v", got.OccurredAt, want.OccurredAt)
	}
	got.OccurredAt = want.OccurredAt
	want.Source = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("callback round trip changed the message\ngot  %+v\nwant %+v", got, want)
	}
	if got.CaseKey != kochiFIR.Key() {
		t.Errorf("CaseKey = %q, want the FIR key %q", got.CaseKey, kochiFIR.Key())
	}
	if got.CorrelationID != kochiChargesheet().ID {
		t.Errorf("CorrelationID = %q, want the filing's id %q", got.CorrelationID, kochiChargesheet().ID)
	}
}

func TestCallbackWithoutCNR(t *testing.T) {
	m := kochiRegistration()
	m.CourtRegistration.CNR = ""
	m.CourtRegistration.FIR = nil
	m.CourtRegistration.TrackingID = "RC-05/2024"
	body, err := EncodeCallback(&m)
	if err != nil {
		t.Fatal(err)
	}
	got := decodeOne(t, &Adapter{}, body)
	reg := got.CourtRegistration
	if reg.CNR != "" {
		t.Errorf("CNR = %q, want empty", reg.CNR)
	}
	if reg.FilingNumber != "CC 123/2024" {
		t.Errorf("FilingNumber = %q, want the court's case number", reg.FilingNumber)
	}
	if got.CaseKey != "COURT/RC-05/2024" {
		t.Errorf("CaseKey = %q, want COURT/ and the tracking id", got.CaseKey)
	}
}

func TestCallbackFiledDateTimeIsIndianDate(t *testing.T) {
	body := bytes.Replace(readTestdata(t, "kochi_callback.xml"),
		[]byte("<nc:Date>2024-09-03</nc:Date>"), []byte("<nc:DateTime>2024-09-03T20:00:00Z</nc:DateTime>"), 1)
	if got := decodeOne(t, &Adapter{}, body).CourtRegistration.FiledOn; got != "2024-09-04" {
		t.Errorf("FiledOn = %q, want 2024-09-04, the date in India at 20:00 UTC", got)
	}
}

// minimalCallback is a callback in the layout of the OJBC sample: default
// namespace, an appellate case, no CNR.
const minimalCallback = `<RecordDocketingCallbackMessage
	xmlns="urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:RecordDocketingCallbackMessage-4.0"
	xmlns:nc="http://niem.gov/niem/niem-core/2.0" xmlns:j="http://niem.gov/niem/domains/jxdm/4.0"
	xmlns:appellate="urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:AppellateCase-4.0"
	xmlns:ecf="urn:oasis:names:tc:legalxml-courtfiling:schema:xsd:CommonTypes-4.0">
	<nc:DocumentIdentification><nc:IdentificationID>cb-1</nc:IdentificationID></nc:DocumentIdentification>
	<nc:DocumentPostDate><nc:DateTime>2024-09-03T10:00:00Z</nc:DateTime></nc:DocumentPostDate>
	<appellate:AppellateCase>
		<nc:CaseTitleText>State v. Smith</nc:CaseTitleText>
		CASE_NUMBER
		<j:CaseAugmentation><j:CaseCourt><nc:OrganizationIdentification>
			<nc:IdentificationID>1</nc:IdentificationID>
		</nc:OrganizationIdentification></j:CaseCourt></j:CaseAugmentation>
	</appellate:AppellateCase>
	<ecf:FilingStatus><ecf:FilingStatusCode>accepted</ecf:FilingStatusCode></ecf:FilingStatus>
</RecordDocketingCallbackMessage>`

func callbackWith(caseNumber string) []byte {
	return []byte(strings.Replace(minimalCallback, "CASE_NUMBER", caseNumber, 1))
}

// replaced returns the testdata file with every old replaced by new, failing
// the test when old is absent.
func replaced(t *testing.T, file, old, new string) []byte {
	t.Helper()
	data := readTestdata(t, file)
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	return bytes.ReplaceAll(data, []byte(old), []byte(new))
}

func TestDecodeViolations(t *testing.T) {
	const filing = "kochi_chargesheet.xml"
	cases := []struct {
		name    string
		body    []byte
		pointer string
		rule    string
	}{
		{"callback without case number", callbackWith(""),
			"/RecordDocketingCallbackMessage/AppellateCase/CaseTrackingID", "required"},
		{"callback with invalid CNR", callbackWith("<nc:CaseTrackingID>KLER01000123202X</nc:CaseTrackingID>"),
			"/RecordDocketingCallbackMessage/AppellateCase/CaseTrackingID", "cnr"},
		{"callback without post date", bytes.ReplaceAll(callbackWith("<nc:CaseTrackingID>CR1</nc:CaseTrackingID>"),
			[]byte("DocumentPostDate"), []byte("DocumentEffectiveDate")),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "required"},
		{"unknown filing status", replaced(t, "kochi_callback.xml", ">accepted<", ">maybe<"),
			"/RecordDocketingCallbackMessage/FilingStatus/FilingStatusCode", "enum"},
		{"empty filing status", replaced(t, "kochi_callback.xml",
			"<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>", "<ecf:FilingStatusCode> </ecf:FilingStatusCode>"),
			"/RecordDocketingCallbackMessage/FilingStatus/FilingStatusCode", "required"},
		{"filing status without code", replaced(t, "kochi_callback.xml",
			"<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>", ""),
			"/RecordDocketingCallbackMessage/FilingStatus/FilingStatusCode", "required"},
		{"callback without filing status", regexp.MustCompile(`(?s)<ecf:FilingStatus>.*</ecf:FilingStatus>`).
			ReplaceAll(readTestdata(t, "kochi_callback.xml"), nil),
			"/RecordDocketingCallbackMessage/FilingStatus", "required"},
		{"invalid FIR key", replaced(t, filing, "FIR/KL/EKM/1234/2024/123", "FIR/KL/EKM/1234/20x4/123"),
			"/CoreFilingMessage/CriminalCase/CaseTrackingID", "fir_key"},
		{"dangling reference", replaced(t, filing, `s:ref="Accused1"`, `s:ref="Accused9"`),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseDefendantParty/EntityPersonReference", "reference"},
		{"unknown IPC section", replaced(t, "tracked_chargesheet.xml", ">420<", ">999<"),
			"/CoreFilingMessage/CriminalCase/CaseCharge[1]/ChargeStatute/StatuteCodeSectionIdentification", "section"},
		{"unknown sex code", replaced(t, filing, "<nc:PersonSexCode>M<", "<nc:PersonSexCode>X<"),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonSexCode", "enum"},
		{"invalid birth date", replaced(t, filing, "1985-04-12", "1985-13-45"),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonBirthDate", "date"},
		{"born before 1900", replaced(t, filing, "1985-04-12", "1899-12-31"),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonBirthDate", "earliest"},
		{"born in 1850", replaced(t, filing, "<nc:Date>1985-04-12</nc:Date>", "<nc:Year>1850</nc:Year>"),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonBirthDate/Year",
			"earliest"},
		{"born at the zero instant", replaced(t, filing, "<nc:Date>1985-04-12</nc:Date>",
			"<nc:DateTime>0001-01-01T00:00:00Z</nc:DateTime>"),
			"/CoreFilingMessage/CriminalCase/CaseAugmentation/CaseParticipant[1]/EntityPerson/PersonBirthDate", "earliest"},
		{"filing posted at the zero instant", replaced(t, filing, "2024-09-02T11:30:00+05:30", "0001-01-01T00:00:00Z"),
			"/CoreFilingMessage/DocumentPostDate", "earliest"},
		{"filing posted at the zero instant in IST", replaced(t, filing, "2024-09-02T11:30:00+05:30",
			"0001-01-01T05:30:00+05:30"),
			"/CoreFilingMessage/DocumentPostDate", "earliest"},
		{"offence before 1900", replaced(t, filing, "2024-08-01T21:15:00+05:30", "1899-08-01T21:15:00+05:30"),
			"/CoreFilingMessage/CriminalCase/CaseCharge[1]/ChargeOffense/ActivityDate", "earliest"},
		{"callback posted before 1900", replaced(t, "kochi_callback.xml", "2024-09-03T15:04:05+05:30",
			"1899-09-03T15:04:05+05:30"),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "earliest"},
		{"callback posted at the zero instant", replaced(t, "kochi_callback.xml", "2024-09-03T15:04:05+05:30",
			"0001-01-01T00:00:00Z"),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "earliest"},
		{"callback filed on a date before 1900", bytes.ReplaceAll(replaced(t, "kochi_callback.xml",
			"<nc:Date>2024-09-03</nc:Date>", "<nc:Date>1899-09-03</nc:Date>"),
			[]byte("DocumentPostDate"), []byte("DocumentEffectiveDate")),
			"/RecordDocketingCallbackMessage/DocumentFiledDate", "earliest"},
		{"missing document id", replaced(t, filing, "01J6ZK8Q5V3S7T9X1Y4B6N8M0A", ""),
			"/CoreFilingMessage/DocumentIdentification/IdentificationID", "required"},
		{"invalid supplementary number", replaced(t, "tracked_chargesheet.xml", "final report 2", "final report two"),
			"/CoreFilingMessage/FilingLeadDocument/DocumentMetadata/RegisterActionDescriptionText", "integer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := (&Adapter{}).Decode(c.body, ContentType)
			vs := schemas.Violations(err)
			if vs == nil {
				t.Fatalf("Decode error = %v, want a validation error", err)
			}
			for _, v := range vs {
				if v.Pointer == c.pointer && v.Rule == c.rule {
					return
				}
			}
			t.Errorf("no violation %s (%s) among %v", c.pointer, c.rule, vs)
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	cases := map[string]struct {
		body        []byte
		contentType string
	}{
		"JSON content type": {readTestdata(t, "kochi_chargesheet.xml"), "application/json"},
		"duplicate id": {replaced(t, "kochi_chargesheet.xml", `s:id="PoliceStation"`, `s:id="Accused1"`),
			ContentType},
		"other ECF message": {[]byte(`<m:MessageReceiptMessage xmlns:m="urn:oasis:names:tc:legalxml-courtfiling` +
			`:schema:xsd:MessageReceiptMessage-4.0"/>`), ContentType},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := (&Adapter{}).Decode(c.body, c.contentType)
			if !errors.Is(err, adapters.ErrMalformed) {
				t.Errorf("Decode error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestDecodeXMLContentTypes(t *testing.T) {
	body := readTestdata(t, "kochi_chargesheet.xml")
	for _, ct := range []string{"", "application/xml; charset=utf-8", "text/xml", "application/ecf+xml"} {
		if _, err := (&Adapter{}).Decode(body, ct); err != nil {
			t.Errorf("Decode with content type %q: %v", ct, err)
		}
	}
}

// validAadhaar returns a 12-digit number that passes the Aadhaar
// Verhoeff check.
func validAadhaar(t *testing.T) string {
	t.Helper()
	for d := 0; d <= 9; d++ {
		n := fmt.Sprintf("23456789012%d", d)
		if canonical.ValidAadhaar(n) {
			return n
		}
	}
	t.Fatal("no check digit makes a valid Aadhaar number")
	return ""
}

func TestDecodeMasksClearAadhaar(t *testing.T) {
	clear := validAadhaar(t)
	body := replaced(t, "kochi_chargesheet.xml", "XXXXXXXX2346", clear)

	_, err := (&Adapter{}).Decode(body, ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Rule != "aadhaar" {
		t.Fatalf("without a key: error = %v, want one aadhaar violation", err)
	}
	if strings.Contains(err.Error(), clear[4:]) {
		t.Errorf("error message contains the Aadhaar number: %v", err)
	}

	d, err := (&Adapter{AadhaarKey: []byte("test key")}).Decode(body, ContentType)
	if err != nil {
		t.Fatalf("with a key: %v", err)
	}
	id := d.Messages[0].Chargesheet.Accused[0].Person.Identifiers[0]
	if id.Value != "XXXXXXXX"+clear[8:] {
		t.Errorf("identifier value = %q, want it masked", id.Value)
	}
	if id.Token == "" {
		t.Error("masked identifier has no token")
	}
	if d.Journal == nil {
		t.Fatal("Journal is nil: the input holding the clear number would be kept")
	}
	if bytes.Contains(d.Journal, []byte(clear)) {
		t.Error("Journal still contains the clear Aadhaar number")
	}
	if !bytes.Contains(d.Journal, []byte(id.Value)) {
		t.Error("Journal lacks the masked Aadhaar number")
	}
}

// reprefix rewrites a document with other namespace prefixes. renames
// maps an old prefix to a new one; "" as the new prefix makes that
// namespace the default, and "" as the old one stands for the default
// namespace.
func reprefix(t *testing.T, data []byte, renames map[string]string) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		t.Fatal(err)
	}
	var walk func(*etree.Element)
	walk = func(e *etree.Element) {
		if p, ok := renames[e.Space]; ok {
			e.Space = p
		}
		for i := range e.Attr {
			renameAttr(&e.Attr[i], renames)
		}
		for _, c := range e.ChildElements() {
			walk(c)
		}
	}
	walk(doc.Root())
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func renameAttr(a *etree.Attr, renames map[string]string) {
	switch {
	case a.Space == "xmlns":
		if p, ok := renames[a.Key]; ok && p == "" {
			a.Space, a.Key = "", "xmlns"
		} else if ok {
			a.Key = p
		}
	case a.Space == "" && a.Key == "xmlns":
		if p, ok := renames[""]; ok {
			a.Space, a.Key = "xmlns", p
		}
	case a.Space != "":
		if p, ok := renames[a.Space]; ok {
			a.Space = p
		}
	}
}

func TestPrefixesDoNotMatter(t *testing.T) {
	cases := map[string]map[string]string{
		"kochi_chargesheet.xml": {"core": "", "nc": "niem", "j": "jxdm", "s": "st", "ecf": "e", "criminal": "cr"},
		"kochi_callback.xml":    {"": "cb", "nc": "n", "s": "structures", "criminal": "crim"},
	}
	for file, renames := range cases {
		t.Run(file, func(t *testing.T) {
			original := readTestdata(t, file)
			rewritten := reprefix(t, original, renames)
			if bytes.Equal(original, rewritten) {
				t.Fatal("rewriting changed nothing")
			}
			want := decodeOne(t, &Adapter{}, original)
			got := decodeOne(t, &Adapter{}, rewritten)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("prefixes changed the result\ngot  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestEncodeRequiresMessageID(t *testing.T) {
	m := kochiChargesheet()
	m.ID = ""
	_, err := (&Adapter{}).Encode(&m)
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Pointer != "/id" {
		t.Errorf("Encode error = %v, want a violation at /id", err)
	}
}

func TestEncodeRequiresCourtAndCharges(t *testing.T) {
	m := kochiChargesheet()
	m.Chargesheet.Court = canonical.Court{}
	m.Chargesheet.Charges = nil
	_, err := (&Adapter{}).Encode(&m)
	var pointers []string
	for _, v := range schemas.Violations(err) {
		pointers = append(pointers, v.Pointer+" "+v.Rule)
	}
	want := []string{"/chargesheet/court/code required", "/chargesheet/charges required"}
	if !slices.Equal(pointers, want) {
		t.Errorf("Encode violations at %q, want %q; error %v", pointers, want, err)
	}
}

func TestEncodeSkipsUnchargedAccused(t *testing.T) {
	m := kochiChargesheet()
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(enc.Body, []byte("unidentified")) {
		t.Error("filing names an accused the report does not charge")
	}
	if bytes.Contains(enc.Body, []byte("Accused2")) {
		t.Error("filing has a second defendant")
	}
}

func TestCallbackFollowsCourtRef(t *testing.T) {
	body := strings.Replace(string(readTestdata(t, "kochi_callback.xml")), `<j:CaseCourt>
        <nc:OrganizationIdentification>
          <nc:IdentificationID>KLER01</nc:IdentificationID>
        </nc:OrganizationIdentification>
        <j:CourtName>Judicial First Class Magistrate Court I, Ernakulam</j:CourtName>
      </j:CaseCourt>`, `<j:CaseCourt s:ref="court-2"/>`, 1)
	withCourt := strings.Replace(body, "</RecordDocketingCallbackMessage>", `  <j:Court s:id="court-2">
    <nc:OrganizationIdentification>
      <nc:IdentificationID>KLER02</nc:IdentificationID>
    </nc:OrganizationIdentification>
  </j:Court>
</RecordDocketingCallbackMessage>`, 1)
	m := decodeOne(t, &Adapter{}, []byte(withCourt))
	if got := m.CourtRegistration.Court.Code; got != "KLER02" {
		t.Errorf("court = %q, want KLER02 from the referenced j:Court", got)
	}

	_, err := (&Adapter{}).Decode([]byte(body), ContentType)
	var found bool
	for _, v := range schemas.Violations(err) {
		found = found || v.Rule == "reference"
	}
	if !found {
		t.Errorf("a dangling CaseCourt reference gave %v, want a reference violation", err)
	}
}

func TestCallbackNextHearing(t *testing.T) {
	const event = `<j:CaseCourtEvent>
        <nc:ActivityDescriptionText>next hearing</nc:ActivityDescriptionText>`
	filingEvent := `<j:CaseCourtEvent>
        <nc:ActivityDescriptionText>date of filing</nc:ActivityDescriptionText>
        <j:CourtEventSchedule>
          <nc:ScheduleDate>
            <nc:Date>2024-09-03</nc:Date>
          </nc:ScheduleDate>
        </j:CourtEventSchedule>
      </j:CaseCourtEvent>
      ` + event
	m := decodeOne(t, &Adapter{}, replaced(t, "kochi_callback.xml", event, filingEvent))
	if got := m.CourtRegistration.NextHearing; got != "2024-10-01" {
		t.Errorf("next hearing = %s, want 2024-10-01 of the hearing, not the filing event's date", got)
	}

	early := replaced(t, "kochi_callback.xml", "<nc:Date>2024-10-01</nc:Date>", "<nc:Date>2024-08-01</nc:Date>")
	_, err := (&Adapter{}).Decode(early, ContentType)
	if !hasOrderViolation(err,
		"/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseCourtEvent/CourtEventSchedule/ScheduleDate",
		"chronology") {
		t.Errorf("a hearing before the filing date gave %v, want chronology at its ScheduleDate", err)
	}
}

func TestFilingCarriesEquivalentSection(t *testing.T) {
	m := decodeOne(t, &Adapter{}, readTestdata(t, "kochi_chargesheet.xml"))
	var withEquivalent []canonical.Charge
	for _, ch := range m.Chargesheet.Charges {
		if ch.Equivalent != nil {
			withEquivalent = append(withEquivalent, ch)
		}
	}
	if len(withEquivalent) == 0 {
		t.Fatal("the test chargesheet has no charge with an equivalent section")
	}
	m.ID = "hub-1"
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	for _, ch := range withEquivalent {
		want := "<j:StatuteCodeIdentification>\n          <nc:IdentificationID>" + ch.Equivalent.Act +
			"</nc:IdentificationID>\n        </j:StatuteCodeIdentification>\n        " +
			"<j:StatuteCodeSectionIdentification>\n          <nc:IdentificationID>" + ch.Equivalent.Section
		if !strings.Contains(string(enc.Body), want) {
			t.Errorf("the filing lacks %s %s, the equivalent of %s %s:\n%s",
				ch.Equivalent.Act, ch.Equivalent.Section, ch.Act, ch.Section, enc.Body)
		}
	}
	again := decodeOne(t, &Adapter{}, enc.Body)
	if !reflect.DeepEqual(again.Chargesheet.Charges, m.Chargesheet.Charges) {
		t.Errorf("charges after a round trip = %+v, want %+v", again.Chargesheet.Charges, m.Chargesheet.Charges)
	}
}

func TestCallbackNextHearingSkipsPastHearings(t *testing.T) {
	const event = `<j:CaseCourtEvent>
        <nc:ActivityDescriptionText>next hearing</nc:ActivityDescriptionText>`
	for _, description := range []string{"last hearing", "Adjourned; no hearing"} {
		before := `<j:CaseCourtEvent>
        <nc:ActivityDescriptionText>` + description + `</nc:ActivityDescriptionText>
        <j:CourtEventSchedule>
          <nc:ScheduleDate>
            <nc:Date>2024-08-20</nc:Date>
          </nc:ScheduleDate>
        </j:CourtEventSchedule>
      </j:CaseCourtEvent>
      ` + event
		m := decodeOne(t, &Adapter{}, replaced(t, "kochi_callback.xml", event, before))
		if got := m.CourtRegistration.NextHearing; got != "2024-10-01" {
			t.Errorf("an event %q listed first: next hearing = %s, want 2024-10-01", description, got)
		}
	}
}

func TestSupplementaryFilingNamesCase(t *testing.T) {
	m := kochiChargesheet()
	m.Chargesheet.Supplementary = 2
	m.Chargesheet.CNR = "KLER100000122025"
	enc, err := (&Adapter{}).Encode(&m)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got := decodeOne(t, &Adapter{}, enc.Body)
	if got.Chargesheet.CNR != m.Chargesheet.CNR || got.Chargesheet.Supplementary != 2 {
		t.Errorf("decoded CNR %q, supplementary %d; want %q, 2",
			got.Chargesheet.CNR, got.Chargesheet.Supplementary, m.Chargesheet.CNR)
	}

	const docket = "/CoreFilingMessage/CriminalCase/CaseDocketID"
	bad := bytes.Replace(enc.Body, []byte(">KLER100000122025<"), []byte(">KLER1000001<"), 1)
	if _, err := (&Adapter{}).Decode(bad, ContentType); !hasViolation(schemas.Violations(err), docket, "cnr") {
		t.Errorf("a CaseDocketID that is no CNR gave %v, want cnr at %s", err, docket)
	}
	original := bytes.Replace(enc.Body, []byte("supplementary final report 2"), []byte(registerFinalReport), 1)
	if _, err := (&Adapter{}).Decode(original, ContentType); !hasViolation(schemas.Violations(err), docket, "original-report") {
		t.Errorf("an original report naming a case gave %v, want original-report at %s", err, docket)
	}
}

// TestSplitTextRejected posts brief facts that a processing instruction
// or a child element splits. Reading only the first part would drop the
// rest, and an Aadhaar number split so would escape masking.
func TestSplitTextRejected(t *testing.T) {
	const facts = "On 1 August 2024 the accused attacked the victim near MG Road."
	for _, split := range []string{
		"On 1 August 2024<?pdf-page 2?> the accused attacked the victim near MG Road.",
		"On 1 August 2024<nc:Extra>z</nc:Extra> the accused attacked the victim near MG Road.",
		"Aadhaar 5863<?x y?>0172<?x y?>9436. the accused attacked the victim near MG Road.",
	} {
		body := replaced(t, "kochi_chargesheet.xml", facts, split)
		_, err := (&Adapter{}).Decode(body, ContentType)
		if !errors.Is(err, adapters.ErrMalformed) {
			t.Errorf("%s: error = %v, want a malformed document", split, err)
		}
	}
}

func TestInvisibleNameRejected(t *testing.T) {
	for _, name := range []string{"\u200b\u200b", "Kuttan\u202eevil"} {
		body := replaced(t, "kochi_chargesheet.xml", "<nc:PersonFullName>Kuttan<",
			"<nc:PersonFullName>"+name+"<")
		_, err := (&Adapter{}).Decode(body, ContentType)
		found := false
		for _, v := range schemas.Violations(err) {
			found = found || (v.Rule == "name-text" && strings.HasSuffix(v.Pointer, "/PersonAlternateName"))
		}
		if !found {
			t.Errorf("name %q: %v, want name-text at the PersonAlternateName", name, err)
		}
	}
}

// TestCallbackFilingStatuses decodes a callback with each filing status
// of canonical.FilingStatuses, in any case, and rejects another, naming
// those.
func TestCallbackFilingStatuses(t *testing.T) {
	for _, status := range []string{"accepted", "rejected", "returned", "Rejected", " RETURNED "} {
		m := decodeOne(t, &Adapter{}, replaced(t, "kochi_callback.xml", ">accepted<", ">"+status+"<"))
		if got := m.CourtRegistration.Status; got != strings.TrimSpace(status) {
			t.Errorf("status %q decoded as %q", status, got)
		}
	}

	_, err := (&Adapter{}).Decode(replaced(t, "kochi_callback.xml", ">accepted<", ">maybe<"), ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode error = %v, want one violation", err)
	}
	for _, want := range []string{`"maybe"`, "accepted", "rejected", "returned"} {
		if !strings.Contains(vs[0].Message, want) {
			t.Errorf("message %q does not name %s", vs[0].Message, want)
		}
	}
}

func TestEncodeCallbackRequiresFilingStatus(t *testing.T) {
	m := decodeOne(t, &Adapter{}, readTestdata(t, "kochi_callback.xml"))
	for _, status := range []string{"", "maybe"} {
		m.CourtRegistration.Status = status
		_, err := EncodeCallback(&m)
		found := false
		for _, v := range schemas.Violations(err) {
			found = found || (v.Pointer == "/court_registration/status" && v.Rule == "enum")
		}
		if !found {
			t.Errorf("status %q: EncodeCallback error = %v, want enum at /court_registration/status", status, err)
		}
	}
}

func TestDeclinedCallbackWithoutCaseNumber(t *testing.T) {
	body := bytes.Replace(callbackWith(""), []byte(">accepted<"), []byte(">returned<"), 1)
	_, err := (&Adapter{}).Decode(body, ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode error = %v, want one violation", err)
	}
	const pointer = "/RecordDocketingCallbackMessage/AppellateCase/CaseTrackingID"
	if vs[0].Pointer != pointer || vs[0].Rule != "required" {
		t.Errorf("violation %s (%s), want %s (required)", vs[0].Pointer, vs[0].Rule, pointer)
	}
	for _, element := range []string{"nc:CaseTrackingID", "nc:CaseDocketID"} {
		if !strings.Contains(vs[0].Message, element) {
			t.Errorf("message %q does not name %s", vs[0].Message, element)
		}
	}
	// The filing number alone satisfies the rule.
	docketed := bytes.Replace(body, []byte("<nc:CaseTitleText>"),
		[]byte("<nc:CaseDocketID>CRL-F-2291/2024</nc:CaseDocketID><nc:CaseTitleText>"), 1)
	if _, err := (&Adapter{}).Decode(docketed, ContentType); err != nil {
		t.Errorf("Decode with nc:CaseDocketID only: %v", err)
	}
}
