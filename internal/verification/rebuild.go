package verification

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Rebuild adds to the index every journaled message of the indexed types
// that it lacks, such as one whose Observe call a crash cut off, and
// returns how many it added. It pages through the journal newest first
// by received time and reads the journey of each message it lacks.
//
// It also copies the received time of each request indexed before the
// index kept it from the journal.
//
// NOTE: every start reads the summary of every indexed message in the
// journal, so start-up time grows with the journal.
func (x *Index) Rebuild(ctx context.Context) (int, error) {
	untimed, err := x.hasUntimedRequests(ctx)
	if err != nil {
		return 0, fmt.Errorf("rebuilding verification index: %w", err)
	}
	added := 0
	for _, typ := range indexedTypes {
		fillTimes := untimed && typ == canonical.TypeVerificationRequest
		n, err := x.rebuildType(ctx, journal.Query{Type: typ, Limit: x.pageSize}, fillTimes)
		added += n
		if err != nil {
			return added, fmt.Errorf("rebuilding verification index from %s messages: %w", typ, err)
		}
	}
	if added > 0 {
		x.log.Info("verification index caught up with the journal", "messages", added)
	}
	return added, nil
}

// rebuildType pages through the messages q selects. Each page ends
// before the previous page's oldest time plus a microsecond, the
// journal's resolution. So a message received in the same microsecond
// as the last of a page is read, and the ids already read at that time
// are left out instead. A page whose messages all share one received
// time stops the rebuild with an error. With fillTimes it copies the
// received time of each request on a page to the index.
func (x *Index) rebuildType(ctx context.Context, q journal.Query, fillTimes bool) (int, error) {
	added := 0
	atBoundary := map[string]bool{}
	for {
		page, err := x.journal.Find(ctx, q)
		if err != nil {
			return added, err
		}
		var fresh []string
		for _, s := range page {
			if !atBoundary[s.MessageID] {
				fresh = append(fresh, s.MessageID)
			}
		}
		n, err := x.addMissing(ctx, fresh)
		added += n
		if err == nil && fillTimes {
			err = x.fillReceivedAt(ctx, page)
		}
		if err != nil || len(page) < q.EffectiveLimit() {
			return added, err
		}
		if len(fresh) == 0 {
			return added, fmt.Errorf("more than %d messages share the received time %s",
				len(page), page[0].ReceivedAt.Format(time.RFC3339Nano))
		}
		oldest := page[len(page)-1].ReceivedAt
		atBoundary = map[string]bool{}
		for _, s := range page {
			if s.ReceivedAt.Equal(oldest) {
				atBoundary[s.MessageID] = true
			}
		}
		q.ReceivedBefore = oldest.Add(time.Microsecond)
	}
}

// hasUntimedRequests reports whether the index has a request without
// its received time, which one indexed before migration 0003 lacks.
func (x *Index) hasUntimedRequests(ctx context.Context) (bool, error) {
	var untimed bool
	err := x.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM verification_requests
		WHERE received_at = 0)`).Scan(&untimed)
	if err != nil {
		return false, fmt.Errorf("reading requests without a received time: %w", err)
	}
	return untimed, nil
}

// fillReceivedAt copies the received time of each request in page to
// the index rows that lack it.
func (x *Index) fillReceivedAt(ctx context.Context, page []journal.Summary) error {
	err := x.write(ctx, func(tx *sql.Tx) error {
		for _, s := range page {
			_, err := tx.ExecContext(ctx, `UPDATE verification_requests SET received_at = $1
				WHERE message_id = $2 AND received_at = 0`, s.ReceivedAt.UnixMicro(), s.MessageID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copying the received times of requests: %w", err)
	}
	return nil
}

// addMissing reads and adds the messages of ids that the index lacks.
func (x *Index) addMissing(ctx context.Context, ids []string) (int, error) {
	missing, err := x.unindexed(ctx, ids)
	if err != nil {
		return 0, err
	}
	for i, id := range missing {
		j, err := x.journal.Journey(ctx, id)
		if err != nil {
			return i, fmt.Errorf("reading message %s: %w", id, err)
		}
		if err := x.Add(ctx, &j.Message); err != nil {
			return i, err
		}
	}
	return len(missing), nil
}

// unindexed returns the ids the index has not read.
func (x *Index) unindexed(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i] = id
		marks[i] = fmt.Sprintf("$%d", i+1)
	}

	rows, err := x.db.QueryContext(ctx, `SELECT message_id FROM verification_indexed
		WHERE message_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading indexed messages: %w", err)
	}
	defer rows.Close()
	indexed := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reading indexed messages: %w", err)
		}
		indexed[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading indexed messages: %w", err)
	}

	var out []string
	for _, id := range ids {
		if !indexed[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
