package hub

import (
	"net/http"
	"testing"

	"github.com/sangam-hub/sangam/internal/verification"
)

func TestVerificationListOverdueSQLite(t *testing.T) {
	testVerificationListOverdue(t, Config{})
}

func TestVerificationListOverduePostgres(t *testing.T) {
	testVerificationListOverdue(t, Config{PostgresDSN: postgresDSN(t)})
}

// testVerificationListOverdue lists a request before and after the hub
// escalates it, and checks the listing against the file's status.
func testVerificationListOverdue(t *testing.T, cfg Config) {
	w := newVerificationWorld(t, cfg)
	const file = "CO1075120499971"
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-71", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	const overdue = "/api/v1/verifications?overdue=true"
	var page verification.RequestPage
	if code := getJSON(t, w.url, overdue, &page); code != http.StatusOK {
		t.Fatalf("GET %s: status %d", overdue, code)
	}
	if len(page.Requests) != 0 {
		t.Errorf("overdue before the due date: %+v, want none", page.Requests)
	}

	escalation := w.escalate(t)
	waitFor(t, "the escalated request listed as overdue", func() bool {
		page = verification.RequestPage{}
		getJSON(t, w.url, overdue, &page)
		return len(page.Requests) == 1 && page.Requests[0].State == verification.RequestEscalated
	})
	got := page.Requests[0]
	s := w.status(t, file)
	want := verification.TrackedRequest{
		FileNumber: file, RequestID: res.MessageID, DueOn: s.DueOn,
		State: verification.RequestEscalated, EscalationID: escalation,
		ReceivedAt: s.ReceivedAt,
	}
	if !got.ReceivedAt.Equal(want.ReceivedAt) || got.ReceivedAt.IsZero() {
		t.Errorf("listed received_at %s, status's %s", got.ReceivedAt, want.ReceivedAt)
	}
	got.ReceivedAt = want.ReceivedAt
	if got != want {
		t.Errorf("listed %+v, want %+v", got, want)
	}
	if s.EscalatedAt.IsZero() || s.EscalatedAt.Before(s.ReceivedAt) {
		t.Errorf("status escalated_at %s, want a time after received_at %s", s.EscalatedAt,
			s.ReceivedAt)
	}
}
