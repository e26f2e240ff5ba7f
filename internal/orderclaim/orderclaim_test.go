package orderclaim_test

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
	"github.com/sangam-hub/sangam/internal/orderclaim"
)

const (
	sample     = "../../adapters/courts/testdata/order_production_warrant.xml"
	sampleID   = "KLER10-ORD-2025-000451"
	orderPath  = "/CourtOrderReport/Warrant"
	numberPath = orderPath + "/ActivityIdentification/IdentificationID"
	datePath   = orderPath + "/CourtOrderIssuingDate/Date"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the court order claimer.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&orderclaim.Orders{Journal: store}}
	return s
}

// warrant is the courts' production warrant sample with document id id
// and each text of pairs, given as old and new, replaced once.
func warrant(t *testing.T, id string, pairs ...string) []byte {
	t.Helper()
	return ingesttest.Sample(t, sample, append([]string{sampleID, id}, pairs...)...)
}

// unnumbered is warrant without the court's order number.
func unnumbered(t *testing.T, id string, pairs ...string) []byte {
	t.Helper()
	number := `<nc:ActivityIdentification>
      <nc:IdentificationID>PW 45/2025</nc:IdentificationID>
    </nc:ActivityIdentification>`
	return warrant(t, id, append([]string{number, ""}, pairs...)...)
}

// wantOrderExists fails t unless err is an order-exists conflict at
// pointer that names sender message id first.
func wantOrderExists(t *testing.T, err error, pointer, first string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %v, want a %s conflict", err, orderclaim.RuleOrderExists)
	}
	v := conflict.Invalid.Violations[0]
	if v.Rule != orderclaim.RuleOrderExists {
		t.Errorf("rule %q, want %q", v.Rule, orderclaim.RuleOrderExists)
	}
	if v.Pointer != pointer {
		t.Errorf("pointer %q, want %q", v.Pointer, pointer)
	}
	if !strings.Contains(v.Message, `sender message id "`+first+`"`) {
		t.Errorf("message %q does not name sender message id %s", v.Message, first)
	}
}

func TestResentOrderRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "courts", warrant(t, "ORD-1"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ORD-2", "ORD-3"} {
		_, err := s.Accept(ctx, "courts", warrant(t, id), "")
		wantOrderExists(t, err, numberPath, "ORD-1")
		if err != nil && !strings.Contains(err.Error(), first[0].MessageID) {
			t.Errorf("error %q does not name hub message %s", err, first[0].MessageID)
		}
		found, err := s.Store.Find(ctx, journal.Query{Source: "courts", SenderMessageID: id})
		if err != nil || len(found) != 0 {
			t.Errorf("%s was journaled: %v, %v", id, found, err)
		}
	}

	again, err := s.Accept(ctx, "courts", warrant(t, "ORD-1"), "")
	if err != nil || !again[0].Duplicate || again[0].MessageID != first[0].MessageID {
		t.Errorf("the first document sent again: %+v, %v; want a duplicate of %s", again, err, first[0].MessageID)
	}
}

