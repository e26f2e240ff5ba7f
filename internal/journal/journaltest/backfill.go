package journaltest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// ClaimRow is a row of a store's claims table.
type ClaimRow struct {
	Kind, Key, MessageID string
}

// ClaimsBackfill returns entries journaled before a store had claims, in
// the order to accept them, and the claims that the migration adding the
// claims table must fill in for them, sorted by kind and key. stale are
// the claims that an earlier build of that migration left, which the
// migration that repairs them must turn into want.
//
// Two reports of one release and one of another are journaled, and two
// FIR documents for one FIR, of which the first holds it, and one for
// another. Two originals and two supplementary reports
// numbered 1 are filed for the first FIR. The first of each holds the claim, although a court other
// than its own claimed to reject the original. Another FIR has only a
// supplementary report. A third has an original that its court
// returned, and a corrected one, which holds the claim. A passport file has two requests, the newer
// open; another has a report on its request; a third has only the hub's
// escalation. Two copies of one numbered court order are journaled, of
// which the first holds it, and one order without a number. Two memos of
// one arrest of an accused with a CCTNS person id are journaled, of
// which the first holds it, and one of an accused without one.
func ClaimsBackfill() (entries []journal.Entry, want, stale []ClaimRow) {
	t0 := time.Date(2026, time.March, 15, 3, 30, 0, 0, time.UTC)
	add := func(source string, m canonical.Message) string {
		m.ID = uuid.NewString()
		m.Source = source
		m.SenderMessageID = fmt.Sprintf("old-%d", len(entries))
		m.SchemaVersion = canonical.SchemaVersion
		m.OccurredAt = t0
		m.ReceivedAt = t0.Add(time.Duration(len(entries)) * time.Minute)
		entries = append(entries, journal.Entry{Message: m, Raw: []byte("{}"),
			ContentType: "application/json", RoutesVersion: "old"})
		return m.ID
	}
	fir := canonical.FIRRef{State: "KL", District: "TVM", PoliceStation: "0042", Year: 2026, Number: 117}
	other := fir
	other.Number = 118
	court := canonical.Court{Code: "KLER10"}
	report := func(f canonical.FIRRef, supplementary int) canonical.Message {
		return canonical.Message{Type: canonical.TypeChargesheet, CaseKey: f.Key(),
			Chargesheet: &canonical.Chargesheet{FIR: &f, Kind: canonical.FinalChargesheet,
				Supplementary: supplementary, Court: court}}
	}
	callback := func(f canonical.FIRRef, report, courtCode, status string) canonical.Message {
		return canonical.Message{Type: canonical.TypeCourtRegistration, CorrelationID: report,
			CaseKey: f.Key(), CourtRegistration: &canonical.CourtRegistration{FIR: &f,
				Court: canonical.Court{Code: courtCode}, Status: status}}
	}
	request := func(file string, escalated bool) canonical.Message {
		return canonical.Message{Type: canonical.TypeVerificationRequest,
			CaseKey:             canonical.PassportCaseKey(file),
			VerificationRequest: &canonical.VerificationRequest{FileNumber: file, Escalated: escalated}}
	}

	firDocument := func(f canonical.FIRRef) canonical.Message {
		return canonical.Message{Type: canonical.TypeFIR, CaseKey: f.Key(),
			FIR: &canonical.FIR{Ref: f, RegisteredAt: t0}}
	}
	movement := func(number string) canonical.Message {
		p := canonical.Prisoner{PrisonCode: "KLSJEKM", Number: number}
		return canonical.Message{Type: canonical.TypeMovement, CaseKey: p.CaseKey(),
			Movement: &canonical.Movement{Prisoner: p, Kind: canonical.MoveRelease}}
	}
	firstRelease := add("prisons", movement("UT-1"))
	add("prisons", movement("UT-1"))
	otherRelease := add("prisons", movement("UT-2"))
	releaseKey := func(number string) string {
		return fmt.Sprintf("KLSJEKM/%s/%s/%d", number, canonical.MoveRelease, t0.UnixMicro())
	}

	firstFIR := add("police", firDocument(fir))
	add("police", firDocument(fir))
	otherFIR := add("police", firDocument(other))

	first := add("police", report(fir, 0))
	// Another court's rejection counts for nothing.
	add("courts", callback(fir, first, "KLER12", "rejected"))
	firstSupplementary := add("police", report(fir, 1))
	add("police", report(fir, 0))
	add("police", report(fir, 1))
	secondSupplementary := add("police", report(other, 2))

	// A court returned the first original of a third FIR, and the
	// station filed a corrected one.
	third := fir
	third.Number = 119
	returned := add("police", report(third, 0))
	add("courts", callback(third, returned, strings.ToLower(court.Code), " Returned"))
	corrected := add("police", report(third, 0))

	order := func(number string) canonical.Message {
		p := canonical.Prisoner{PrisonCode: "KLSJEKM", Number: "UT-1"}
		return canonical.Message{Type: canonical.TypeCourtOrder, CaseKey: fir.Key(),
			CourtOrder: &canonical.CourtOrder{Kind: canonical.OrderProductionWarrant,
				Number: number, Court: court, Prisoner: p, OrderedOn: "2026-03-14"}}
	}
	firstOrder := add("courts", order("PW 45/2026"))
	// The same number typed again in small letters.
	add("courts", order("pw 45/2026"))
	// Without a number, the key is a digest that only the hub computes.
	add("courts", order(""))
	orderKey := "KLER10/" + string(canonical.OrderProductionWarrant) + "/KLSJEKM/UT-1/number/PW 45/2026"

	// A memo occurred at its arrest, here not at a whole second.
	arrested := t0.Add(400 * time.Millisecond)
	addArrest := func(personID string) string {
		person := canonical.Person{Names: []canonical.Name{{Full: "Shibu K. R."}}, DateOfBirth: "1999-02-11",
			Identifiers: []canonical.Identifier{{Type: canonical.IDPassport, Value: "S7102455"}}}
		if personID != "" {
			person.Identifiers = append(person.Identifiers,
				canonical.Identifier{Type: canonical.IDCCTNSPerson, Value: personID})
		}
		id := add("police", canonical.Message{Type: canonical.TypeArrest, CaseKey: fir.Key(),
			Arrest: &canonical.Arrest{FIR: fir, Person: person, At: arrested, Place: "Kaloor"}})
		entries[len(entries)-1].Message.OccurredAt = arrested
		return id
	}
	firstArrest := addArrest("EKM0412-P-0042")
	addArrest("EKM0412-P-0042")
	// Without a CCTNS person id, the key is a digest that only the hub
	// computes.
	addArrest("")
	arrestKey := fmt.Sprintf("%s/%d/cctns_person/EKM0412-P-0042", fir.Key(), t0.Unix())

	add("passport", request("TV1076543210", false))
	open := add("passport", request("TV1076543210", false))
	answered := add("passport", request("TV2076543210", false))
	reply := canonical.Message{Type: canonical.TypeVerificationReport, CorrelationID: answered,
		CaseKey:            canonical.PassportCaseKey("TV2076543210"),
		VerificationReport: &canonical.VerificationReport{FileNumber: "TV2076543210"}}
	add("police", reply)
	add("hub", request("TV3076543210", true))

	want = []ClaimRow{
		{"arrest-memo", arrestKey, firstArrest},
		{"court-order", orderKey, firstOrder},
		{"fir-document", fir.Key(), firstFIR},
		{"fir-document", other.Key(), otherFIR},
		{"open-verification-request", "TV1076543210", open},
		{"original-final-report", fir.Key(), first},
		{"original-final-report", third.Key(), corrected},
		{"prisoner-movement", releaseKey("UT-1"), firstRelease},
		{"prisoner-movement", releaseKey("UT-2"), otherRelease},
		{"supplementary-final-report", fir.Key() + "/1", firstSupplementary},
		{"supplementary-final-report", other.Key() + "/2", secondSupplementary},
	}
	stale = []ClaimRow{
		{"arrest-memo", arrestKey, firstArrest},
		{"court-order", orderKey, firstOrder},
		{"fir-document", fir.Key(), firstFIR},
		{"fir-document", other.Key(), otherFIR},
		{"open-verification-request", "TV1076543210", open},
		{"original-final-report", fir.Key(), first},
		{"original-final-report", third.Key(), returned},
		{"prisoner-movement", releaseKey("UT-1"), firstRelease},
		{"prisoner-movement", releaseKey("UT-2"), otherRelease},
	}
	return entries, want, stale
}

