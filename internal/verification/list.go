package verification

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// RequestFilter selects passport files by the newest verification
// request of each in the index. The zero value selects every file.
type RequestFilter struct {
	// Overdue keeps the requests with no report whose due date is before
	// Today: those open or escalated.
	Overdue bool
	// Today is the date, YYYY-MM-DD, that Overdue compares due dates
	// with. It is required with Overdue, and Tracker.Requests sets it.
	Today string
	// State keeps the requests in one of the ListedStates. Empty keeps
	// every state.
	State string
	// DueBefore and DueAfter keep the requests due before or after a
	// date, YYYY-MM-DD, the date itself left out. Empty sets no bound.
	DueBefore, DueAfter string
	// After is the Next of the previous page. Empty starts at the first
	// file.
	After string
	// Limit caps the files of a page: journal.DefaultLimit when 0, at
	// most journal.MaxLimit.
	Limit int
}

// TrackedRequest is the newest verification request of a passport file
// as the index keeps it.
type TrackedRequest struct {
	FileNumber string `json:"file_number"`
	RequestID  string `json:"request_message_id"`
	DueOn      string `json:"due_on"`
	// State is one of the ListedStates.
	State string `json:"state"`
	// EscalationID is the hub id of the request's escalation, when the
	// hub escalated it.
	EscalationID string `json:"escalation_message_id,omitempty"`
	// ReceivedAt is when the hub received the request, in UTC.
	ReceivedAt time.Time `json:"received_at"`
}

// RequestPage is one page of the files a RequestFilter selects, earliest
// due first and by file number within a due date.
type RequestPage struct {
	Requests []TrackedRequest `json:"requests"`
	// Next is the RequestFilter.After of the next page. It is empty on
	// the last page.
	Next string `json:"next,omitempty"`
}

// cursorPattern is a RequestFilter.After: the due date and the file
// number of the last request of a page, joined by a slash.
var cursorPattern = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})/([A-Z0-9]{8,20})$`)

// CheckCursor returns an error when after is not the Next of a page.
func CheckCursor(after string) error {
	m := cursorPattern.FindStringSubmatch(after)
	if m == nil {
		return errors.New("want the next of the previous page, a due date and a file number " +
			"such as 2025-11-26/CO1075120411325")
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		return fmt.Errorf("invalid due date %q", m[1])
	}
	return nil
}

// Requests returns a page of the files whose newest request f selects,
// with Overdue reckoned from the tracker's clock and zone.
func (t *Tracker) Requests(ctx context.Context, f RequestFilter) (RequestPage, error) {
	f.Today = dateOf(t.now(), t.zone())
	return t.Index.Requests(ctx, f)
}

// Requests returns a page of the files whose newest request f selects.
// A file's newest request is the one the hub received last, as
// RequestStatus reads it from the journal. The page comes from the
// index alone, so it reads no journal.
func (x *Index) Requests(ctx context.Context, f RequestFilter) (RequestPage, error) {
	query, args, err := requestsQuery(f)
	if err != nil {
		return RequestPage{}, err
	}
	limit := journal.Query{Limit: f.Limit}.EffectiveLimit()
	args = append(args, limit+1)
	query += fmt.Sprintf(" ORDER BY r.due_on, r.file_number LIMIT $%d", len(args))

	rows, err := x.db.QueryContext(ctx, query, args...)
	if err != nil {
		return RequestPage{}, fmt.Errorf("listing verification requests: %w", err)
	}
	defer rows.Close()
	page := RequestPage{Requests: []TrackedRequest{}}
	for rows.Next() {
		var (
			r        TrackedRequest
			received int64
		)
		err := rows.Scan(&r.RequestID, &r.FileNumber, &r.DueOn, &r.State, &r.EscalationID, &received)
		if err != nil {
			return RequestPage{}, fmt.Errorf("listing verification requests: %w", err)
		}
		r.ReceivedAt = time.UnixMicro(received).UTC()
		page.Requests = append(page.Requests, r)
	}
	if err := rows.Err(); err != nil {
		return RequestPage{}, fmt.Errorf("listing verification requests: %w", err)
	}
	if len(page.Requests) > limit {
		page.Requests = page.Requests[:limit]
		last := page.Requests[limit-1]
		page.Next = last.DueOn + "/" + last.FileNumber
	}
	return page, nil
}

// requestsQuery returns the SELECT of the newest requests that f
// selects, without its ORDER BY and LIMIT, and the query's arguments.
func requestsQuery(f RequestFilter) (string, []any, error) {
	var (
		where []string
		args  []any
	)
	add := func(condition string, values ...any) {
		for _, v := range values {
			args = append(args, v)
			condition = strings.Replace(condition, "?", fmt.Sprintf("$%d", len(args)), 1)
		}
		where = append(where, condition)
	}
	// A later request for the same file, by received time and then by
	// id as the journal orders them, hides a request.
	where = append(where, `NOT EXISTS (SELECT 1 FROM verification_requests n
		WHERE n.file_number = r.file_number AND (n.received_at > r.received_at
			OR (n.received_at = r.received_at AND n.message_id > r.message_id)))`)
	if f.Overdue {
		if f.Today == "" {
			return "", nil, errors.New("listing overdue verification requests: today: missing")
		}
		add("r.state IN (?, ?) AND r.due_on < ?", RequestOpen, RequestEscalated, f.Today)
	}
	if f.State != "" {
		add("r.state = ?", f.State)
	}
	if f.DueBefore != "" {
		add("r.due_on < ?", f.DueBefore)
	}
	if f.DueAfter != "" {
		add("r.due_on > ?", f.DueAfter)
	}
	if f.After != "" {
		m := cursorPattern.FindStringSubmatch(f.After)
		if m == nil {
			return "", nil, fmt.Errorf("listing verification requests: after %q: %w", f.After,
				CheckCursor(f.After))
		}
		add("(r.due_on > ? OR (r.due_on = ? AND r.file_number > ?))", m[1], m[1], m[2])
	}
	return `SELECT r.message_id, r.file_number, r.due_on, r.state, r.escalation_id, r.received_at
		FROM verification_requests r WHERE ` + strings.Join(where, " AND "), args, nil
}
