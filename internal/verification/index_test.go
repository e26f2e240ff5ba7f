package verification

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// matchesByCase returns how each case matched, by case key.
func matchesByCase(ms []canonical.CaseMatch) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		out[m.Case.Key()] = m.MatchedBy
	}
	return out
}

const (
	kaloorFIR      = "FIR/KL/EKM/EKM0412/2025/1187"
	kalamasseryFIR = "FIR/KL/EKM/EKM0420/2023/402"
)

func TestMatchFindsArrestByAadhaar(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.loadRecords(t)
		req := freshRequest(t)
		got, err := e.index.Match(context.Background(), req.VerificationRequest)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("matches = %+v, want one case", got)
		}
		if got[0].Case.Key() != kaloorFIR {
			t.Errorf("matched case %s, want %s", got[0].Case.Key(), kaloorFIR)
		}
		if got[0].MatchedBy != MatchedByAadhaar {
			t.Errorf("matched by %s, want %s", got[0].MatchedBy, MatchedByAadhaar)
		}
		if got[0].Case.Court.Code != "KLER10" {
			t.Errorf("case court = %+v, want KLER10 from the chargesheet", got[0].Case.Court)
		}
	})
}

func TestMatchRanksAndFallsBack(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.loadRecords(t)
		ctx := context.Background()
		base := freshRequest(t).VerificationRequest

		noID := *base
		noID.Applicant.Identifiers = nil
		got, err := e.index.Match(ctx, &noID)
		if err != nil {
			t.Fatal(err)
		}
		if by := matchesByCase(got)[kaloorFIR]; by != MatchedByNameBirth {
			t.Errorf("without Aadhaar: matched by %q, want %s", by, MatchedByNameBirth)
		}

		noBirth := noID
		noBirth.Applicant.DateOfBirth = "1999-02-12"
		got, err = e.index.Match(ctx, &noBirth)
		if err != nil {
			t.Fatal(err)
		}
		if by := matchesByCase(got)[kaloorFIR]; by != MatchedByNameFatherName {
			t.Errorf("other birth date: matched by %q, want %s", by, MatchedByNameFatherName)
		}

		stranger := noBirth
		stranger.Applicant.Relatives = []canonical.Relative{{Relation: "father", Name: "Someone Else"}}
		got, err = e.index.Match(ctx, &stranger)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("other birth date and father: matches = %+v, want none", got)
		}
	})
}

func TestMatchByPassportOfPrisoner(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.loadRecords(t)
		req := freshRequest(t).VerificationRequest
		req.Applicant = canonical.Person{
			Names:       []canonical.Name{{Full: "Sohel Rana"}},
			Identifiers: []canonical.Identifier{{Type: canonical.IDPassport, Value: "a0123 4567"}},
		}
		got, err := e.index.Match(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].MatchedBy != MatchedByPassport {
			t.Fatalf("matches = %+v, want one by passport number", got)
		}
		if got[0].Case.CNR != "KLER120004022023" {
			t.Errorf("case CNR = %q, want the prisoner's KLER120004022023", got[0].Case.CNR)
		}
	})
}

func TestMatchIgnoresComplainant(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.loadRecords(t)
		req := freshRequest(t).VerificationRequest
		req.Applicant = canonical.Person{
			Names:       []canonical.Name{{Full: "Anitha Menon"}},
			Identifiers: []canonical.Identifier{{Type: canonical.IDPassport, Value: "T8234561"}},
		}
		got, err := e.index.Match(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("the FIR's complainant matched: %+v", got)
		}
	})
}

func TestAddIsIdempotent(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.accept(t, withSource(decode(t, "police", "arrest-kaloor-snatching"), "police"))
		if err := e.index.Add(ctx, &m); err != nil {
			t.Fatalf("second Add: %v", err)
		}
		var n int
		err := e.index.db.QueryRowContext(ctx,
			"SELECT count(*) FROM verification_person_keys WHERE message_id = $1", m.ID).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		// The Aadhaar token, and two names and an alias each with the
		// birth date and the father's name.
		if n != 7 {
			t.Errorf("arrest indexed under %d keys, want 7", n)
		}
	})
}

func TestAddAllWritesGroupOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		first := e.accept(t, withSource(decode(t, "police", "arrest-kaloor-snatching"), "police"))
		// 150 arrests of seven keys each need two inserts of keys. The
		// group also holds the message already indexed and one message
		// twice.
		group := []*canonical.Message{&first}
		for i := range 150 {
			m := first
			m.ID = fmt.Sprintf("grouped-%03d", i)
			group = append(group, &m)
		}
		group = append(group, group[1])
		if err := e.index.addAll(ctx, group); err != nil {
			t.Fatal(err)
		}
		if n := indexedCount(t, e); n != 151 {
			t.Errorf("index holds %d messages, want 151", n)
		}
		var keys, perMessage int
		err := e.index.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT message_id)
			FROM verification_person_keys`).Scan(&keys, &perMessage)
		if err != nil {
			t.Fatal(err)
		}
		if keys != 151*7 || perMessage != 151 {
			t.Errorf("%d keys of %d messages, want %d of 151", keys, perMessage, 151*7)
		}
	})
}

func TestRebuildAddsMissedMessages(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Journal without indexing, as a crash between commit and
		// Observe would leave it. Two movements share a received time
		// across the boundary of pages of three.
		live := e.index
		e.index = nil
		for _, name := range []string{"fir-kaloor-snatching", "arrest-kaloor-snatching",
			"chargesheet-2023-ipc", "chargesheet-2025-bns-malayalam"} {
			e.clock.Advance(time.Second)
			e.accept(t, withSource(decode(t, "police", name), "police"))
		}
		for _, name := range []string{"release-foreign-national", "death-in-custody",
			"admission-undertrial", "court-production-undertrial", "release-on-bail"} {
			if name != "admission-undertrial" {
				e.clock.Advance(time.Second)
			}
			e.accept(t, withSource(decode(t, "prisons", name), "prisons"))
		}
		e.index = live
		e.index.pageSize = 3

		n, err := e.index.Rebuild(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 9 {
			t.Errorf("Rebuild added %d messages, want 9", n)
		}
		again, err := e.index.Rebuild(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again != 0 {
			t.Errorf("second Rebuild added %d messages, want 0", again)
		}
		got, err := e.index.Match(ctx, freshRequest(t).VerificationRequest)
		if err != nil {
			t.Fatal(err)
		}
		if matchesByCase(got)[kaloorFIR] != MatchedByAadhaar {
			t.Errorf("after rebuild: matches = %+v, want the Kaloor FIR by Aadhaar", got)
		}
	})
}

// indexedCount returns how many messages the index holds.
func indexedCount(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.index.db.QueryRow("SELECT count(*) FROM verification_indexed").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestObserveIndexesBeforeReturning(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		arrest := withSource(decode(t, "police", "arrest-kaloor-snatching"), "police")
		observe := func(n int, prefix string) {
			var wg sync.WaitGroup
			for i := range n {
				m := arrest
				m.ID = fmt.Sprintf("%s-%03d", prefix, i)
				wg.Go(func() { e.index.Observe(ctx, &m) })
			}
			wg.Wait()
		}

		observe(50, "observed")
		if n := indexedCount(t, e); n != 50 {
			t.Errorf("after 50 Observe calls returned the index holds %d messages, want 50", n)
		}

		// Another replica's index, over the same tables, matches the
		// person at once.
		other := &Index{db: e.index.db, dialect: e.index.dialect, writeLock: e.index.writeLock,
			journal: e.store, log: quietLog(), pageSize: e.index.pageSize}
		got, err := other.Match(ctx, freshRequest(t).VerificationRequest)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Errorf("Match through another index found nothing, want the arrest's case")
		}

		// With the writer stopped, Observe adds the message itself.
		e.index.stopWriter()
		observe(1, "late")
		if n := indexedCount(t, e); n != 51 {
			t.Errorf("after a late Observe the index holds %d messages, want 51", n)
		}
	})
}
