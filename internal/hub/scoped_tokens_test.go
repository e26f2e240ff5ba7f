package hub

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/problem"
)

// scopedTokenFile is a token file with a token for each of courts KLER01
// and KLER10, one for every court, one for the Sub Jail, Ernakulam
// (KLSJEKM), one for every prison, and an operator's.
func scopedTokenFile() []byte {
	return []byte(fmt.Sprintf(`tokens:
  - {name: court-kler01, agency: courts, courts: [KLER01], sha256: %s}
  - name: court-kler10
    agency: courts
    courts: [KLER10]
    sha256: %s
  - {name: ecourts-gateway, agency: courts, sha256: %s}
  - {name: sub-jail-ernakulam, agency: prisons, prisons: [KLSJEKM], sha256: %s}
  - {name: prisons-headquarters, agency: prisons, sha256: %s}
  - {name: oncall, operator: true, sha256: %s}
`, digestOf("kler01-token"), digestOf("kler10-token"), digestOf("gateway-token"),
		digestOf("klsjekm-token"), digestOf("prisons-hq-token"), digestOf("ops-token")))
}

// postXMLAs posts a court's XML body to the hub as courts with token.
func postXMLAs(t *testing.T, hubURL, token string, body []byte) (int, []byte) {
	t.Helper()
	return postTypedAs(t, hubURL, "courts", token, "application/xml", body)
}

// journaledCourts returns how many court messages with sender id senderID
// the journal contains.
func journaledCourts(t *testing.T, hubURL, senderID string) int {
	t.Helper()
	var found api.FindResponse
	getAsOperator(t, hubURL, "/api/v1/messages?source=courts&sender_message_id="+senderID, &found)
	return len(found.Messages)
}

// wantCourtRejected checks that the hub rejected a post with 403 and one
// court-scope violation for each of courts, at its pointer into the body
// or, for a field that the courts adapter does not place, naming its
// canonical pointer, and that nothing with senderID was journaled.
func wantCourtRejected(t *testing.T, label, hubURL string, code int, body []byte, senderID string,
	courts map[string]string,
) {
	t.Helper()
	p, ok := forbiddenProblem(t, label, code, body)
	if !ok {
		return
	}
	if len(p.Errors) != len(courts) {
		t.Errorf("%s: %d violations, want %d: %+v", label, len(p.Errors), len(courts), p.Errors)
	}
	wantScopeDetail(t, label, p)
	for court, pointer := range courts {
		found := false
		for _, v := range p.Errors {
			found = found || (v.Rule == api.RuleCourtScope &&
				strings.Contains(v.Message, `court "`+court+`"`) &&
				(v.Pointer == pointer || strings.Contains(v.Message, "at "+pointer+" in the hub's canonical form")))
		}
		if !found {
			t.Errorf("%s: no %s violation for court %s at %s in %+v", label, api.RuleCourtScope,
				court, pointer, p.Errors)
		}
	}
	if n := journaledCourts(t, hubURL, senderID); n != 0 {
		t.Errorf("%s: the rejected message was journaled %d times", label, n)
	}
}

// wantScopeDetail checks that the detail of p, a 403 for a station, a
// court or a prison that the token does not list, is the first
// violation's sentence without its pointer, which only the errors carry.
func wantScopeDetail(t *testing.T, label string, p problem.Problem) {
	t.Helper()
	if len(p.Errors) == 0 {
		return
	}
	if want := p.Errors[0].Message + "; nothing was stored"; p.Detail != want {
		t.Errorf("%s: detail %q, want %q", label, p.Detail, want)
	}
	if strings.HasPrefix(p.Detail, "/") {
		t.Errorf("%s: detail %q starts with a pointer", label, p.Detail)
	}
}

