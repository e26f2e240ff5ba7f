package verification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Rebuild adds to the index every journaled message of the indexed types
// that it lacks, such as one whose Observe call a crash cut off, and
// returns how many it added. It pages through the journal newest first
// by received time and reads the journey of each message it lacks.
//
// NOTE: every start reads the summary of every indexed message in the
// journal, so start-up time grows with the journal.
func (x *Index) Rebuild(ctx context.Context) (int, error) {
	added := 0
	for _, typ := range indexedTypes {
		n, err := x.rebuildType(ctx, journal.Query{Type: typ, Limit: x.pageSize})
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
// time stops the rebuild with an error.
func (x *Index) rebuildType(ctx context.Context, q journal.Query) (int, error) {
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
