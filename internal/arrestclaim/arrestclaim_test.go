package arrestclaim_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/arrestclaim"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
)

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters, routes that send nothing
// anywhere, and the arrest claimer.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	s.Claimers = []ingest.Claimer{&arrestclaim.Arrests{Journal: store}}
	return s
}

// arrestPath is the police station's arrest memo sample: the accused
// Shibu K. R., born 1999-02-11, arrested at 2025-09-20T16:30:00+05:30.
const arrestPath = "../../adapters/police/testdata/arrest.json"

// arrest is the arrest memo sample with its message id set to id and
// each text of pairs, given as old and new, replaced once.
func arrest(t *testing.T, id string, pairs ...string) []byte {
	t.Helper()
	return ingesttest.Sample(t, arrestPath,
		append([]string{`"EKM0412-ARR-2025-000311"`, `"` + id + `"`}, pairs...)...)
}

// withPersonID adds the CCTNS person id personID to the accused's
// identifiers.
func withPersonID(personID string) []string {
	return []string{`"identifiers": [{"type": "aadhaar", "number": "5863-0172-9436"}]`,
		`"identifiers": [{"type": "aadhaar", "number": "5863-0172-9436"}, ` +
			`{"type": "cctns_person", "number": "` + personID + `"}]`}
}

// wantArrestExists fails t unless err rejects a memo with arrest-exists
// at /arrested_at, naming the hub message first.
func wantArrestExists(t *testing.T, err error, first string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("error %v, want an *ingest.ConflictError", err)
	}
	v := conflict.Invalid.Violations[0]
	if v.Pointer != "/arrested_at" || v.Rule != arrestclaim.RuleArrestExists {
		t.Errorf("violation at %s (%s), want /arrested_at (%s)", v.Pointer, v.Rule,
			arrestclaim.RuleArrestExists)
	}
	if !strings.Contains(v.Message, first) {
		t.Errorf("message %q does not name the first memo %s", v.Message, first)
	}
	if strings.Contains(v.Message, "Shibu") {
		t.Errorf("message %q names the accused, which the hub logs", v.Message)
	}
}

func TestSecondArrestMemoRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "police", arrest(t, "ARR-A"), "")
	if err != nil {
		t.Fatal(err)
	}
	// A resend with the same message id stays a duplicate.
	again, err := s.Accept(ctx, "police", arrest(t, "ARR-A"), "")
	if err != nil || !again[0].Duplicate {
		t.Fatalf("resend: %+v, %v; want a duplicate", again, err)
	}

	// The same arrest under another id, written in UTC, with the name
	// spaced and cased otherwise and another place.
	_, err = s.Accept(ctx, "police", arrest(t, "ARR-B",
		`"sent_at": "2025-09-20T18:05:00+05:30"`, `"sent_at": "2025-09-20T12:35:00Z"`,
		`"arrested_at": "2025-09-20T16:30:00+05:30"`, `"arrested_at": "2025-09-20T11:00:00.600Z"`,
		`"full": "ഷിബു കെ. ആർ."`, `"full": " ഷിബു  കെ. ആർ. "`,
		`"Vyttila Mobility Hub, Kochi"`, `"Vyttila, Kochi"`), "")
	wantArrestExists(t, err, first[0].MessageID)
	found, err := s.Store.Find(ctx, journal.Query{Source: "police", SenderMessageID: "ARR-B"})
	if err != nil || len(found) != 0 {
		t.Errorf("the rejected memo was journaled: %v, %v", found, err)
	}
}

