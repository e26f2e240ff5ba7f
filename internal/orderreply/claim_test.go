package orderreply_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/movementclaim"
	"github.com/sangam-hub/sangam/internal/orderreply"
	"github.com/sangam-hub/sangam/schemas"
)

// replyService returns an ingest service that checks and claims the
// orders that movements reply to, after the claims of movementclaim as
// the hub orders them. It journals the mock court's remand warrant to the
// Central Prison, Viyyur, and production warrant to the Sub Jail,
// Ernakulam, and returns their hub ids.
func replyService(t *testing.T) (s *ingest.Service, committal, warrant string) {
	t.Helper()
	s, store := ingesttest.Service(t, ingesttest.NoRoutes)
	committal = accept(t, s, "courts", "../../mocks/court/samples/remand-warrant-viyyur.xml")
	warrant = accept(t, s, "courts", "../../mocks/court/samples/production-warrant-undertrial.xml")
	orders := &orderreply.Orders{Journal: store}
	s.Enrichers = []ingest.Enricher{orders}
	s.Claimers = []ingest.Claimer{&movementclaim.Movements{Journal: store}, orders}
	return s, committal, warrant
}

// admission returns the mock prison's admission as the Central Prison,
// Viyyur, would send it for prisoner number, whose person is person,
// replying to the order inReplyTo.
func admission(t *testing.T, messageID, number string, person map[string]any, inReplyTo string) []byte {
	t.Helper()
	doc := readJSON(t, "../../mocks/prison/samples/admission-undertrial.json")
	doc["message_id"] = messageID
	doc["in_reply_to"] = inReplyTo
	doc["sent_at"] = "2023-11-02T18:10:00+05:30"
	doc["at"] = "2023-11-02T18:00:00+05:30"
	doc["to"] = map[string]any{"kind": "prison", "code": "KLCJVIY"}
	prisoner := doc["prisoner"].(map[string]any)
	prisoner["prison_code"] = "KLCJVIY"
	prisoner["prison_name"] = "Central Prison and Correctional Home, Viyyur"
	prisoner["number"] = number
	prisoner["person"] = person
	prisoner["admitted_at"] = "2023-11-02T18:00:00+05:30"
	return marshal(t, doc)
}

// production returns the mock prison's court production out of the Sub
// Jail, Ernakulam, of prisoner UT-2231-2025 at at, replying to the order
// inReplyTo.
func production(t *testing.T, messageID, at, inReplyTo string) []byte {
	t.Helper()
	doc := readJSON(t, "../../mocks/prison/samples/court-production-undertrial.json")
	doc["message_id"] = messageID
	doc["in_reply_to"] = inReplyTo
	doc["at"] = at
	doc["sent_at"] = at
	return marshal(t, doc)
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func marshal(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// rajesh returns the person of the remand warrant to Viyyur as a prison
// records them, with sex and date of birth when not empty.
func rajesh(name, sex, born string) map[string]any {
	person := map[string]any{"names": []any{map[string]any{"full": name}}}
	if sex != "" {
		person["sex"] = sex
	}
	if born != "" {
		person["date_of_birth"] = born
	}
	return person
}

// wantViolation checks that err has one violation of rule at
// /in_reply_to whose message contains each of texts.
func wantViolation(t *testing.T, err error, rule string, texts ...string) {
	t.Helper()
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("error = %v, want one violation", err)
	}
	if vs[0].Rule != rule {
		t.Errorf("rule = %q, want %q", vs[0].Rule, rule)
	}
	if vs[0].Pointer != "/in_reply_to" {
		t.Errorf("pointer = %q, want /in_reply_to", vs[0].Pointer)
	}
	for _, text := range texts {
		if !strings.Contains(vs[0].Message, text) {
			t.Errorf("message %q does not contain %q", vs[0].Message, text)
		}
	}
}

func TestCommittalPersonChecked(t *testing.T) {
	s, committal, _ := replyService(t)
	ctx := context.Background()
	rejected := []struct {
		name   string
		person map[string]any
		want   string
	}{
		{"another name", rajesh("Suresh Kumar", "male", ""), `"Suresh Kumar" has no name or alias`},
		{"another sex", rajesh("Rajesh Nair", "female", ""), "is female, the order's male"},
	}
	for _, c := range rejected {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Accept(ctx, "prisons", admission(t, "KLCJVIY-MV-1", "CP-4417", c.person, committal), "")
			wantViolation(t, err, orderreply.RuleInReplyTo, "had not numbered", c.want)
		})
	}

	// The warrant gives neither a date of birth nor a sex of unknown, and
	// names and spacing are compared without letter case.
	person := rajesh("RAJESH  nair", "", "1989-05-14")
	if _, err := s.Accept(ctx, "prisons", admission(t, "KLCJVIY-MV-2", "CP-4417", person, committal), ""); err != nil {
		t.Fatalf("admission of the committed person: %v", err)
	}
}

