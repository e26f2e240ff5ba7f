package verification

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
	"github.com/sangam-hub/sangam/internal/throttle"
)

// Observe adds each message before it returns, so the message's persons
// are in the database, for every replica to match, by the time the
// sender gets its acknowledgement. Messages that requests observe at the
// same moment share one transaction (package groupcommit), so the index
// adds one commit per group rather than one per message.
const (
	// writers is how many groups may be written at once.
	writers = 2
	// maxBatch is the most messages one transaction adds.
	maxBatch = 256
)

// retryWaits are the waits before each new try of a message whose
// transaction failed, such as on a dropped database connection.
var retryWaits = []time.Duration{100 * time.Millisecond, 400 * time.Millisecond}

func (x *Index) startWriter() {
	x.writer = groupcommit.Start(groupcommit.Store[*canonical.Message]{
		Group: func(ctx context.Context, msgs []*canonical.Message) ([]bool, error) {
			if err := x.addAll(ctx, msgs); err != nil {
				return nil, err
			}
			added := make([]bool, len(msgs))
			for i := range added {
				added[i] = true
			}
			return added, nil
		},
		One: func(ctx context.Context, m *canonical.Message) (journal.Receipt, error) {
			return journal.Receipt{}, x.addRetrying(ctx, m)
		},
		New: func(*canonical.Message) journal.Receipt { return journal.Receipt{} },
		// Every message of a group that commits counts as added, so
		// Original is never called.
		Original: func(context.Context, *canonical.Message) (journal.Receipt, error) {
			return journal.Receipt{}, nil
		},
	}, groupcommit.Config{Workers: writers, MaxGroup: maxBatch})
}

// stopWriter lets the groups being written finish.
func (x *Index) stopWriter() { x.writer.Stop() }

// Observe adds m to the index, with the messages observed at the same
// moment. It implements ingest.Observer: an error is logged through
// x.failures, and Rebuild at the next start adds what was missed. The
// sender's context does not cut the write short, because the message is
// already journaled.
func (x *Index) Observe(ctx context.Context, m *canonical.Message) {
	ctx = context.WithoutCancel(ctx)
	_, err := x.writer.Submit(ctx, m)
	if errors.Is(err, groupcommit.ErrClosed) {
		err = x.addRetrying(ctx, m)
	}
	if err != nil {
		x.failures.Failed(err, "message_id", m.ID, "case_id", m.CaseKey)
		return
	}
	x.failures.Succeeded()
}

// newFailureLog returns the log of Observe's failures, which come for
// every message while the database is down.
func newFailureLog(log *slog.Logger, now func() time.Time) *throttle.FailureLog {
	return throttle.NewFailureLog(throttle.FailureLogConfig{
		Logger: log, Failed: "indexing message failed; the next start adds it",
		Recovered: "indexing messages recovered", CountKey: "failed_messages", Now: now,
	})
}

// addRetrying adds m in a transaction of its own, trying again after
// each of retryWaits.
func (x *Index) addRetrying(ctx context.Context, m *canonical.Message) error {
	err := x.Add(ctx, m)
	for _, wait := range retryWaits {
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(wait)
		err = x.Add(ctx, m)
	}
	return err
}
