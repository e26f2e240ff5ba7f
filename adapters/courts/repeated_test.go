package courts

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// repeatedCase is a document that repeats an element whose value the
// hub reads once, with the path of the repeat.
type repeatedCase struct {
	name    string
	body    []byte
	pointer string
}

// checkRepeatedRejected requires each case's document to be rejected
// with exactly one violation, of rule maxItems at the repeated element.
func checkRepeatedRejected(t *testing.T, a *Adapter, cases []repeatedCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Decode(c.body, ContentType)
			if len(d.Messages) != 0 {
				t.Errorf("Decode returned %d messages, want none", len(d.Messages))
			}
			vs := schemas.Violations(err)
			want := []string{c.pointer + " maxItems"}
			var got []string
			for _, v := range vs {
				got = append(got, v.Pointer+" "+v.Rule)
			}
			if !slices.Equal(got, want) {
				t.Errorf("violations = %v, want %v (error %v)", got, want, err)
			}
		})
	}
}

func TestCallbackRepeatedElementsRejected(t *testing.T) {
	const (
		file     = "kochi_callback.xml"
		root     = "/RecordDocketingCallbackMessage"
		code     = "<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>"
		ownID    = "<nc:IdentificationID>KLER01-CB-000123</nc:IdentificationID>"
		filingID = "<nc:IdentificationCategoryText>FilingID</nc:IdentificationCategoryText>"
		cnr      = "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>"
		court    = "<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>"
		docket   = "<nc:CaseDocketID>CC 123/2024</nc:CaseDocketID>"
		title    = "<nc:CaseTitleText>State of Kerala v. Rajan K. Pillai</nc:CaseTitleText>"
		lineage  = "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>"
		posted   = "<nc:DateTime>2024-09-03T15:04:05+05:30</nc:DateTime>"
		reason   = "<nc:StatusDescriptionText>Registered as calendar case</nc:StatusDescriptionText>"
	)
	status := "<ecf:FilingStatus>\n    <nc:StatusDescriptionText>Registered as calendar case</nc:StatusDescriptionText>\n    " +
		code + "\n  </ecf:FilingStatus>"
	cases := []repeatedCase{
		{"status codes accepted then rejected",
			appended(t, file, code, "<ecf:FilingStatusCode>rejected</ecf:FilingStatusCode>"),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"status codes rejected then accepted",
			replaced(t, file, code, "<ecf:FilingStatusCode>rejected</ecf:FilingStatusCode>"+code),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"status code accepted then bogus",
			appended(t, file, code, "<ecf:FilingStatusCode>bogus</ecf:FilingStatusCode>"),
			root + "/FilingStatus/FilingStatusCode[2]"},
		{"two filing statuses",
			appended(t, file, status, "<ecf:FilingStatus><ecf:FilingStatusCode>rejected</ecf:FilingStatusCode></ecf:FilingStatus>"),
			root + "/FilingStatus[2]"},
		{"two own document ids",
			replaced(t, file, "<nc:DocumentIdentification>\n    "+ownID,
				"<nc:DocumentIdentification><nc:IdentificationID>KLER01-CB-000124</nc:IdentificationID></nc:DocumentIdentification>"+
					"<nc:DocumentIdentification>\n    "+ownID),
			root + "/DocumentIdentification[2]"},
		{"two ids in own document identification",
			appended(t, file, ownID, "<nc:IdentificationID>KLER01-CB-000124</nc:IdentificationID>"),
			root + "/DocumentIdentification[1]/IdentificationID[2]"},
		{"two filing ids",
			appended(t, file, filingID, "</nc:DocumentIdentification><nc:DocumentIdentification>"+
				"<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0B</nc:IdentificationID>"+filingID),
			root + "/DocumentIdentification[3]"},
		{"two CNRs", appended(t, file, cnr, "<nc:CaseTrackingID>KLER010001242024</nc:CaseTrackingID>"),
			root + "/CriminalCase/CaseTrackingID[2]"},
		{"two case courts",
			replaced(t, file, "</j:CaseCourt>", "</j:CaseCourt><j:CaseCourt><nc:OrganizationIdentification>"+
				"<nc:IdentificationID>KLER02</nc:IdentificationID></nc:OrganizationIdentification></j:CaseCourt>"),
			root + "/CriminalCase/CaseAugmentation/CaseCourt[2]"},
		{"two court codes",
			replaced(t, file, court, "<nc:IdentificationID>KLER02</nc:IdentificationID>"+court),
			root + "/CriminalCase/CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID[2]"},
		{"two criminal cases",
			replaced(t, file, "</criminal:CriminalCase>", "</criminal:CriminalCase><criminal:CriminalCase>"+
				"<nc:CaseTrackingID>KLER010001242024</nc:CaseTrackingID></criminal:CriminalCase>"),
			root + "/CriminalCase[2]"},
		{"two docket ids",
			appended(t, file, docket, "<nc:CaseDocketID>CC 124/2024</nc:CaseDocketID>"),
			root + "/CriminalCase/CaseDocketID[2]"},
		{"two case titles",
			appended(t, file, title, "<nc:CaseTitleText>State of Kerala v. Suresh</nc:CaseTitleText>"),
			root + "/CriminalCase/CaseTitleText[2]"},
		{"two court names",
			replaced(t, file, "</j:CourtName>", "</j:CourtName><j:CourtName>Sessions Court, Ernakulam</j:CourtName>"),
			root + "/CriminalCase/CaseAugmentation/CaseCourt/CourtName[2]"},
		{"two lineage case FIRs",
			appended(t, file, lineage, "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/124</nc:CaseTrackingID>"),
			root + "/CriminalCase/CaseAugmentation/CaseLineageCase/CaseTrackingID[2]"},
		{"two lineage national FIR ids",
			replaced(t, file, "</nc:ActivityIdentification>", "</nc:ActivityIdentification><nc:ActivityIdentification>"+
				"<nc:IdentificationID>KL-EKM-1234-2024-000124</nc:IdentificationID>"+
				"<nc:IdentificationCategoryText>CCTNS FIR</nc:IdentificationCategoryText></nc:ActivityIdentification>"),
			root + "/CriminalCase/CaseAugmentation/CaseLineageCase/ActivityIdentification[2]"},
		{"two post dates",
			replaced(t, file, "</nc:DocumentPostDate>", "</nc:DocumentPostDate><nc:DocumentPostDate>"+
				"<nc:DateTime>2024-09-04T15:04:05+05:30</nc:DateTime></nc:DocumentPostDate>"),
			root + "/DocumentPostDate[2]"},
		{"two date-times in post date",
			appended(t, file, posted, "<nc:DateTime>2024-09-04T15:04:05+05:30</nc:DateTime>"),
			root + "/DocumentPostDate/DateTime[2]"},
		{"two filed dates",
			replaced(t, file, "</nc:DocumentFiledDate>", "</nc:DocumentFiledDate><nc:DocumentFiledDate>"+
				"<nc:Date>2024-09-02</nc:Date></nc:DocumentFiledDate>"),
			root + "/DocumentFiledDate[2]"},
		{"two received dates",
			replaced(t, file, "</nc:DocumentPostDate>", "</nc:DocumentPostDate>"+
				"<nc:DocumentReceivedDate><nc:Date>2024-09-03</nc:Date></nc:DocumentReceivedDate>"+
				"<nc:DocumentReceivedDate><nc:Date>2024-09-02</nc:Date></nc:DocumentReceivedDate>"),
			root + "/DocumentReceivedDate[2]"},
		{"two status descriptions",
			appended(t, file, reason, "<nc:StatusDescriptionText>Returned for defects</nc:StatusDescriptionText>"),
			root + "/FilingStatus/StatusDescriptionText[2]"},
	}
	checkRepeatedRejected(t, &Adapter{}, cases)
}

