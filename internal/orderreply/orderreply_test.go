package orderreply_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/orderreply"
	"github.com/sangam-hub/sangam/schemas"
)

// journaled holds the hub ids of the messages that newJournal journals.
type journaled struct {
	// warrant is a production warrant to prison KLSJEKM.
	warrant string
	// release is a release order to prison KLSJEKM.
	release string
	// fir is a police station's FIR, which is no court order.
	fir string
}

// newJournal returns a SQLite journal that holds the mock court's
// production warrant and release order and a police FIR, and their ids.
// newOrders returns Orders over a journal that newJournal fills.
func newOrders(t *testing.T) (*orderreply.Orders, journaled) {
	t.Helper()
	store, ids := newJournal(t)
	return &orderreply.Orders{Journal: store}, ids
}

func newJournal(t *testing.T) (journal.Store, journaled) {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	return store, journaled{
		warrant: accept(t, s, "courts", "../../mocks/court/samples/production-warrant-undertrial.xml"),
		release: accept(t, s, "courts", "../../mocks/court/samples/release-order-bail.xml"),
		fir:     accept(t, s, "police", "../../adapters/police/testdata/fir.json"),
	}
}

// accept journals the file at path as a message of agency and returns
// its hub id.
func accept(t *testing.T, s *ingest.Service, agency, path string) string {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	results, err := s.Accept(context.Background(), agency, body, "")
	if err != nil {
		t.Fatalf("accepting %s: %v", path, err)
	}
	return results[0].MessageID
}

// movement returns a movement of kind of a prisoner of prison, replying
// to the message inReplyTo.
func movement(kind canonical.MovementKind, prison, inReplyTo string) *canonical.Message {
	return &canonical.Message{
		Type: canonical.TypeMovement, CorrelationID: inReplyTo,
		Movement: &canonical.Movement{Kind: kind, Prisoner: canonical.Prisoner{
			PrisonCode: prison, Number: "UT-2231-2025",
		}},
	}
}

// numbered returns movement m with prisoner number.
func numbered(m *canonical.Message, number string) *canonical.Message {
	m.Movement.Prisoner.Number = number
	return m
}

// wantInReplyTo fails t unless err has one violation of rule
// in-reply-to at pointer whose message contains each of want.
func wantInReplyTo(t *testing.T, err error, pointer string, want []string) {
	t.Helper()
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Enrich error = %v, want one violation", err)
	}
	if vs[0].Rule != orderreply.RuleInReplyTo {
		t.Errorf("rule = %q, want %q", vs[0].Rule, orderreply.RuleInReplyTo)
	}
	if vs[0].Pointer != pointer {
		t.Errorf("pointer = %q, want %s", vs[0].Pointer, pointer)
	}
	for _, w := range want {
		if !strings.Contains(vs[0].Message, w) {
			t.Errorf("message %q does not contain %q", vs[0].Message, w)
		}
	}
}

func TestEnrichRejectsWrongOrder(t *testing.T) {
	o, ids := newOrders(t)
	tests := []struct {
		name string
		m    *canonical.Message
		// want are texts that the violation's message contains.
		want []string
	}{
		{"unknown id", movement(canonical.MoveCourtProductionOut, "KLSJEKM", "01K6H2Q8X7"),
			[]string{`"01K6H2Q8X7"`, "not the hub_message_id of any message", "production_warrant"}},
		{"message other than an order", movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.fir),
			[]string{ids.fir, "of a fir message, not of a court order"}},
		{"order of another kind", movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.release),
			[]string{ids.release, "names a release_order", "carries out a production_warrant"}},
		{"release replying to a warrant", movement(canonical.MoveRelease, "KLSJEKM", ids.warrant),
			[]string{"names a production_warrant", "carries out a release_order"}},
		{"order to another prison", movement(canonical.MoveCourtProductionReturn, "KLCJVIY", ids.warrant),
			[]string{"to prison KLSJEKM, not to prison KLCJVIY"}},
		{"order to the prison in lower case", movement(canonical.MoveCourtProductionOut, "klsjekm", ids.warrant),
			[]string{"to prison KLSJEKM, not to prison klsjekm"}},
		{"admission replying to a warrant", movement(canonical.MoveAdmission, "KLSJEKM", ids.warrant),
			[]string{"names a production_warrant, but an admission carries out a committal_order"}},
		{"release of another prisoner", numbered(movement(canonical.MoveRelease, "KLSJEKM", ids.release), "UT-9099"),
			[]string{"release_order for prisoner UT-2231-2025, not for prisoner UT-9099"}},
		{"warrant of another prisoner", numbered(movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant),
			"ut-2231-2025"), []string{"not for prisoner ut-2231-2025"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInReplyTo(t, o.Enrich(context.Background(), tt.m), "/correlation_id", tt.want)
		})
	}
}

