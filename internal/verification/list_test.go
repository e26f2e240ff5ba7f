package verification

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/canonical"
)

// listToday is the date the listing tests reckon overdue requests from.
const listToday = "2025-12-01"

// indexRequest adds a request for file due on due, received at received,
// to e's index and returns its id.
func (e *env) indexRequest(t *testing.T, file, due string, received time.Time) string {
	t.Helper()
	m := &canonical.Message{
		ID: uuid.Must(uuid.NewV7()).String(), Type: canonical.TypeVerificationRequest,
		ReceivedAt:          received,
		VerificationRequest: &canonical.VerificationRequest{FileNumber: file, DueOn: due},
	}
	if err := e.index.Add(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// indexAnswer adds to e's index an escalation of request, when escalate
// is set, or a report on it, and returns the message's id.
func (e *env) indexAnswer(t *testing.T, request string, escalate bool) string {
	t.Helper()
	m := &canonical.Message{ID: uuid.Must(uuid.NewV7()).String(), CorrelationID: request}
	if escalate {
		m.Type = canonical.TypeVerificationRequest
		m.VerificationRequest = &canonical.VerificationRequest{Escalated: true}
	} else {
		m.Type = canonical.TypeVerificationReport
		m.VerificationReport = &canonical.VerificationReport{}
	}
	if err := e.index.Add(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// listFiles returns the file numbers of the page that f selects.
func listFiles(t *testing.T, e *env, f RequestFilter) []string {
	t.Helper()
	page, err := e.index.Requests(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	files := []string{}
	for _, r := range page.Requests {
		files = append(files, r.FileNumber)
	}
	return files
}

func TestRequestsOverdue(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
		open := e.indexRequest(t, "OPENFILE01", "2025-11-20", at)
		escalated := e.indexRequest(t, "ESCALATED01", "2025-11-21", at)
		escalation := e.indexAnswer(t, escalated, true)
		reported := e.indexRequest(t, "REPORTED01", "2025-11-19", at)
		e.indexAnswer(t, reported, false)
		replaced := e.indexRequest(t, "REPLACED01", "2025-11-18", at)
		if err := e.index.setState(ctx, replaced, RequestReplaced, ""); err != nil {
			t.Fatal(err)
		}
		e.indexRequest(t, "DUETODAY01", listToday, at)
		// An overdue request still open in the index, and the file's
		// newer request, which is not due yet.
		e.indexRequest(t, "RENEWED01", "2025-11-17", at)
		e.indexRequest(t, "RENEWED01", "2025-12-20", at.Add(time.Hour))

		page, err := e.index.Requests(ctx, RequestFilter{Overdue: true, Today: listToday})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Requests) != 2 {
			t.Fatalf("overdue requests = %+v, want OPENFILE01 and ESCALATED01", page.Requests)
		}
		want := []TrackedRequest{
			{FileNumber: "OPENFILE01", RequestID: open, DueOn: "2025-11-20", State: RequestOpen,
				ReceivedAt: at},
			{FileNumber: "ESCALATED01", RequestID: escalated, DueOn: "2025-11-21",
				State: RequestEscalated, EscalationID: escalation, ReceivedAt: at},
		}
		for i, got := range page.Requests {
			if got != want[i] {
				t.Errorf("overdue request %d = %+v, want %+v", i, got, want[i])
			}
		}
		if page.Next != "" {
			t.Errorf("next = %q on the only page, want none", page.Next)
		}
	})
}

func TestRequestsNewestOfEachFile(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
		e.indexRequest(t, "RENEWED01", "2025-11-17", at)
		e.indexRequest(t, "RENEWED01", "2025-12-20", at.Add(time.Hour))
		// The later of two received in one microsecond, by id, as the
		// journal orders them.
		e.indexRequest(t, "TWINNED01", "2025-11-10", at)
		e.indexRequest(t, "TWINNED01", "2025-11-11", at)

		page, err := e.index.Requests(context.Background(), RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Requests {
			got = append(got, r.FileNumber+" "+r.DueOn)
		}
		want := []string{"TWINNED01 2025-11-11", "RENEWED01 2025-12-20"}
		if !slices.Equal(got, want) {
			t.Errorf("listed %q, want %q", got, want)
		}
	})
}

func TestRequestsFilters(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
		for i, due := range []string{"2025-11-10", "2025-11-11", "2025-11-12", "2025-11-13"} {
			e.indexRequest(t, fmt.Sprintf("FILTER%04d", i), due, at)
		}
		e.indexAnswer(t, e.indexRequest(t, "FILTER0004", "2025-11-11", at), false)

		cases := []struct {
			name   string
			filter RequestFilter
			want   []string
		}{
			{"state", RequestFilter{State: RequestReported}, []string{"FILTER0004"}},
			{"due before", RequestFilter{DueBefore: "2025-11-11"}, []string{"FILTER0000"}},
			{"due after", RequestFilter{DueAfter: "2025-11-12"}, []string{"FILTER0003"}},
			{"due between", RequestFilter{DueAfter: "2025-11-10", DueBefore: "2025-11-13",
				State: RequestOpen}, []string{"FILTER0001", "FILTER0002"}},
			{"overdue today", RequestFilter{Overdue: true, Today: "2025-11-12"},
				[]string{"FILTER0000", "FILTER0001"}},
		}
		for _, tc := range cases {
			if got := listFiles(t, e, tc.filter); !slices.Equal(got, tc.want) {
				t.Errorf("%s: listed %q, want %q", tc.name, got, tc.want)
			}
		}
		if _, err := e.index.Requests(context.Background(), RequestFilter{Overdue: true}); err == nil {
			t.Error("overdue listing without today: no error")
		}
	})
}

func TestRequestsPagesListEachFileOnce(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		at := time.Date(2025, 11, 1, 10, 0, 0, 0, time.UTC)
		var want []string
		for i := range 7 {
			// Three files share each due date, so pages split a date.
			file := fmt.Sprintf("PAGED%04d", i)
			e.indexRequest(t, file, fmt.Sprintf("2025-11-%02d", 10+i/3), at)
			want = append(want, file)
		}
		var got []string
		f := RequestFilter{Overdue: true, Today: listToday, Limit: 2}
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("more than %d pages: listed %q", len(want), got)
			}
			page, err := e.index.Requests(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Requests) > f.Limit {
				t.Fatalf("page of %d files, limit %d", len(page.Requests), f.Limit)
			}
			for _, r := range page.Requests {
				got = append(got, r.FileNumber)
			}
			if page.Next == "" {
				break
			}
			if err := CheckCursor(page.Next); err != nil {
				t.Fatalf("next %q: %v", page.Next, err)
			}
			f.After = page.Next
		}
		if !slices.Equal(got, want) {
			t.Errorf("pages listed %q, want %q once each", got, want)
		}
	})
}

func TestRebuildFillsRequestTimes(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		req := e.accept(t, freshRequest(t), e.requestEnricher())
		// A request indexed before the index kept received times.
		_, err := e.index.db.ExecContext(ctx, "UPDATE verification_requests SET received_at = 0")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.index.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		page, err := e.index.Requests(ctx, RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Requests) != 1 {
			t.Fatalf("listed %+v, want the one request", page.Requests)
		}
		if got := page.Requests[0].ReceivedAt; !got.Equal(req.ReceivedAt) {
			t.Errorf("requested at %s, want %s from the journal", got, req.ReceivedAt)
		}
	})
}
