package movementclaim_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the movement claimer as claimer and guard.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	movements := &movementclaim.Movements{Journal: store}
	s.Claimers = []ingest.Claimer{movements}
	s.Guards = []ingest.Guard{movements}
	return s
}

// microsecondClaims is the movement claimer without the
// ClaimMovementSecond claim, as movements journaled before that claim
// existed hold only the ClaimMovement claim.
type microsecondClaims struct{ *movementclaim.Movements }

func (c microsecondClaims) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	claims, releases := c.Movements.Claims(m)
	return slices.DeleteFunc(claims, func(claim journal.Claim) bool {
		return claim.Kind != movementclaim.ClaimMovement
	}), releases
}

// wantMovementExists fails t unless err is a movement-exists conflict
// that names the report with hub message id first.
func wantMovementExists(t *testing.T, err error, first string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != movementclaim.RuleMovementExists {
		t.Fatalf("error %v, want a %s conflict", err, movementclaim.RuleMovementExists)
	}
	if !strings.Contains(err.Error(), first) {
		t.Errorf("error %q does not name the first report %s", err, first)
	}
}

// release is the prisons' release sample with its message id set to id
// and, when at is set, another release time.
func release(t *testing.T, id, at string) []byte {
	t.Helper()
	pairs := []string{`"KLSJEKM-MV-2025-000467"`, `"` + id + `"`}
	if at != "" {
		pairs = append(pairs, `"at": "2025-10-18T17:45:00+05:30"`, `"at": "`+at+`"`)
	}
	return ingesttest.Sample(t, "../../adapters/prisons/testdata/release_bail.json", pairs...)
}

func TestSecondReportOfMovementRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "prisons", release(t, "MV-A", ""), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(ctx, "prisons", release(t, "MV-B", ""), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != movementclaim.RuleMovementExists {
		t.Fatalf("second report of the release: error %v, want a %s conflict", err, movementclaim.RuleMovementExists)
	}
	if !strings.Contains(err.Error(), first[0].MessageID) {
		t.Errorf("error %q does not name the first report %s", err, first[0].MessageID)
	}
	found, err := s.Store.Find(ctx, journal.Query{Source: "prisons", SenderMessageID: "MV-B"})
	if err != nil || len(found) != 0 {
		t.Errorf("the second report was journaled: %v, %v", found, err)
	}
	// The same prisoner released at another time is another movement.
	if _, err := s.Accept(ctx, "prisons", release(t, "MV-C", "2025-10-18T17:50:00+05:30"), ""); err != nil {
		t.Errorf("a release at another time: %v", err)
	}
}

func TestResendWithinSecondRejected(t *testing.T) {
	for _, c := range []struct{ name, first, resend string }{
		{"half a second later", "2025-10-18T17:45:00+05:30", "2025-10-18T17:45:00.5+05:30"},
		{"rounded down", "2025-10-18T17:45:00.5+05:30", "2025-10-18T17:45:00+05:30"},
		{"rounded up across the second", "2025-10-18T17:45:00.7+05:30", "2025-10-18T17:45:01+05:30"},
		{"same instant in UTC", "2025-10-18T17:45:00+05:30", "2025-10-18T12:15:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newService(t)
			ctx := context.Background()
			first, err := s.Accept(ctx, "prisons", release(t, "MV-A", c.first), "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Accept(ctx, "prisons", release(t, "MV-B", c.resend), "")
			wantMovementExists(t, err, first[0].MessageID)
		})
	}
}

