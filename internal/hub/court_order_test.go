package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/orderclaim"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/prison"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// orderWorld is a hub on the embedded default routes with the mock
// prison system on loopback in place of port 8407.
type orderWorld struct {
	url    string
	prison *prison.Prison
}

func newOrderWorld(t *testing.T, cfg Config) *orderWorld {
	t.Helper()
	p := prison.New(quietLog())
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	doc := strings.ReplaceAll(string(routes.DefaultDocument()), "http://127.0.0.1:8407/", srv.URL+"/")
	if !strings.Contains(doc, srv.URL+"/prisons/KLSJEKM/orders") {
		t.Fatal("the default routes have no destination for the Sub Jail, Ernakulam on port 8407")
	}
	cfg.Routes = []byte(doc)
	cfg.DataDir = t.TempDir()
	h := startHub(t, cfg)
	return &orderWorld{url: "http://" + h.Addr(), prison: p}
}

// courtSample returns the mock court's order named name.
func courtSample(t *testing.T, name string) []byte {
	t.Helper()
	for _, s := range court.Samples() {
		if s.Name == name {
			return s.Body
		}
	}
	t.Fatalf("no court sample %q", name)
	return nil
}

// postOrder sends a court's XML order to the hub as agency.
func postOrder(t *testing.T, hubURL, agency string, body []byte) (int, api.InboundResponse, []byte) {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/inbound/"+agency, "application/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out api.InboundResponse
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("decoding answer %s: %v", data, err)
		}
	}
	return resp.StatusCode, out, data
}

func TestCourtOrderReachesPrisonSQLite(t *testing.T) {
	testCourtOrderToPrison(t, Config{})
}

func TestCourtOrderReachesPrisonPostgres(t *testing.T) {
	testCourtOrderToPrison(t, Config{PostgresDSN: postgresDSN(t)})
}

func testCourtOrderToPrison(t *testing.T, cfg Config) {
	w := newOrderWorld(t, cfg)
	warrant := courtSample(t, "production-warrant-undertrial")
	status, res, body := postOrder(t, w.url, "courts", warrant)
	if status != http.StatusAccepted {
		t.Fatalf("inbound status = %d, body %s", status, body)
	}

	j := settledJourney(t, w.url, res.MessageID)
	if j.Status != "delivered" || j.Type != canonical.TypeCourtOrder {
		t.Fatalf("journey: type %s status %s, deliveries %+v", j.Type, j.Status, j.Deliveries)
	}
	if len(j.Deliveries) != 1 || j.Deliveries[0].Destination != "prison-klsjekm" {
		t.Fatalf("deliveries = %+v, want one to prison-klsjekm", j.Deliveries)
	}
	if j.CaseKey != "FIR/KL/EKM/EKM0412/2025/1187" {
		t.Errorf("case key = %q, want the FIR's", j.CaseKey)
	}

	orders := w.prison.OrdersFor("KLSJEKM")
	if len(orders) != 1 {
		t.Fatalf("the Sub Jail, Ernakulam received %d orders, want 1", len(orders))
	}
	delivered := orders[0]
	if delivered.Key == "" {
		t.Error("the order arrived without an Idempotency-Key")
	}
	if err := schemas.Validate("prisons/court_order.json", delivered.Body); err != nil {
		t.Errorf("delivered order fails the prison schema: %v", err)
	}
	var doc struct {
		Kind     string `json:"kind"`
		AppearOn string `json:"appear_on"`
		Prisoner struct {
			Number string `json:"number"`
		} `json:"prisoner"`
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(delivered.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Kind != "production_warrant" || doc.AppearOn != "2025-10-03" || doc.Prisoner.Number != "UT-2231-2025" {
		t.Errorf("delivered order = %+v, want the production of UT-2231-2025 on 2025-10-03", doc)
	}
	if doc.MessageID != "KLER10-ORD-2025-000451" {
		t.Errorf("delivered message_id = %q, want the court's document id", doc.MessageID)
	}
	if bytes.Contains(delivered.Body, []byte("586301729436")) {
		t.Error("the prison received the Aadhaar number in clear")
	}

	status, again, _ := postOrder(t, w.url, "courts", warrant)
	if status != http.StatusOK || again.MessageID != res.MessageID {
		t.Errorf("repeated order: status %d id %q, want 200 and %q", status, again.MessageID, res.MessageID)
	}
	if n := len(w.prison.Received()); n != 1 {
		t.Errorf("the prison system holds %d orders after a repeat, want 1", n)
	}
}

func TestCourtOrdersGoToTheirPrisons(t *testing.T) {
	w := newOrderWorld(t, Config{})
	remand := courtSample(t, "remand-warrant-viyyur")
	elsewhere := bytes.ReplaceAll(courtSample(t, "release-order-bail"), []byte(">KLSJEKM<"), []byte(">KLSJMVP<"))
	cases := []struct {
		name        string
		body        []byte
		destination string
		prison      string
	}{
		{"remand to Viyyur", remand, "prison-klcjviy", "KLCJVIY"},
		{"release from a prison without a route", elsewhere, "prisons-headquarters-kerala", "KLSJMVP"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, res, body := postOrder(t, w.url, "courts", c.body)
			if status != http.StatusAccepted {
				t.Fatalf("inbound status = %d, body %s", status, body)
			}
			j := settledJourney(t, w.url, res.MessageID)
			if len(j.Deliveries) != 1 || j.Deliveries[0].Destination != c.destination ||
				j.Deliveries[0].Status != "delivered" {
				t.Fatalf("deliveries = %+v, want one delivered to %s", j.Deliveries, c.destination)
			}
			if n := len(w.prison.OrdersFor(c.prison)); n != 1 {
				t.Errorf("prison %s received %d orders, want 1", c.prison, n)
			}
		})
	}
}

func TestInvalidCourtOrderRejectedAndNothingStored(t *testing.T) {
	w := newOrderWorld(t, Config{})
	status, _, body := postOrder(t, w.url, "courts", courtSample(t, "invalid-production-warrant"))
	if status != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400; body %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	const warrant = "/CourtOrderReport/Warrant"
	want := map[string]string{ // pointer -> rule
		warrant + "/CourtOrderDesignatedSubject/SubjectCorrectionsIdentification/IdentificationID": "required",
		warrant + "/CourtOrderEnforcementAgency/OrganizationIdentification/IdentificationID":       "required",
		warrant + "/CourtAppearance/CourtAppearanceDate":                                           "chronology",
	}
	for pointer, rule := range want {
		if !hasViolation(p, pointer, rule) {
			t.Errorf("no %q violation at %q in %+v", rule, pointer, p.Errors)
		}
	}

	var found api.FindResponse
	getJSON(t, w.url, "/api/v1/messages?source=courts", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal holds %d messages after a rejected one", len(found.Messages))
	}
	if n := len(w.prison.Received()); n != 0 {
		t.Errorf("the prison system received %d orders after a rejected one", n)
	}
}

// TestResentCourtOrderDeliveredOnce posts one production warrant five
// times under new document ids: the prison gets it once, and each
// resend gets 409 at the order number, naming the first document.
func TestResentCourtOrderDeliveredOnce(t *testing.T) {
	w := newOrderWorld(t, Config{})
	warrant := courtSample(t, "production-warrant-undertrial")
	const number = "/CourtOrderReport/Warrant/ActivityIdentification/IdentificationID"
	var first string
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("KLER10-ORD-R-%d", i)
		body := bytes.Replace(warrant, []byte("KLER10-ORD-2025-000451"), []byte(id), 1)
		status, res, data := postOrder(t, w.url, "courts", body)
		if i == 1 {
			if status != http.StatusAccepted {
				t.Fatalf("first post: status %d, want 202; %s", status, data)
			}
			first = res.MessageID
			settledJourney(t, w.url, first)
			continue
		}
		if status != http.StatusConflict {
			t.Errorf("%s: status %d, want 409; %s", id, status, data)
			continue
		}
		var p problem.Problem
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		if !hasViolation(p, number, orderclaim.RuleOrderExists) {
			t.Errorf("%s: no %s violation at %s in %+v", id, orderclaim.RuleOrderExists, number, p.Errors)
		}
		if !strings.Contains(string(data), "KLER10-ORD-R-1") {
			t.Errorf("%s: the problem does not name the first document: %s", id, data)
		}
	}

	status, again, _ := postOrder(t, w.url, "courts",
		bytes.Replace(warrant, []byte("KLER10-ORD-2025-000451"), []byte("KLER10-ORD-R-1"), 1))
	if status != http.StatusOK || again.MessageID != first {
		t.Errorf("the first document again: status %d id %q, want 200 and %q", status, again.MessageID, first)
	}
	if n := len(w.prison.OrdersFor("KLSJEKM")); n != 1 {
		t.Errorf("the Sub Jail, Ernakulam received %d orders, want 1", n)
	}
}

