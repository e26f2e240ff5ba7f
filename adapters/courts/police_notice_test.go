package courts

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/schemas"
)

// courtIDInCase is the court's IdentificationID in kochi_callback.xml,
// as distinct from the sending location's.
var courtIDInCase = regexp.MustCompile(`(<nc:OrganizationIdentification>\s*<nc:IdentificationID>)KLER01<`)

// lineageTracking is the lineage case's CaseTrackingID in
// kochi_callback.xml.
const lineageTracking = "<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>"

// lineageElement matches the whole j:CaseLineageCase of kochi_callback.xml.
var lineageElement = regexp.MustCompile(`(?s)<j:CaseLineageCase>.*</j:CaseLineageCase>`)

// TestCallbackAcceptedReachesPolice decodes docketing callbacks that a
// real court may send and checks that each is valid canonical form and
// encodes as the police station's notification, so that none the hub
// accepts is dead-lettered on its way to the police.
func TestCallbackAcceptedReachesPolice(t *testing.T) {
	const file = "kochi_callback.xml"
	cases := []struct {
		name string
		body []byte
	}{
		{"no CNR", replaced(t, file, "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>", "")},
		{"court code as the court writes it", courtIDInCase.ReplaceAll(readTestdata(t, file),
			[]byte("${1}JFCM-1 Ernakulam<"))},
		{"docket id of 128 characters", replaced(t, file, "CC 123/2024", strings.Repeat("CC 123/2024 ", 11)[:128])},
		{"title of 1,024 characters", replaced(t, file, "State of Kerala v. Rajan K. Pillai",
			strings.Repeat("State of Kerala v. Rajan K. Pillai; ", 30)[:1024])},
		{"reason of 4,000 characters", replaced(t, file, "Registered as calendar case",
			strings.Repeat("Returned: the seizure mahazar is illegible. ", 100)[:4000])},
		{"no lineage", lineageElement.ReplaceAll(readTestdata(t, file), nil)},
	}
	station, err := police.New(police.Config{AadhaarKey: []byte("courts test key for the police!!")})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := decodeOne(t, &Adapter{}, c.body)
			// Ingest stamps these before it validates the canonical form.
			m.ID, m.Source, m.ReceivedAt = "01JD3K8Q5V3S7T9X1Y4B6N8M0B", "courts", time.Now()
			if err := schemas.ValidateValue("canonical/message.json", &m); err != nil {
				t.Fatalf("canonical form: %v", err)
			}
			if _, err := station.Encode(&m); err != nil {
				t.Errorf("police notification: %v", err)
			}
		})
	}
}

// TestCallbackMalformedRejected checks that a callback that is malformed
// by its own standard is rejected at decoding, at the ECF element that
// is wrong, rather than accepted and then dead-lettered on its way to
// the police.
func TestCallbackMalformedRejected(t *testing.T) {
	const file = "kochi_callback.xml"
	const caseElement = "/RecordDocketingCallbackMessage/CriminalCase"
	const lineage = caseElement + "/CaseAugmentation/CaseLineageCase"
	cases := []struct {
		name    string
		body    []byte
		pointer string
		rule    string
	}{
		{"CNR of the wrong form", replaced(t, file, "KLER010001232024", "KLER01-BAD"),
			caseElement + "/CaseTrackingID", "cnr"},
		{"lineage naming no case", replaced(t, file, lineageTracking, ""),
			lineage + "/CaseTrackingID", "required"},
		{"lineage FIR with a station code CCTNS lacks",
			replaced(t, file, "FIR/KL/EKM/1234/2024/123", "FIR/KL/EKM/PS 1234/2024/123"),
			lineage + "/CaseTrackingID", "fir_key"},
		{"lineage FIR number past CCTNS", replaced(t, file, "FIR/KL/EKM/1234/2024/123", "FIR/KL/EKM/1234/2024/100000000"),
			lineage + "/CaseTrackingID", "fir_key"},
		{"lineage FIR state not a code", replaced(t, file, "FIR/KL/EKM/1234/2024/123", "FIR/Kerala/EKM/1234/2024/123"),
			lineage + "/CaseTrackingID", "fir_key"},
		{"national FIR id with spaces", replaced(t, file, "KL-EKM-1234-2024-000123", "KL EKM 1234"),
			lineage + "/ActivityIdentification/IdentificationID", "fir_national_id"},
		{"docket id past 128 characters", replaced(t, file, "CC 123/2024", strings.Repeat("C", 129)),
			caseElement + "/CaseDocketID", "maxLength"},
		{"title past 1,024 characters", replaced(t, file, "State of Kerala v. Rajan K. Pillai", strings.Repeat("S", 1025)),
			caseElement + "/CaseTitleText", "maxLength"},
		{"reason past 4,000 characters", replaced(t, file, "Registered as calendar case", strings.Repeat("R", 4001)),
			"/RecordDocketingCallbackMessage/FilingStatus/StatusDescriptionText", "maxLength"},
		{"court code past 64 characters", courtIDInCase.ReplaceAll(readTestdata(t, file),
			[]byte("${1}"+strings.Repeat("J", 65)+"<")),
			caseElement + "/CaseAugmentation/CaseCourt/OrganizationIdentification/IdentificationID", "maxLength"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := (&Adapter{}).Decode(c.body, ContentType)
			vs := schemas.Violations(err)
			if vs == nil {
				t.Fatalf("Decode error = %v, want a validation error", err)
			}
			if !hasViolation(vs, c.pointer, c.rule) {
				t.Errorf("no violation %s (%s) among %v", c.pointer, c.rule, vs)
			}
		})
	}
}

// TestCallbackTrackingIDOfAnotherCourt checks that a tracking id that
// starts with an establishment code other than the court's own is still
// the court's case number, not a malformed CNR.
func TestCallbackTrackingIDOfAnotherCourt(t *testing.T) {
	body := replaced(t, "kochi_callback.xml", "KLER010001232024", "KLER02-CC-123")
	reg := decodeOne(t, &Adapter{}, body).CourtRegistration
	if reg.CNR != "" {
		t.Errorf("CNR = %q, want none", reg.CNR)
	}
}
