package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// prisonMovement returns the prisons adapter's testdata movement name
// with each member of set added or replaced.
func prisonMovement(t *testing.T, name string, set map[string]any) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readTestdata(t, "../../adapters/prisons/testdata/"+name+".json"), &doc); err != nil {
		t.Fatal(err)
	}
	for member, value := range set {
		doc[member] = value
	}
	return jsonBody(t, doc)
}

func TestInboundMovementHubFieldsRejected(t *testing.T) {
	h := newSampleHub(t, true)
	body := prisonMovement(t, "death_in_custody", map[string]any{
		"hub_message_id": "01K6H2Q8X7", "source_agency": "courts", "in_reply_to": "01K6H2Q8X7",
	})
	p := wantProblem(t, postAs(t, h.url, "prisons", prisonsToken, body), problem.Invalid)
	want := []struct{ pointer, rule string }{
		{"/hub_message_id", "hub-only"},
		{"/in_reply_to", "in-reply-to"},
		{"/source_agency", "hub-only"},
	}
	if len(p.Errors) != len(want) {
		t.Fatalf("errors %+v, want %d", p.Errors, len(want))
	}
	for i, w := range want {
		if got := p.Errors[i]; got.Pointer != w.pointer || got.Rule != w.rule {
			t.Errorf("error %d = %s (%s), want %s (%s)", i, got.Pointer, got.Rule, w.pointer, w.rule)
		}
	}

	found, err := h.store.Find(context.Background(), journal.Query{Source: "prisons"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 0 {
		t.Errorf("the rejected movement was journaled: %+v", found)
	}
}

func TestInboundProductionRepliesToWarrant(t *testing.T) {
	h := newSampleHub(t, true)
	body := prisonMovement(t, "court_production", map[string]any{"in_reply_to": "01K6H2Q8X7"})
	r := postAs(t, h.url, "prisons", prisonsToken, body)
	if r.status != http.StatusAccepted {
		t.Fatalf("status %d, want 202; body %s", r.status, r.body)
	}
	var accepted api.InboundResponse
	if err := json.Unmarshal(r.body, &accepted); err != nil {
		t.Fatal(err)
	}

	found, err := h.store.Find(context.Background(), journal.Query{CorrelationID: "01K6H2Q8X7"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].MessageID != accepted.MessageID {
		t.Errorf("messages replying to 01K6H2Q8X7 = %+v, want only %s", found, accepted.MessageID)
	}
}