func TestOtherOrdersAccepted(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Accept(ctx, "courts", warrant(t, "ORD-1"), ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"another order number", warrant(t, "ORD-2", "PW 45/2025", "PW 46/2025")},
		{"another prisoner under the number", warrant(t, "ORD-3", "UT-2231-2025", "UT-2232-2025")},
		{"another court", warrant(t, "ORD-4", "<nc:IdentificationID>KLER10</nc:IdentificationID>",
			"<nc:IdentificationID>KLER11</nc:IdentificationID>")},
	} {
		if _, err := s.Accept(ctx, "courts", c.body, ""); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestResentUnnumberedOrderRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Accept(ctx, "courts", unnumbered(t, "ORD-1"), ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accept(ctx, "courts", unnumbered(t, "ORD-2"), "")
	wantOrderExists(t, err, datePath, "ORD-1")

	// A warrant for another day of production is another order.
	later := unnumbered(t, "ORD-3", "<nc:Date>2025-10-03</nc:Date>", "<nc:Date>2025-10-06</nc:Date>")
	if _, err := s.Accept(ctx, "courts", later, ""); err != nil {
		t.Errorf("a warrant for another day: %v", err)
	}
}

func TestResentTimedOrderPointsAtTime(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	timed := []string{"<j:CourtOrderIssuingDate>\n      <nc:Date>2025-10-01</nc:Date>",
		"<j:CourtOrderIssuingDate>\n      <nc:DateTime>2025-10-01T15:30:00+05:30</nc:DateTime>"}
	if _, err := s.Accept(ctx, "courts", unnumbered(t, "ORD-1", timed...), ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accept(ctx, "courts", unnumbered(t, "ORD-2", timed...), "")
	wantOrderExists(t, err, orderPath+"/CourtOrderIssuingDate/DateTime", "ORD-1")

	other := []string{timed[0], strings.Replace(timed[1], "15:30", "16:30", 1)}
	if _, err := s.Accept(ctx, "courts", unnumbered(t, "ORD-3", other...), ""); err != nil {
		t.Errorf("an order made an hour later: %v", err)
	}
}

func TestRuleDocumented(t *testing.T) {
	for _, path := range []string{"../../README.md", "../api/openapi.yaml"} {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "`"+orderclaim.RuleOrderExists+"`") {
			t.Errorf("%s does not name rule %s", path, orderclaim.RuleOrderExists)
		}
	}
}

// TestKeyOfNumberedOrder checks the key of a numbered order against the
// one that the journals' migrations write for orders journaled before
// the claims: court, kind, prison, prisoner number, then the number.
func TestKeyOfNumberedOrder(t *testing.T) {
	m := canonical.Message{Type: canonical.TypeCourtOrder, CourtOrder: &canonical.CourtOrder{
		Kind: canonical.OrderProductionWarrant, Number: "PW 45/2026",
		Court:    canonical.Court{Code: "KLER10"},
		Prisoner: canonical.Prisoner{PrisonCode: "KLSJEKM", Number: "UT-1"},
	}}
	const want = "KLER10/production_warrant/KLSJEKM/UT-1/number/PW 45/2026"
	for _, number := range []string{"PW 45/2026", "pw 45/2026", "PW 45\u200b/2026", "P\u034fW 45/2026"} {
		m.CourtOrder.Number = number
		key, ok := orderclaim.KeyOf(&m)
		if key != want || !ok {
			t.Errorf("KeyOf with number %+q = %q, %v; want %q, true", number, key, ok, want)
		}
	}
}

func TestChangedOrderWithBuiltIDNamesItsParts(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	noID := `<nc:DocumentIdentification>
    <nc:IdentificationID>KLER10-ORD-2025-000451</nc:IdentificationID>
  </nc:DocumentIdentification>`
	first, err := s.Accept(ctx, "courts", ingesttest.Sample(t, sample, noID, ""), "")
	if err != nil {
		t.Fatal(err)
	}
	changed := ingesttest.Sample(t, sample, noID, "", "Smt. Leena R.", "Smt. Leena R. Nair")
	_, err = s.Accept(ctx, "courts", changed, "")
	var reused *journal.ConflictError
	if !errors.As(err, &reused) {
		t.Fatalf("changed order without a document id: error %v, want a reused id conflict", err)
	}
	msg := err.Error()
	for _, want := range []string{
		first[0].MessageID, "the hub built from the court code and the order number",
		"no nc:DocumentIdentification", "nc:ActivityIdentification",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

func TestOrderExistsQuotesBothNumbers(t *testing.T) {
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	orders := &orderclaim.Orders{Journal: store}
	s.Claimers = []ingest.Claimer{orders}
	ctx := context.Background()
	first, err := s.Accept(ctx, "courts", warrant(t, "ORD-1"), "")
	if err != nil {
		t.Fatal(err)
	}
	journaled, err := store.Journey(ctx, first[0].MessageID)
	if err != nil {
		t.Fatal(err)
	}

	// The number is one that an earlier hub accepted, with a word joiner
	// and a right-to-left override in it.
	m := journaled.Message
	order := *m.CourtOrder
	order.Number = "pw 45\u2060/\u202e2025"
	m.CourtOrder = &order
	err = orders.Reject(ctx, &m, &journal.ClaimedError{Holder: first[0].MessageID})
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Reject: error %v, want a %s conflict", err, orderclaim.RuleOrderExists)
	}
	msg := conflict.Invalid.Violations[0].Message
	if strings.ContainsAny(msg, "\u2060\u202e") {
		t.Errorf("message %q quotes the invisible characters raw", msg)
	}
	for _, want := range []string{
		`production_warrant "pw 45\u2060/\u202e2025"`,
		`numbered "PW 45/2025"`,
		`prisoner "UT-2231-2025"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %s", msg, want)
		}
	}
}