func TestEnrichAcceptsOrderCarriedOut(t *testing.T) {
	o, ids := newOrders(t)
	tests := []struct {
		name string
		m    *canonical.Message
	}{
		{"production out", movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant)},
		{"production return", movement(canonical.MoveCourtProductionReturn, "KLSJEKM", ids.warrant)},
		{"release", movement(canonical.MoveRelease, "KLSJEKM", ids.release)},
		{"no in_reply_to", movement(canonical.MoveCourtProductionOut, "KLSJEKM", "")},
		// The prisons adapter rejects in_reply_to on such a movement.
		{"movement that carries out no order", movement(canonical.MoveDeath, "KLSJEKM", "01K6H2Q8X7")},
		{"other message", &canonical.Message{Type: canonical.TypeFIR, CorrelationID: "01K6H2Q8X7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.m
			if err := o.Enrich(context.Background(), tt.m); err != nil {
				t.Fatalf("Enrich: %v", err)
			}
			if tt.m.CorrelationID != before.CorrelationID {
				t.Errorf("correlation id = %q, want it unchanged, %q", tt.m.CorrelationID, before.CorrelationID)
			}
		})
	}
}

// failingJournal is a journal whose Journey fails.
type failingJournal struct {
	journal.Store
}

var errJournal = errors.New("journal unavailable")

func (failingJournal) Journey(context.Context, string) (journal.Journey, error) {
	return journal.Journey{}, errJournal
}

func TestEnrichJournalFailure(t *testing.T) {
	store, ids := newJournal(t)
	o := &orderreply.Orders{Journal: failingJournal{store}}
	err := o.Enrich(context.Background(), movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant))
	if !errors.Is(err, errJournal) {
		t.Fatalf("Enrich error = %v, want one wrapping the journal's error", err)
	}
	if vs := schemas.Violations(err); vs != nil {
		t.Errorf("Enrich error has violations %v, want a journal error only", vs)
	}
}

// withGround returns movement m with release ground g.
func withGround(m *canonical.Message, g canonical.ReleaseGround) *canonical.Message {
	m.Movement.ReleaseGround = g
	return m
}

// atCourt returns movement m with court code at its end "from" or "to".
func atCourt(m *canonical.Message, end, code string) *canonical.Message {
	l := canonical.Location{Kind: canonical.LocationCourt, Code: code}
	if end == "from" {
		m.Movement.From = l
	} else {
		m.Movement.To = l
	}
	return m
}

func TestEnrichRejectsOtherTerms(t *testing.T) {
	o, ids := newOrders(t)
	tests := []struct {
		name    string
		m       *canonical.Message
		pointer string
		want    []string
	}{
		{"release on another ground",
			withGround(movement(canonical.MoveRelease, "KLSJEKM", ids.release), canonical.ReleaseAcquittal),
			"/prisoner_movement/release_ground",
			[]string{"release_ground is acquittal", ids.release, "on the ground of bail", "give release_ground bail"}},
		{"production out to another court",
			atCourt(movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant), "to", "KLER11"),
			"/prisoner_movement/to/code",
			[]string{"to.code is court KLER11", "production_warrant of court KLER10", "give to.code KLER10"}},
		{"production return from another court",
			atCourt(movement(canonical.MoveCourtProductionReturn, "KLSJEKM", ids.warrant), "from", "KLER11"),
			"/prisoner_movement/from/code",
			[]string{"from.code is court KLER11", "production_warrant of court KLER10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantInReplyTo(t, o.Enrich(context.Background(), tt.m), tt.pointer, tt.want)
		})
	}
}

func TestEnrichAcceptsSameTerms(t *testing.T) {
	o, ids := newOrders(t)
	tests := []struct {
		name string
		m    *canonical.Message
	}{
		{"release on the order's ground",
			withGround(movement(canonical.MoveRelease, "KLSJEKM", ids.release), canonical.ReleaseBail)},
		{"production out to the issuing court",
			atCourt(movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant), "to", "KLER10")},
		{"production return from the issuing court",
			atCourt(movement(canonical.MoveCourtProductionReturn, "KLSJEKM", ids.warrant), "from", "KLER10")},
		// A production out's from end is the prison, not the court.
		{"production out from a court code",
			atCourt(movement(canonical.MoveCourtProductionOut, "KLSJEKM", ids.warrant), "from", "KLER11")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := o.Enrich(context.Background(), tt.m); err != nil {
				t.Fatalf("Enrich: %v", err)
			}
		})
	}
}