func TestOrderRepeatedElementsRejected(t *testing.T) {
	const (
		file    = "order_production_warrant.xml"
		root    = "/CourtOrderReport"
		docID   = "<nc:IdentificationID>KLER10-ORD-2025-000451</nc:IdentificationID>"
		fir     = "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1187</nc:CaseTrackingID>"
		issuer  = "<nc:IdentificationID>KLER10</nc:IdentificationID>\n      </nc:OrganizationIdentification>\n      <j:CourtName>"
		warrant = root + "/Warrant"
		subject = warrant + "/CourtOrderDesignatedSubject/RoleOfPerson"
		prison  = "<nc:IdentificationID>KLSJEKM</nc:IdentificationID>"
		number  = "<nc:IdentificationID>UT-2231-2025</nc:IdentificationID>"
		issued  = "<nc:Date>2025-10-01</nc:Date>\n    </j:CourtOrderIssuingDate>"
		appear  = "<nc:Date>2025-10-03</nc:Date>"
		orderNo = "<nc:IdentificationID>PW 45/2025</nc:IdentificationID>"
		kind    = "<nc:ActivityCategoryText>Production warrant</nc:ActivityCategoryText>"
		sex     = "<nc:PersonSexText>M</nc:PersonSexText>"
	)
	cases := []repeatedCase{
		{"two document identifications",
			replaced(t, file, "</nc:DocumentIdentification>", "</nc:DocumentIdentification><nc:DocumentIdentification>"+
				"<nc:IdentificationID>KLER10-ORD-2025-000452</nc:IdentificationID></nc:DocumentIdentification>"),
			root + "/DocumentIdentification[2]"},
		{"two document ids",
			appended(t, file, docID, "<nc:IdentificationID>KLER10-ORD-2025-000452</nc:IdentificationID>"),
			root + "/DocumentIdentification/IdentificationID[2]"},
		{"two case tracking ids",
			appended(t, file, fir, "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1188</nc:CaseTrackingID>"),
			root + "/Case/CaseTrackingID[2]"},
		{"two case courts",
			replaced(t, file, "</j:CaseCourt>", "</j:CaseCourt><j:CaseCourt><nc:OrganizationIdentification>"+
				"<nc:IdentificationID>KLER11</nc:IdentificationID></nc:OrganizationIdentification></j:CaseCourt>"),
			root + "/Case/CaseAugmentation/CaseCourt[2]"},
		{"two issuing court codes",
			replaced(t, file, issuer, "<nc:IdentificationID>KLER11</nc:IdentificationID>"+issuer),
			root + "/Warrant/CourtOrderIssuingCourt/OrganizationIdentification/IdentificationID[2]"},
		{"two enforcement agencies",
			replaced(t, file, "</j:CourtOrderEnforcementAgency>", "</j:CourtOrderEnforcementAgency>"+
				"<j:CourtOrderEnforcementAgency><nc:OrganizationIdentification><nc:IdentificationID>KLCPTVM"+
				"</nc:IdentificationID></nc:OrganizationIdentification></j:CourtOrderEnforcementAgency>"),
			warrant + "/CourtOrderEnforcementAgency[2]"},
		{"two prison codes",
			appended(t, file, prison, "<nc:IdentificationID>KLCPTVM</nc:IdentificationID>"),
			warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID[2]"},
		{"two prison names",
			replaced(t, file, "</nc:OrganizationName>", "</nc:OrganizationName>"+
				"<nc:OrganizationName>Central Prison, Thiruvananthapuram</nc:OrganizationName>"),
			warrant + "/CourtOrderEnforcementAgency/OrganizationName[2]"},
		{"two designated subjects",
			replaced(t, file, "</j:CourtOrderDesignatedSubject>", "</j:CourtOrderDesignatedSubject>"+
				"<j:CourtOrderDesignatedSubject><nc:RoleOfPerson><nc:PersonName><nc:PersonFullName>Anil P."+
				"</nc:PersonFullName></nc:PersonName></nc:RoleOfPerson><j:SubjectCorrectionsIdentification>"+
				"<nc:IdentificationID>UT-2232-2025</nc:IdentificationID></j:SubjectCorrectionsIdentification>"+
				"</j:CourtOrderDesignatedSubject>"),
			warrant + "/CourtOrderDesignatedSubject[2]"},
		{"two prisoner numbers",
			appended(t, file, number, "<nc:IdentificationID>UT-2232-2025</nc:IdentificationID>"),
			warrant + "/CourtOrderDesignatedSubject/SubjectCorrectionsIdentification/IdentificationID[2]"},
		{"two issuing courts",
			replaced(t, file, "</j:CourtOrderIssuingCourt>", "</j:CourtOrderIssuingCourt><j:CourtOrderIssuingCourt>"+
				"<nc:OrganizationIdentification><nc:IdentificationID>KLER11</nc:IdentificationID>"+
				"</nc:OrganizationIdentification></j:CourtOrderIssuingCourt>"),
			warrant + "/CourtOrderIssuingCourt[2]"},
		{"two issuing court names",
			replaced(t, file, "</j:CourtName>", "</j:CourtName><j:CourtName>Sessions Court, Ernakulam</j:CourtName>"),
			warrant + "/CourtOrderIssuingCourt/CourtName[2]"},
		{"two creation dates",
			replaced(t, file, "</nc:DocumentCreationDate>", "</nc:DocumentCreationDate><nc:DocumentCreationDate>"+
				"<nc:DateTime>2025-10-02T11:00:00+05:30</nc:DateTime></nc:DocumentCreationDate>"),
			root + "/DocumentCreationDate[2]"},
		{"two issuing dates",
			replaced(t, file, "</j:CourtOrderIssuingDate>", "</j:CourtOrderIssuingDate><j:CourtOrderIssuingDate>"+
				"<nc:Date>2025-10-02</nc:Date></j:CourtOrderIssuingDate>"),
			warrant + "/CourtOrderIssuingDate[2]"},
		{"two dates in issuing date",
			replaced(t, file, issued, "<nc:Date>2025-10-02</nc:Date>"+issued),
			warrant + "/CourtOrderIssuingDate/Date[2]"},
		{"two court appearances",
			replaced(t, file, "</j:CourtAppearance>", "</j:CourtAppearance><j:CourtAppearance>"+
				"<j:CourtAppearanceDate><nc:Date>2025-10-04</nc:Date></j:CourtAppearanceDate></j:CourtAppearance>"),
			warrant + "/CourtAppearance[2]"},
		{"two appearance dates",
			appended(t, file, appear, "<nc:Date>2025-10-04</nc:Date>"),
			warrant + "/CourtAppearance/CourtAppearanceDate/Date[2]"},
		{"two order numbers",
			appended(t, file, orderNo, "<nc:IdentificationID>PW 46/2025</nc:IdentificationID>"),
			warrant + "/ActivityIdentification/IdentificationID[2]"},
		{"two order kinds",
			appended(t, file, kind, "<nc:ActivityCategoryText>Release order</nc:ActivityCategoryText>"),
			warrant + "/ActivityCategoryText[2]"},
		{"two directions",
			replaced(t, file, "</nc:ActivityDescriptionText>", "</nc:ActivityDescriptionText>"+
				"<nc:ActivityDescriptionText>Produce on 4 October.</nc:ActivityDescriptionText>"),
			warrant + "/ActivityDescriptionText[2]"},
		{"two judicial officials",
			replaced(t, file, "</j:CourtOrderIssuingJudicialOfficial>", "</j:CourtOrderIssuingJudicialOfficial>"+
				"<j:CourtOrderIssuingJudicialOfficial><j:JudicialOfficialCategoryText>Sessions Judge"+
				"</j:JudicialOfficialCategoryText></j:CourtOrderIssuingJudicialOfficial>"),
			warrant + "/CourtOrderIssuingJudicialOfficial[2]"},
		{"two judge designations",
			replaced(t, file, "</j:JudicialOfficialCategoryText>", "</j:JudicialOfficialCategoryText>"+
				"<j:JudicialOfficialCategoryText>Sessions Judge</j:JudicialOfficialCategoryText>"),
			warrant + "/CourtOrderIssuingJudicialOfficial/JudicialOfficialCategoryText[2]"},
		{"two sex texts",
			appended(t, file, sex, "<nc:PersonSexText>F</nc:PersonSexText>"),
			subject + "/PersonSexText[2]"},
		{"two birth dates",
			replaced(t, file, "</nc:PersonBirthDate>", "</nc:PersonBirthDate><nc:PersonBirthDate>"+
				"<nc:Date>1998-02-11</nc:Date></nc:PersonBirthDate>"),
			subject + "/PersonBirthDate[2]"},
	}
	checkRepeatedRejected(t, orderAdapter(), cases)
}

func TestOrderRepeatedPersonAndCaseRejected(t *testing.T) {
	const (
		remand  = "order_remand_warrant.xml"
		release = "order_release_bail.xml"
		age     = "<MeasureValueText>34</MeasureValueText>"
		country = "<PersonCitizenshipISO3166Alpha2Code>IN</PersonCitizenshipISO3166Alpha2Code>"
		sexCode = "<nc:PersonSexCode>M</nc:PersonSexCode>"
		ground  = "<nc:ActivityReasonText>Bail</nc:ActivityReasonText>"
		fir     = "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1187</nc:CaseTrackingID>"
	)
	cases := []repeatedCase{
		{"two ages in referenced person",
			appended(t, remand, age, "<MeasureValueText>43</MeasureValueText>"),
			"/CourtOrderReport/Person/PersonAgeMeasure/MeasureValueText[2]"},
		{"two citizenships in referenced person",
			appended(t, remand, country, "<PersonCitizenshipISO3166Alpha2Code>NP</PersonCitizenshipISO3166Alpha2Code>"),
			"/CourtOrderReport/Person/PersonCitizenshipISO3166Alpha2Code[2]"},
		{"two sex codes",
			appended(t, release, sexCode, "<nc:PersonSexCode>F</nc:PersonSexCode>"),
			"/CourtOrderReport/CourtOrder/CourtOrderDesignatedSubject/RoleOfPerson/PersonSexCode[2]"},
		{"two release grounds",
			appended(t, release, ground, "<nc:ActivityReasonText>Acquittal</nc:ActivityReasonText>"),
			"/CourtOrderReport/CourtOrder/ActivityReasonText[2]"},
		{"two lineage case FIRs",
			appended(t, release, fir, "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1188</nc:CaseTrackingID>"),
			"/CourtOrderReport/Case/CaseAugmentation/CaseLineageCase/CaseTrackingID[2]"},
	}
	checkRepeatedRejected(t, orderAdapter(), cases)
}

// TestOrderRepeatedNameAndIDParts repeats a part of a name or an
// identification, of which the hub reads the first and would drop the
// rest.
func TestOrderRepeatedNameAndIDParts(t *testing.T) {
	const (
		warrant    = "order_production_warrant.xml"
		remand     = "order_remand_warrant.xml"
		release    = "order_release_bail.xml"
		subject    = "/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson"
		judge      = "/CourtOrderReport/Warrant/CourtOrderIssuingJudicialOfficial/RoleOfPerson"
		givenName  = "<nc:PersonGivenName>Shibu</nc:PersonGivenName>"
		aadhaar    = "<nc:IdentificationID>586301729436</nc:IdentificationID>"
		judgeName  = "<nc:PersonFullName>Smt. Leena R.</nc:PersonFullName>"
		surname    = "<PersonSurName>Nair</PersonSurName>"
		nationalID = "<nc:IdentificationID>32241012250001187</nc:IdentificationID>"
		lineage    = "<nc:CaseTrackingID>FIR/KL/EKM/EKM0412/2025/1187</nc:CaseTrackingID>"
	)
	cases := []repeatedCase{
		{"two given names",
			appended(t, warrant, givenName, "<nc:PersonGivenName>Babu</nc:PersonGivenName>"),
			subject + "/PersonName[1]/PersonGivenName[2]"},
		{"two surnames in referenced person",
			appended(t, remand, surname, "<PersonSurName>Menon</PersonSurName>"),
			"/CourtOrderReport/Person/PersonName/PersonSurName[2]"},
		{"two full names in an alias",
			replaced(t, warrant, "<nc:PersonSexText>", "<nc:PersonAlternateName><nc:PersonFullName>Kuttan"+
				"</nc:PersonFullName><nc:PersonFullName>Kuttappan</nc:PersonFullName></nc:PersonAlternateName>"+
				"<nc:PersonSexText>"),
			subject + "/PersonAlternateName/PersonFullName[2]"},
		{"two identification ids",
			appended(t, warrant, aadhaar, "<nc:IdentificationID>XXXXXXXX2346</nc:IdentificationID>"),
			subject + "/PersonOtherIdentification/IdentificationID[2]"},
		{"two identification categories",
			replaced(t, warrant, "</nc:IdentificationCategoryText>\n        </nc:PersonOtherIdentification>",
				"</nc:IdentificationCategoryText><nc:IdentificationCategoryText>Ration card"+
					"</nc:IdentificationCategoryText></nc:PersonOtherIdentification>"),
			subject + "/PersonOtherIdentification/IdentificationCategoryText[2]"},
		{"two identification issuers",
			appended(t, warrant, aadhaar, "<nc:IdentificationSourceText>UIDAI</nc:IdentificationSourceText>"+
				"<nc:IdentificationSourceText>Kerala</nc:IdentificationSourceText>"),
			subject + "/PersonOtherIdentification/IdentificationSourceText[2]"},
		{"two judge's names",
			replaced(t, warrant, "</nc:PersonName>\n      </nc:RoleOfPerson>", "</nc:PersonName><nc:PersonName>"+
				"<nc:PersonFullName>Sri. Arun Mohan</nc:PersonFullName></nc:PersonName></nc:RoleOfPerson>"),
			judge + "/PersonName[2]"},
		{"two full names of the judge",
			appended(t, warrant, judgeName, "<nc:PersonFullName>Sri. Arun Mohan</nc:PersonFullName>"),
			judge + "/PersonName/PersonFullName[2]"},
		{"two national FIR ids",
			replaced(t, warrant, "</nc:ActivityIdentification>\n    <j:CaseAugmentation>",
				"</nc:ActivityIdentification>"+nationalIDActivity("32241012250001188")+"<j:CaseAugmentation>"),
			"/CourtOrderReport/Case/ActivityIdentification[2]"},
		{"two ids in the national FIR id",
			appended(t, warrant, nationalID, "<nc:IdentificationID>32241012250001188</nc:IdentificationID>"),
			"/CourtOrderReport/Case/ActivityIdentification/IdentificationID[2]"},
		{"two national FIR ids in the lineage case",
			appended(t, release, lineage, nationalIDActivity("32241012250001187")+
				nationalIDActivity("32241012250001188")),
			"/CourtOrderReport/Case/CaseAugmentation/CaseLineageCase/ActivityIdentification[2]"},
	}
	checkRepeatedRejected(t, orderAdapter(), cases)
}

// TestSampleWarrantRepeatedGivenName repeats a given name of the person
// of a real NIEM 3 warrant. The warrant lacks parts of an order to a
// prison, so the repeat is one violation among others.
func TestSampleWarrantRepeatedGivenName(t *testing.T) {
	const givenName = "<nc:PersonGivenName>Peter</nc:PersonGivenName>"
	body := strings.Replace(string(readSample(t, "WarrantIssuedReport.xml")), givenName,
		givenName+"<nc:PersonGivenName>Pete</nc:PersonGivenName>", 1)
	_, err := orderAdapter().Decode([]byte(body), ContentType)
	const pointer = "/WarrantIssuedReport/Person/PersonName/PersonGivenName[2]"
	if !hasOrderViolation(err, pointer, "maxItems") {
		t.Errorf("Decode error = %v, want maxItems at %s", err, pointer)
	}
}

func TestFilingRepeatedElementsRejected(t *testing.T) {
	const (
		file      = "kochi_chargesheet.xml"
		root      = "/CoreFilingMessage"
		caseRoot  = root + "/CriminalCase"
		accused   = caseRoot + "/CaseAugmentation/CaseParticipant[1]"
		officer   = caseRoot + "/CaseAugmentation/CaseParticipant[2]"
		charge    = caseRoot + "/CaseCharge[1]"
		lead      = root + "/FilingLeadDocument"
		ownID     = "<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0A</nc:IdentificationID>"
		fir       = "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>"
		title     = "<nc:CaseTitleText>State of Kerala v. Rajan K. Pillai</nc:CaseTitleText>"
		national  = "<nc:IdentificationCategoryText>CCTNS FIR</nc:IdentificationCategoryText>\n    </nc:ActivityIdentification>"
		court     = "<nc:IdentificationID>KLER01</nc:IdentificationID>"
		report    = "<nc:IdentificationID>FR-45/2024</nc:IdentificationID>"
		kind      = "<nc:DocumentCategoryText>chargesheet</nc:DocumentCategoryText>"
		action    = "<j:RegisterActionDescriptionText>final report</j:RegisterActionDescriptionText>"
		birth     = "<nc:Date>1985-04-12</nc:Date>"
		sex       = "<nc:PersonSexCode>M</nc:PersonSexCode>"
		givenName = "<nc:PersonGivenName>Rajan</nc:PersonGivenName>"
		city      = "<nc:LocationCityName>Kochi</nc:LocationCityName>"
		rank      = "<nc:PersonNamePrefixText>Sub Inspector</nc:PersonNamePrefixText>"
		service   = "<nc:IdentificationCategoryText>police service number</nc:IdentificationCategoryText>"
		sequence  = "<nc:IdentificationID>1</nc:IdentificationID>"
		act       = "<nc:IdentificationID>BNS</nc:IdentificationID>"
		offence   = "<nc:DateTime>2024-08-01T21:15:00+05:30</nc:DateTime>"
	)
	cases := []repeatedCase{
		{"two document identifications",
			replaced(t, file, "</nc:DocumentIdentification>\n  <nc:DocumentPostDate>",
				"</nc:DocumentIdentification><nc:DocumentIdentification><nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0B"+
					"</nc:IdentificationID></nc:DocumentIdentification>\n  <nc:DocumentPostDate>"),
			root + "/DocumentIdentification[2]"},
		{"two own document ids",
			appended(t, file, ownID, "<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0B</nc:IdentificationID>"),
			root + "/DocumentIdentification/IdentificationID[2]"},
		{"two post dates",
			replaced(t, file, "</nc:DocumentPostDate>", "</nc:DocumentPostDate><nc:DocumentPostDate>"+
				"<nc:DateTime>2024-09-01T11:30:00+05:30</nc:DateTime></nc:DocumentPostDate>"),
			root + "/DocumentPostDate[2]"},
		{"two criminal cases",
			replaced(t, file, "</criminal:CriminalCase>", "</criminal:CriminalCase><criminal:CriminalCase>"+
				"<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/124</nc:CaseTrackingID></criminal:CriminalCase>"),
			root + "/CriminalCase[2]"},
		{"two case tracking ids",
			appended(t, file, fir, "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/124</nc:CaseTrackingID>"),
			caseRoot + "/CaseTrackingID[2]"},
		{"two case titles",
			appended(t, file, title, "<nc:CaseTitleText>State of Kerala v. Suresh</nc:CaseTitleText>"),
			caseRoot + "/CaseTitleText[2]"},
		{"two brief facts",
			replaced(t, file, title, "<nc:ActivityDescriptionText>Other facts.</nc:ActivityDescriptionText>"+title),
			caseRoot + "/ActivityDescriptionText[2]"},
		{"two national FIR ids",
			appended(t, file, national, "<nc:ActivityIdentification><nc:IdentificationID>KL-EKM-1234-2024-000124"+
				"</nc:IdentificationID>"+national),
			caseRoot + "/ActivityIdentification[2]"},
		{"two justice case augmentations",
			replaced(t, file, "<ecf:CaseAugmentation>", "<j:CaseAugmentation><j:CaseDefendantParty>"+
				"<nc:EntityPersonReference s:ref=\"Accused1\"/></j:CaseDefendantParty></j:CaseAugmentation><ecf:CaseAugmentation>"),
			caseRoot + "/CaseAugmentation[2]"},
		{"two court codes",
			appended(t, file, court, "<nc:IdentificationID>KLER02</nc:IdentificationID>"),
			caseRoot + "/CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID[2]"},
		{"two lead documents",
			replaced(t, file, "</core:FilingLeadDocument>", "</core:FilingLeadDocument><core:FilingLeadDocument>"+
				"<nc:DocumentCategoryText>undetected</nc:DocumentCategoryText></core:FilingLeadDocument>"),
			root + "/FilingLeadDocument[2]"},
		{"two report kinds",
			appended(t, file, kind, "<nc:DocumentCategoryText>undetected</nc:DocumentCategoryText>"),
			lead + "/DocumentCategoryText[2]"},
		{"two report numbers",
			appended(t, file, report, "<nc:IdentificationID>FR-46/2024</nc:IdentificationID>"),
			lead + "/DocumentIdentification/IdentificationID[2]"},
		{"two lead document filed dates",
			replaced(t, file, "</nc:DocumentFiledDate>", "</nc:DocumentFiledDate><nc:DocumentFiledDate>"+
				"<nc:Date>2024-09-01</nc:Date></nc:DocumentFiledDate>"),
			lead + "/DocumentFiledDate[2]"},
		{"two register actions",
			appended(t, file, action, "<j:RegisterActionDescriptionText>supplementary final report 1"+
				"</j:RegisterActionDescriptionText>"),
			lead + "/DocumentMetadata/RegisterActionDescriptionText[2]"},
		{"two birth dates",
			appended(t, file, birth, "<nc:Date>1986-04-12</nc:Date>"),
			accused + "/EntityPerson/PersonBirthDate/Date[2]"},
		{"two sex codes",
			appended(t, file, sex, "<nc:PersonSexCode>F</nc:PersonSexCode>"),
			accused + "/EntityPerson/PersonSexCode[2]"},
		{"two given names in a name",
			appended(t, file, givenName, "<nc:PersonGivenName>Rajesh</nc:PersonGivenName>"),
			accused + "/EntityPerson/PersonName[1]/PersonGivenName[2]"},
		{"two cities in an address",
			appended(t, file, city, "<nc:LocationCityName>Aluva</nc:LocationCityName>"),
			accused + "/ContactInformation/ContactMailingAddress/StructuredAddress/LocationCityName[2]"},
		{"two investigating officers",
			replaced(t, file, "<ecf:PersonOrganizationAssociation>", "<ecf:CaseParticipant><ecf:EntityPerson>"+
				"<nc:PersonName><nc:PersonFullName>Suresh Babu</nc:PersonFullName></nc:PersonName></ecf:EntityPerson>"+
				"<ecf:CaseParticipantRoleCode>investigating officer</ecf:CaseParticipantRoleCode></ecf:CaseParticipant>"+
				"<ecf:PersonOrganizationAssociation>"),
			caseRoot + "/CaseAugmentation/CaseParticipant[4]"},
		{"two officer ranks",
			appended(t, file, rank, "<nc:PersonNamePrefixText>Inspector</nc:PersonNamePrefixText>"),
			officer + "/EntityPerson/PersonName/PersonNamePrefixText[2]"},
		{"two officer service numbers",
			replaced(t, file, service+"\n          </nc:PersonOtherIdentification>", service+
				"\n          </nc:PersonOtherIdentification><nc:PersonOtherIdentification><nc:IdentificationID>KLP-4522"+
				"</nc:IdentificationID>"+service+"</nc:PersonOtherIdentification>"),
			officer + "/EntityPerson/PersonOtherIdentification[2]"},
		{"two charge sequence ids",
			appended(t, file, sequence, "<nc:IdentificationID>4</nc:IdentificationID>"),
			charge + "/ChargeSequenceID/IdentificationID[2]"},
		{"two acts in a statute",
			replacedFirst(t, file, act, act+"<nc:IdentificationID>IPC</nc:IdentificationID>"),
			charge + "/ChargeStatute/StatuteCodeIdentification/IdentificationID[2]"},
		{"two offence date-times",
			replacedFirst(t, file, offence, offence+"<nc:DateTime>2024-08-02T21:15:00+05:30</nc:DateTime>"),
			charge + "/ChargeOffense/ActivityDate/DateTime[2]"},
	}
	checkRepeatedRejected(t, &Adapter{}, cases)
}

func TestFilingRepeatsInDocumentOrder(t *testing.T) {
	body := replaced(t, "kochi_chargesheet.xml", "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>",
		"<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>"+
			"<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/124</nc:CaseTrackingID>")
	body = bytes.Replace(body, []byte("<nc:DocumentCategoryText>chargesheet</nc:DocumentCategoryText>"),
		[]byte("<nc:DocumentCategoryText>chargesheet</nc:DocumentCategoryText>"+
			"<nc:DocumentCategoryText>undetected</nc:DocumentCategoryText>"), 1)
	body = bytes.Replace(body, []byte("</nc:DocumentPostDate>"), []byte("</nc:DocumentPostDate><nc:DocumentPostDate>"+
		"<nc:DateTime>2024-09-01T11:30:00+05:30</nc:DateTime></nc:DocumentPostDate>"), 1)
	_, err := (&Adapter{}).Decode(body, ContentType)
	var got []string
	for _, v := range schemas.Violations(err) {
		got = append(got, v.Pointer+" "+v.Rule)
	}
	want := []string{
		"/CoreFilingMessage/DocumentPostDate[2] maxItems",
		"/CoreFilingMessage/CriminalCase/CaseTrackingID[2] maxItems",
		"/CoreFilingMessage/FilingLeadDocument/DocumentCategoryText[2] maxItems",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v (error %v)", got, want, err)
	}
}

// replacedFirst returns the testdata file with the first occurrence of
// old replaced by new.
func replacedFirst(t *testing.T, file, old, new string) []byte {
	t.Helper()
	data := readTestdata(t, file)
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// TestCallbackTwoFilingIDsMessage repeats the filing id's
// nc:DocumentIdentification beside the callback's own one: the message
// counts the identifications of category FilingID, not all three.
func TestCallbackTwoFilingIDsMessage(t *testing.T) {
	const filingID = "<nc:IdentificationCategoryText>FilingID</nc:IdentificationCategoryText>"
	body := replaced(t, "kochi_callback.xml", filingID, filingID+"</nc:DocumentIdentification>"+
		"<nc:DocumentIdentification><nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0B</nc:IdentificationID>"+
		filingID)
	_, err := (&Adapter{}).Decode(body, ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode: %d violations, want 1: %v", len(vs), err)
	}
	const want = "2 nc:DocumentIdentification elements of category FilingID in RecordDocketingCallbackMessage"
	if !strings.Contains(vs[0].Message, want) {
		t.Errorf("message %q does not contain %q", vs[0].Message, want)
	}
}

// appended returns testdata file with extra written after each
// occurrence of element, which file must contain.
func appended(t *testing.T, file, element, extra string) []byte {
	t.Helper()
	return replaced(t, file, element, element+extra)
}