// Reopen journals entries in a new store, runs statements on its
// database and inserts rows into its claims table. It then opens the
// store again, which applies the migrations that statements marked as
// not applied, and returns its claims sorted by kind and key.
type Reopen func(t *testing.T, entries []journal.Entry, rows []ClaimRow, statements ...string) []ClaimRow

// RunClaimsMigrations checks the migrations that fill in and repair a
// store's claims, through reopen.
func RunClaimsMigrations(t *testing.T, reopen Reopen) {
	entries, want, stale := ClaimsBackfill()
	t.Run("Backfill", func(t *testing.T) {
		// As if the journal predated the claims table.
		got := reopen(t, entries, nil,
			`DROP TABLE claims`,
			`DELETE FROM schema_migrations WHERE name LIKE '%_claims%.sql'`)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("claims after the migrations =\n%+v\nwant\n%+v", got, want)
		}
	})
	t.Run("Repair", func(t *testing.T) {
		// As an earlier build of the claims migration left them.
		got := reopen(t, entries, stale,
			`DELETE FROM claims`,
			`DELETE FROM schema_migrations WHERE name LIKE '%_claims_repair.sql'`)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("claims after the repair =\n%+v\nwant\n%+v", got, want)
		}
	})
}

// NotSentAttempt is the error of an attempt journaled before a store
// recorded whether an attempt was sent, and whether the migration that
// adds that record must mark the attempt not sent.
type NotSentAttempt struct {
	Error   string
	NotSent bool
}

// NotSentBackfill returns the attempts, in number order, that a store's
// migration test journals on one delivery before attempts.not_sent. Only
// an error that starts with "not sent: " in lower case marks an attempt.
func NotSentBackfill() []NotSentAttempt {
	return []NotSentAttempt{
		{Error: `not sent: destination "court": bearer_token_file: no such file`, NotSent: true},
		{Error: "HTTP 503: maintenance"},
		{Error: `Not sent: another service's text`},
	}
}

// CheckNotSentBackfill fails t unless delivery id in store has exactly
// the attempts of NotSentBackfill, each marked as it requires.
func CheckNotSentBackfill(t *testing.T, store journal.Store, id string) {
	t.Helper()
	d, _, err := store.Delivery(t.Context(), id)
	if err != nil {
		t.Fatalf("Delivery: %v", err)
	}
	attempts := NotSentBackfill()
	if len(d.Attempts) != len(attempts) {
		t.Fatalf("%d attempts, want %d", len(d.Attempts), len(attempts))
	}
	for i, a := range attempts {
		if got := d.Attempts[i].NotSent; got != a.NotSent {
			t.Errorf("attempt with error %q: NotSent = %v, want %v", a.Error, got, a.NotSent)
		}
	}
}