func TestOrderCarriedOutOncePerKind(t *testing.T) {
	s, committal, warrant := replyService(t)
	ctx := context.Background()
	person := rajesh("Rajesh Nair", "male", "")
	first, err := s.Accept(ctx, "prisons", admission(t, "KLCJVIY-MV-1", "CP-4417", person, committal), "")
	if err != nil {
		t.Fatalf("first admission: %v", err)
	}

	t.Run("second admission", func(t *testing.T) {
		_, err := s.Accept(ctx, "prisons", admission(t, "KLCJVIY-MV-2", "CP-4418", person, committal), "")
		var conflict *ingest.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("error = %v, want a conflict", err)
		}
		wantViolation(t, err, orderreply.RuleOrderCarriedOut, first[0].MessageID,
			`sender message id "KLCJVIY-MV-1"`, `admission of prisoner "CP-4417" of KLCJVIY`)
	})

	t.Run("resend of the first", func(t *testing.T) {
		again, err := s.Accept(ctx, "prisons", admission(t, "KLCJVIY-MV-1", "CP-4417", person, committal), "")
		if err != nil {
			t.Fatalf("resend: %v", err)
		}
		if !again[0].Duplicate {
			t.Errorf("resend = %+v, want a duplicate", again[0])
		}
		if again[0].MessageID != first[0].MessageID {
			t.Errorf("resend message id = %s, want %s", again[0].MessageID, first[0].MessageID)
		}
	})

	out := production(t, "KLSJEKM-MV-1", "2025-10-03T09:15:00+05:30", warrant)
	if _, err := s.Accept(ctx, "prisons", out, ""); err != nil {
		t.Fatalf("production out: %v", err)
	}
	t.Run("second production out", func(t *testing.T) {
		_, err := s.Accept(ctx, "prisons", production(t, "KLSJEKM-MV-2", "2025-10-04T09:15:00+05:30", warrant), "")
		wantViolation(t, err, orderreply.RuleOrderCarriedOut, `court_production_out of prisoner "UT-2231-2025"`)
	})
	t.Run("production return", func(t *testing.T) {
		doc := readJSON(t, "../../mocks/prison/samples/court-production-undertrial.json")
		doc["message_id"] = "KLSJEKM-MV-4"
		doc["in_reply_to"] = warrant
		doc["kind"] = "court_production_return"
		doc["at"] = "2025-10-03T16:40:00+05:30"
		doc["sent_at"] = "2025-10-03T16:45:00+05:30"
		doc["from"] = map[string]any{"kind": "court", "code": "KLER10"}
		doc["to"] = map[string]any{"kind": "prison", "code": "KLSJEKM"}
		if _, err := s.Accept(ctx, "prisons", marshal(t, doc), ""); err != nil {
			t.Errorf("production return replying to the warrant of the production out: %v", err)
		}
	})
	t.Run("same production out again", func(t *testing.T) {
		_, err := s.Accept(ctx, "prisons", production(t, "KLSJEKM-MV-3", "2025-10-03T09:15:00+05:30", warrant), "")
		if vs := schemas.Violations(err); len(vs) != 1 || vs[0].Rule != movementclaim.RuleMovementExists {
			t.Errorf("error = %v, want one %s violation", err, movementclaim.RuleMovementExists)
		}
	})
}