// TestResentOrderWithC1ControlRejected resends a production warrant with
// the C1 control U+0085 in its order number. The character is written as
// a character reference with leading zeros, which XML allows. The hub
// rejects it at the order number instead of taking it for a new order.
func TestResentOrderWithC1ControlRejected(t *testing.T) {
	w := newOrderWorld(t, Config{})
	warrant := courtSample(t, "production-warrant-undertrial")
	status, first, data := postOrder(t, w.url, "courts", warrant)
	if status != http.StatusAccepted {
		t.Fatalf("first post: status %d, want 202; %s", status, data)
	}
	settledJourney(t, w.url, first.MessageID)

	number := courtOrderNumber(t, warrant)
	resend := bytes.Replace(warrant, []byte("KLER10-ORD-2025-000451"), []byte("KLER10-ORD-R-C1"), 1)
	resend = bytes.Replace(resend, []byte(">"+number+"<"),
		[]byte(">"+number[:2]+"&#x0000000085;"+number[2:]+"<"), 1)
	status, _, data = postOrder(t, w.url, "courts", resend)
	if status != http.StatusBadRequest {
		t.Fatalf("resend: status %d, want 400; %s", status, data)
	}
	var p problem.Problem
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	const pointer = "/CourtOrderReport/Warrant/ActivityIdentification/IdentificationID"
	if !hasViolation(p, pointer, "control-character") {
		t.Errorf("no control-character violation at %s in %+v", pointer, p.Errors)
	}
	if n := len(w.prison.OrdersFor("KLSJEKM")); n != 1 {
		t.Errorf("the Sub Jail, Ernakulam received %d orders, want 1", n)
	}
}

// courtOrderNumber returns the order number of the court's XML order.
func courtOrderNumber(t *testing.T, order []byte) string {
	t.Helper()
	const open = "<nc:ActivityIdentification>"
	s := string(order)
	i := strings.Index(s, open)
	if i < 0 {
		t.Fatal("the order has no nc:ActivityIdentification")
	}
	rest := s[i+len(open):]
	start := strings.Index(rest, "<nc:IdentificationID>") + len("<nc:IdentificationID>")
	end := strings.Index(rest, "</nc:IdentificationID>")
	if start < len("<nc:IdentificationID>") || end < start {
		t.Fatal("the order's nc:ActivityIdentification has no nc:IdentificationID")
	}
	return rest[start:end]
}