func TestOtherArrestsAccepted(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	if _, err := s.Accept(ctx, "police", arrest(t, "ARR-A"), ""); err != nil {
		t.Fatal(err)
	}
	others := map[string][]string{
		"next second": {`"arrested_at": "2025-09-20T16:30:00+05:30"`,
			`"arrested_at": "2025-09-20T16:30:01+05:30"`},
		"other accused": {`"full": "ഷിബു കെ. ആർ."`, `"full": "രാജൻ പി."`},
		"other birth":   {`"date_of_birth": "1999-02-11"`, `"date_of_birth": "1998-02-11"`},
		"other FIR":     {`"number": 1187}`, `"number": 1188}`},
	}
	for name, pairs := range others {
		if _, err := s.Accept(ctx, "police", arrest(t, "ARR-"+strings.ReplaceAll(name, " ", "-"), pairs...), ""); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestCCTNSPersonIDDecides files memos of one arrest whose accused has a
// CCTNS person id. The id decides who the accused is: a memo that spells
// the name otherwise is the same arrest, and one of another id is not.
func TestCCTNSPersonIDDecides(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	first, err := s.Accept(ctx, "police", arrest(t, "ARR-A", withPersonID("EKM0412-P-0042")...), "")
	if err != nil {
		t.Fatal(err)
	}
	respelled := append(withPersonID("EKM0412-P-0042"), `"full": "ഷിബു കെ. ആർ."`, `"full": "ഷിബു"`)
	_, err = s.Accept(ctx, "police", arrest(t, "ARR-B", respelled...), "")
	wantArrestExists(t, err, first[0].MessageID)

	if _, err := s.Accept(ctx, "police", arrest(t, "ARR-C", withPersonID("EKM0412-P-0043")...), ""); err != nil {
		t.Errorf("memo of another person id: %v", err)
	}
}

// TestConcurrentArrestMemos posts one arrest under several message ids
// at once: the journal takes one, and the others get arrest-exists.
func TestConcurrentArrestMemos(t *testing.T) {
	s := newService(t)
	const posts = 6
	var wg sync.WaitGroup
	errs := make([]error, posts)
	for i := range posts {
		body := arrest(t, fmt.Sprintf("ARR-%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Accept(context.Background(), "police", body, "")
		}()
	}
	wg.Wait()
	accepted := 0
	for i, err := range errs {
		var conflict *ingest.ConflictError
		switch {
		case err == nil:
			accepted++
		case errors.As(err, &conflict) && conflict.Invalid.Violations[0].Rule == arrestclaim.RuleArrestExists:
		default:
			t.Errorf("post %d: %v, want acceptance or %s", i, err, arrestclaim.RuleArrestExists)
		}
	}
	if accepted != 1 {
		t.Errorf("%d posts accepted, want 1", accepted)
	}
}

func TestRuleDocumented(t *testing.T) {
	for _, path := range []string{"../../README.md", "../api/openapi.yaml"} {
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "`"+arrestclaim.RuleArrestExists+"`") {
			t.Errorf("%s does not name rule %s", path, arrestclaim.RuleArrestExists)
		}
	}
}

// TestKeyOfArrestWithPersonID checks the key of a memo whose accused has
// a CCTNS person id against the one that the journals' migrations write
// for memos journaled before the claims. That key is the FIR's case key,
// the arrest time in whole seconds, then the first person id.
func TestKeyOfArrestWithPersonID(t *testing.T) {
	fir := canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "EKM0412", Year: 2025, Number: 1187}
	at := time.Date(2025, time.September, 20, 16, 30, 0, 900_000_000, time.FixedZone("IST", 5*3600+1800))
	m := canonical.Message{Type: canonical.TypeArrest, Arrest: &canonical.Arrest{FIR: fir, At: at,
		Person: canonical.Person{Names: []canonical.Name{{Full: "Shibu K. R."}},
			Identifiers: []canonical.Identifier{
				{Type: canonical.IDPassport, Value: "S7102455"},
				{Type: canonical.IDCCTNSPerson, Value: "EKM0412-P-0042"},
				{Type: canonical.IDCCTNSPerson, Value: "EKM0412-P-0099"},
			}}}}
	key, ok := arrestclaim.KeyOf(&m)
	if want := "FIR/KL/EKM/EKM0412/2025/1187/1758366000/cctns_person/EKM0412-P-0042"; !ok || key != want {
		t.Errorf("KeyOf = %q, %v, want %q", key, ok, want)
	}
}