// TestCourtTokens posts court orders and docketing callbacks with tokens
// limited to one court, and with one for every court.
func TestCourtTokens(t *testing.T) {
	tokens, err := auth.Parse(scopedTokenFile())
	if err != nil {
		t.Fatal(err)
	}
	w := newOrderWorld(t, Config{Tokens: tokens})

	// The production warrant is issued by KLER10.
	warrant := courtSample(t, "production-warrant-undertrial")
	code, body := postXMLAs(t, w.url, "kler01-token", warrant)
	wantCourtRejected(t, "KLER10's warrant with KLER01's token", w.url, code, body,
		"KLER10-ORD-2025-000451", map[string]string{"KLER10": "/court_order/court/code"})
	if n := len(w.prison.Received()); n != 0 {
		t.Errorf("the prison received %d orders after the rejection", n)
	}
	code, body = postXMLAs(t, w.url, "kler10-token", warrant)
	if code != http.StatusAccepted {
		t.Errorf("KLER10's warrant with KLER10's token: status %d, want 202; %s", code, body)
	}

	// The callback is KLER01's: its court and the court of its CNR.
	const (
		callbackCourt = "/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseCourt/" +
			"OrganizationIdentification/IdentificationID"
		callbackCNR = "/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID"
	)
	code, body = postXMLAs(t, w.url, "kler10-token", kochiCallback(t, "KLER01-CB-1"))
	wantCourtRejected(t, "KLER01's callback with KLER10's token", w.url, code, body,
		"KLER01-CB-1", map[string]string{"KLER01": callbackCourt})
	otherCNR := kochiCallback(t, "KLER01-CB-2",
		"<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>",
		"<nc:CaseTrackingID>KLER020001232024</nc:CaseTrackingID>")
	code, body = postXMLAs(t, w.url, "kler01-token", otherCNR)
	wantCourtRejected(t, "KLER01's callback with KLER02's CNR", w.url, code, body,
		"KLER01-CB-2", map[string]string{"KLER02": callbackCNR})
	code, body = postXMLAs(t, w.url, "kler10-token", otherCNR)
	wantCourtRejected(t, "a callback of KLER01 and KLER02 with KLER10's token", w.url, code, body,
		"KLER01-CB-2", map[string]string{"KLER01": callbackCourt, "KLER02": callbackCNR})

	// A look-alike of KLER01 with the Kelvin sign (U+212A) is another
	// court, which the message names in ASCII.
	kelvin := kochiCallback(t, "KLER01-CB-5",
		"<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>",
		"<nc:IdentificationID>\u212aLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>")
	code, body = postXMLAs(t, w.url, "kler01-token", kelvin)
	wantCourtRejected(t, "KLER01's callback with a Kelvin sign", w.url, code, body,
		"KLER01-CB-5", map[string]string{`\u212aLER01`: callbackCourt})

	lowerCase := kochiCallback(t, "KLER01-CB-3",
		"<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>",
		"<nc:IdentificationID>kler01</nc:IdentificationID>\n        </nc:OrganizationIdentification>")
	for label, post := range map[string]struct {
		token string
		body  []byte
	}{
		"KLER01's callback with KLER01's token":         {"kler01-token", kochiCallback(t, "KLER01-CB-4")},
		"KLER01's callback with its code in lower case": {"kler01-token", lowerCase},
		"a callback of two courts with the gateway's":   {"gateway-token", otherCNR},
	} {
		if code, body := postXMLAs(t, w.url, post.token, post.body); code != http.StatusAccepted {
			t.Errorf("%s: status %d, want 202; %s", label, code, body)
		}
	}
}

// TestPrisonTokens posts movements with a token limited to one prison,
// and with one for every prison.
func TestPrisonTokens(t *testing.T) {
	tokens, err := auth.Parse(scopedTokenFile())
	if err != nil {
		t.Fatal(err)
	}
	w := newOrderWorld(t, Config{Tokens: tokens})

	code, body := postAs(t, w.url, "prisons", "klsjekm-token", prisonSample(t, "admission-undertrial"))
	if code != http.StatusAccepted {
		t.Errorf("KLSJEKM's admission with KLSJEKM's token: status %d, want 202; %s", code, body)
	}

	death := prisonSample(t, "death-in-custody")
	code, body = postAs(t, w.url, "prisons", "klsjekm-token", death)
	label := "KLCJVIY's movement with KLSJEKM's token"
	if p, ok := forbiddenProblem(t, label, code, body); ok {
		if len(p.Errors) != 1 || p.Errors[0].Rule != api.RulePrisonScope ||
			!strings.Contains(p.Errors[0].Message, `prison "KLCJVIY"`) ||
			p.Errors[0].Pointer != "/prisoner/prison_code" {
			t.Errorf("%s: errors %+v, want one %s violation naming KLCJVIY and its field",
				label, p.Errors, api.RulePrisonScope)
		}
		wantScopeDetail(t, label, p)
	}
	var found api.FindResponse
	getAsOperator(t, w.url, "/api/v1/messages?source=prisons&sender_message_id=KLCJVIY-MV-2024-003310", &found)
	if len(found.Messages) != 0 {
		t.Errorf("%s: the rejected movement was journaled %d times", label, len(found.Messages))
	}

	code, body = postAs(t, w.url, "prisons", "prisons-hq-token", death)
	if code != http.StatusAccepted {
		t.Errorf("KLCJVIY's movement with the headquarters' token: status %d, want 202; %s", code, body)
	}
}
