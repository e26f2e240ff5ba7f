package verification

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// States of a verification request in the index, which the tracker
// moves it through.
const (
	// RequestOpen is a request with no report that the hub has not
	// escalated.
	RequestOpen = "open"
	// RequestReported is a request with a report.
	RequestReported = "reported"
	// RequestEscalated is a request the hub escalated, with no report yet.
	RequestEscalated = "escalated"
	// RequestReplaced is a request that a later request for its file
	// replaced, which the tracker never escalates.
	RequestReplaced = "replaced"
)

// RequestStates lists the states of a request in the index.
var RequestStates = []string{RequestOpen, RequestReported, RequestEscalated, RequestReplaced}

// ListedStates lists the states that the newest request of a file, which
// Index.Requests lists, can be in. Only an older request is replaced.
var ListedStates = []string{RequestOpen, RequestReported, RequestEscalated}

// trackRequest records a verification request as open, an escalation as
// escalating its request, and a report as settling the request it is
// correlated with. A request without a due date, which the hub never
// routes, and other messages change nothing.
func trackRequest(ctx context.Context, tx *sql.Tx, m *canonical.Message) error {
	now := time.Now().UnixMicro()
	var err error
	switch {
	case m.VerificationRequest != nil && m.VerificationRequest.Escalated:
		_, err = tx.ExecContext(ctx, `UPDATE verification_requests
			SET state = $1, escalation_id = $2, updated_at = $3
			WHERE message_id = $4 AND state = $5`,
			RequestEscalated, m.ID, now, m.CorrelationID, RequestOpen)
	case m.VerificationRequest != nil && m.VerificationRequest.DueOn != "":
		_, err = tx.ExecContext(ctx, `INSERT INTO verification_requests
			(message_id, file_number, due_on, state, updated_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			m.ID, m.VerificationRequest.FileNumber, m.VerificationRequest.DueOn, RequestOpen, now,
			m.ReceivedAt.UnixMicro())
	case m.VerificationReport != nil && m.CorrelationID != "":
		_, err = tx.ExecContext(ctx, `UPDATE verification_requests
			SET state = $1, updated_at = $2 WHERE message_id = $3`,
			RequestReported, now, m.CorrelationID)
	}
	return err
}

// overdueRequest is an open request whose due date has passed.
type overdueRequest struct {
	messageID  string
	fileNumber string
	dueOn      string
}

// overdue returns at most limit open requests due before today
// (YYYY-MM-DD), earliest due first.
func (x *Index) overdue(ctx context.Context, today string, limit int) ([]overdueRequest, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT message_id, file_number, due_on
		FROM verification_requests WHERE state = $1 AND due_on < $2
		ORDER BY due_on, message_id LIMIT $3`, RequestOpen, today, limit)
	if err != nil {
		return nil, fmt.Errorf("listing overdue requests: %w", err)
	}
	defer rows.Close()
	var out []overdueRequest
	for rows.Next() {
		var r overdueRequest
		if err := rows.Scan(&r.messageID, &r.fileNumber, &r.dueOn); err != nil {
			return nil, fmt.Errorf("listing overdue requests: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing overdue requests: %w", err)
	}
	return out, nil
}

// setState moves an open request to state, with the escalation's id when
// state is escalated. A request no longer open keeps its state.
func (x *Index) setState(ctx context.Context, messageID, state, escalationID string) error {
	err := x.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE verification_requests
			SET state = $1, escalation_id = $2, updated_at = $3
			WHERE message_id = $4 AND state = $5`,
			state, escalationID, time.Now().UnixMicro(), messageID, RequestOpen)
		return err
	})
	if err != nil {
		return fmt.Errorf("marking request %s %s: %w", messageID, state, err)
	}
	return nil
}
