package hub

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/sangam-hub/sangam/internal/orderreply"
	"github.com/sangam-hub/sangam/internal/problem"
)

// productionMovement returns the prisons adapter's testdata court
// production out with each top-level member of set added or replaced.
func productionMovement(t *testing.T, set map[string]any) []byte {
	t.Helper()
	body := readTestdata(t, "../../adapters/prisons/testdata/court_production.json")
	return editJSON(t, body, func(doc map[string]any) {
		for member, value := range set {
			doc[member] = value
		}
	})
}

// TestMovementInReplyToChecked posts court productions of the Sub Jail,
// Ernakulam whose in_reply_to names no order, an order of another kind,
// the warrant with another prison or another prisoner in the movement,
// and a movement. Each gets 400 at /in_reply_to. Those that name the
// production warrant the hub sent the prison are accepted, and a second
// production out naming it gets 409.
func TestMovementInReplyToChecked(t *testing.T) {
	w := newOrderWorld(t, Config{})
	orderID := func(sample string) string {
		t.Helper()
		status, res, body := postOrder(t, w.url, "courts", courtSample(t, sample))
		if status != http.StatusAccepted {
			t.Fatalf("posting %s: status %d, %s", sample, status, body)
		}
		return res.MessageID
	}
	warrant := orderID("production-warrant-undertrial")
	release := orderID("release-order-bail")

	rejected := []struct {
		name string
		set  map[string]any
	}{
		{"unknown id", map[string]any{"in_reply_to": "01K6H2Q8X7"}},
		{"release order", map[string]any{"in_reply_to": release}},
		{"warrant to another prison", map[string]any{"in_reply_to": warrant,
			"prisoner": prisonerAt(t, "KLSJMVP"), "from": map[string]any{"kind": "prison", "code": "KLSJMVP"}}},
		{"warrant for another prisoner", map[string]any{"in_reply_to": warrant,
			"prisoner": numberedPrisoner(t, "UT-9099-2025")}},
	}
	for _, c := range rejected {
		t.Run(c.name, func(t *testing.T) {
			wantInReplyTo(t, w.url, productionMovement(t, c.set))
		})
	}

	status, out, body := post(t, w.url, "prisons", productionMovement(t, map[string]any{"in_reply_to": warrant}))
	if status != http.StatusAccepted {
		t.Fatalf("production out replying to the warrant: status %d, %s", status, body)
	}
	returned := map[string]any{
		"message_id": "KLSJEKM-MV-2025-000413", "kind": "court_production_return",
		"at": "2025-10-03T16:40:00+05:30", "sent_at": "2025-10-03T16:45:00+05:30",
		"from": map[string]any{"kind": "court", "code": "KLER10"},
		"to":   map[string]any{"kind": "prison", "code": "KLSJEKM"},
	}
	returned["in_reply_to"] = out.MessageID
	t.Run("movement", func(t *testing.T) {
		wantInReplyTo(t, w.url, productionMovement(t, returned))
	})
	returned["in_reply_to"] = warrant
	if status, _, body := post(t, w.url, "prisons", productionMovement(t, returned)); status != http.StatusAccepted {
		t.Errorf("production return replying to the warrant: status %d, %s", status, body)
	}

	again := productionMovement(t, map[string]any{"in_reply_to": warrant,
		"message_id": "KLSJEKM-MV-2025-000420", "at": "2025-10-04T09:15:00+05:30",
		"sent_at": "2025-10-04T09:20:00+05:30"})
	status, _, body = post(t, w.url, "prisons", again)
	if status != http.StatusConflict {
		t.Fatalf("second production out replying to the warrant: status %d, want 409; %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 || p.Errors[0].Pointer != "/in_reply_to" ||
		p.Errors[0].Rule != orderreply.RuleOrderCarriedOut {
		t.Errorf("errors %+v, want one %s at /in_reply_to", p.Errors, orderreply.RuleOrderCarriedOut)
	}
}

// numberedPrisoner returns the prisoner of the testdata court production
// with prisoner number.
func numberedPrisoner(t *testing.T, number string) map[string]any {
	t.Helper()
	p := prisonerAt(t, "KLSJEKM")
	p["number"] = number
	return p
}

// prisonerAt returns the prisoner of the testdata court production with
// prison code prison.
func prisonerAt(t *testing.T, prison string) map[string]any {
	t.Helper()
	var doc struct {
		Prisoner map[string]any `json:"prisoner"`
	}
	body := readTestdata(t, "../../adapters/prisons/testdata/court_production.json")
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	doc.Prisoner["prison_code"] = prison
	return doc.Prisoner
}

// wantInReplyTo posts movement as the prisons and checks that it gets
// 400 with one violation of rule in-reply-to at /in_reply_to.
func wantInReplyTo(t *testing.T, hubURL string, movement []byte) {
	t.Helper()
	status, _, body := post(t, hubURL, "prisons", movement)
	if status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 {
		t.Fatalf("errors %+v, want one", p.Errors)
	}
	if got := p.Errors[0]; got.Pointer != "/in_reply_to" || got.Rule != orderreply.RuleInReplyTo {
		t.Errorf("error %s (%s), want /in_reply_to (%s): %s", got.Pointer, got.Rule,
			orderreply.RuleInReplyTo, got.Message)
	}
}