func TestReleaseOneSecondLaterAccepted(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Accept(ctx, "prisons", release(t, "MV-A", "2025-10-18T17:45:00.5+05:30"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accept(ctx, "prisons", release(t, "MV-B", "2025-10-18T17:45:01.5+05:30"), ""); err != nil {
		t.Errorf("a release one second later: %v", err)
	}
}

// TestSecondClaimCatchesResend leaves the guard out, so only the claim
// of the second can reject the resend, as it does for two reports
// journaled at the same moment, which both pass the guard.
func TestSecondClaimCatchesResend(t *testing.T) {
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}}
	ctx := context.Background()
	first, err := s.Accept(ctx, "prisons", release(t, "MV-A", "2025-10-18T17:45:00.25+05:30"), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(ctx, "prisons", release(t, "MV-B", "2025-10-18T17:45:00.75+05:30"), "")
	wantMovementExists(t, err, first[0].MessageID)
}

// TestResendOfMicrosecondClaimRejected journals a release with the
// ClaimMovement claim alone, as a journal written before the claim of
// the second holds it, and resends it half a second later.
func TestResendOfMicrosecondClaimRejected(t *testing.T) {
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	movements := &movementclaim.Movements{Journal: store}
	s.Claimers = []ingest.Claimer{microsecondClaims{movements}}
	ctx := context.Background()
	first, err := s.Accept(ctx, "prisons", release(t, "MV-A", "2025-10-18T17:45:00+05:30"), "")
	if err != nil {
		t.Fatal(err)
	}

	s.Claimers = []ingest.Claimer{movements}
	s.Guards = []ingest.Guard{movements}
	_, err = s.Accept(ctx, "prisons", release(t, "MV-B", "2025-10-18T17:45:00.5+05:30"), "")
	wantMovementExists(t, err, first[0].MessageID)
	again, err := s.Accept(ctx, "prisons", release(t, "MV-A", "2025-10-18T17:45:00+05:30"), "")
	if err != nil || !again[0].Duplicate {
		t.Errorf("the first report sent again: %+v, %v; want a duplicate", again, err)
	}
}

func TestSecondKeyRoundsDown(t *testing.T) {
	at := time.Date(2025, 10, 18, 17, 45, 0, 999_999_000, time.FixedZone("IST", 19800))
	got := movementclaim.SecondKey("KLSJEKM", "UT-1", canonical.MoveRelease, at)
	if want := "KLSJEKM/UT-1/release/1760789700"; got != want {
		t.Errorf("SecondKey = %q, want %q", got, want)
	}
}

func TestResendOfBuiltIDNamesItsParts(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	report := func(at string) []byte {
		return ingesttest.Sample(t, "../../adapters/prisons/testdata/release_report.xml",
			"<n:DateTime>2025-10-18T17:45:00+05:30</n:DateTime>", "<n:DateTime>"+at+"</n:DateTime>")
	}
	first, err := s.Accept(ctx, "prisons", report("2025-10-18T17:45:00+05:30"), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(ctx, "prisons", report("2025-10-18T17:45:00.3+05:30"), "")
	var reused *journal.ConflictError
	if !errors.As(err, &reused) {
		t.Fatalf("resend with the time in tenths: error %v, want a reused id conflict", err)
	}
	msg := err.Error()
	for _, want := range []string{
		first[0].MessageID, "the hub built from the report type", "no nc:DocumentIdentification",
		"one movement, which the hub holds already",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "give the new message an id of its own") {
		t.Errorf("error %q asks for an id that the sender did not write", msg)
	}
}

// TestConflictQuotesSenderMessageID sends a release twice, the first
// under a message id with a right-to-left override and an Aadhaar number
// in Devanagari digits. The conflict quotes that id in ASCII, so the
// override shows as an escape, with the number masked, and the problem
// masking has nothing left to mask.
func TestConflictQuotesSenderMessageID(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	// The prisons adapter rejects control, invisible and bidi characters
	// in sender ids but lets an Aadhaar number through, which the
	// conflict message must not repeat.
	const id = "MV-A 4918 7362 5403"
	if _, err := s.Accept(ctx, "prisons", release(t, id, ""), ""); err != nil {
		t.Fatal(err)
	}
	_, err := s.Accept(ctx, "prisons", release(t, "MV-B", ""), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %v, want a conflict", err)
	}
	message := conflict.Invalid.Violations[0].Message
	for _, want := range []string{`sender message id "MV-A XXXXXXXX5403"`, `prisoner "UT-2231-2025"`} {
		if !strings.Contains(message, want) {
			t.Errorf("message %q lacks %s", message, want)
		}
	}
	if masked, ok := canonical.MaskAadhaarInText(message); ok {
		t.Errorf("message %q still holds an Aadhaar number: masked, it is %q", message, masked)
	}
}
