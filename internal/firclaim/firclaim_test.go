package firclaim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/firclaim"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the FIR claimer.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&firclaim.FIRs{Journal: store}}
	return s
}

// fir is the police station's FIR sample with its message id set to id
// and, when complainant is set, another complainant.
func fir(t *testing.T, id, complainant string) []byte {
	t.Helper()
	pairs := []string{`"EKM0412-FIR-2025-001187"`, `"` + id + `"`}
	if complainant != "" {
		pairs = append(pairs, `"Anitha Menon"`, `"`+complainant+`"`)
	}
	return ingesttest.Sample(t, "../../adapters/police/testdata/fir.json", pairs...)
}

func TestSecondFIRDocumentRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "police", fir(t, "EKM0412-FIR-A", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	// A resend with the same message id stays a duplicate.
	again, err := s.Accept(ctx, "police", fir(t, "EKM0412-FIR-A", ""), "")
	if err != nil || !again[0].Duplicate {
		t.Fatalf("resend: %+v, %v; want a duplicate", again, err)
	}

	_, err = s.Accept(ctx, "police", fir(t, "EKM0412-FIR-B", "Someone Else"), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("second FIR document: error %v, want an *ingest.ConflictError", err)
	}
	v := conflict.Invalid.Violations[0]
	if v.Pointer != "/fir" || v.Rule != firclaim.RuleFIRExists {
		t.Errorf("violation at %s (%s), want /fir (%s)", v.Pointer, v.Rule, firclaim.RuleFIRExists)
	}
	if !strings.Contains(v.Message, first[0].MessageID) {
		t.Errorf("message %q does not name the first document %s", v.Message, first[0].MessageID)
	}
	found, err := s.Store.Find(ctx, journal.Query{Source: "police", SenderMessageID: "EKM0412-FIR-B"})
	if err != nil || len(found) != 0 {
		t.Errorf("the rejected FIR document was journaled: %v, %v", found, err)
	}
}

// TestReusedIDBeatsFIRExists sends other content under the message id of
// a journaled FIR document: the error is the reuse of the id, not a
// second FIR document for the FIR.
func TestReusedIDBeatsFIRExists(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "police", fir(t, "EKM0412-FIR-A", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(ctx, "police", fir(t, "EKM0412-FIR-A", "Someone Else"), "")
	var reused *journal.ConflictError
	if !errors.As(err, &reused) {
		t.Fatalf("error %v, want a *journal.ConflictError", err)
	}
	if reused.MessageID != first[0].MessageID {
		t.Errorf("conflict names %s, want the first document %s", reused.MessageID, first[0].MessageID)
	}
}

// TestConflictQuotesSenderMessageID registers an FIR under a message id
// with quotation marks, then another document for it: the conflict
// quotes that id, escaping its marks, so the reader sees where it ends.
func TestConflictQuotesSenderMessageID(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Accept(ctx, "police", fir(t, `EKM0412-FIR-\"A\")(B`, ""), ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accept(ctx, "police", fir(t, "EKM0412-FIR-C", "Someone Else"), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("second FIR document: error %v, want an *ingest.ConflictError", err)
	}
	message := conflict.Invalid.Violations[0].Message
	if want := `(sender message id "EKM0412-FIR-\"A\")(B")`; !strings.Contains(message, want) {
		t.Errorf("message %q lacks %s", message, want)
	}
}
