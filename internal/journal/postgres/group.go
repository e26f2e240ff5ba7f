package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Group commit. Accept hands its row to one of a few committers. A
// committer takes every row waiting at that moment, up to maxGroup, and
// journals them in one transaction: one statement batch for the messages,
// one for the deliveries of those that are new, one insert per outbox
// topic, and one commit. Under load a commit, with its WAL flush and its
// round trips, is thus shared by many messages; a lone message still goes
// alone and at once.
//
// When a group's transaction fails, the committer journals its rows again
// one by one, so one bad row fails only its own Accept.
const (
	committers = 4
	maxGroup   = 64
	// groupTimeout bounds one group's transaction. Accept waits for its
	// group whatever the caller's context does, so that its answer is
	// always the truth about what was stored.
	groupTimeout = 30 * time.Second
)

// errClosed is returned by Accept after Close.
var errClosed = errors.New("journal store is closed")

// pendingRow is one Accept call waiting for its group.
type pendingRow struct {
	row  messageRow
	done chan acceptResult
}

type acceptResult struct {
	receipt journal.Receipt
	err     error
}

// startCommitters starts the goroutines that journal groups of rows.
func (s *Store) startCommitters() {
	s.queue = make(chan *pendingRow)
	s.stop = make(chan struct{})
	for range committers {
		s.committing.Go(s.commitLoop)
	}
}

// stopCommitters lets each committer finish its group and waits for them.
func (s *Store) stopCommitters() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.committing.Wait()
}

// submit hands row to a committer and waits for its result.
func (s *Store) submit(ctx context.Context, row messageRow) (journal.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return journal.Receipt{}, fmt.Errorf("accepting message %s: %w", row.entry.Message.ID, err)
	}
	p := &pendingRow{row: row, done: make(chan acceptResult, 1)}
	select {
	case s.queue <- p:
	case <-s.stop:
		return journal.Receipt{}, fmt.Errorf("accepting message %s: %w", row.entry.Message.ID, errClosed)
	case <-ctx.Done():
		return journal.Receipt{}, fmt.Errorf("accepting message %s: %w", row.entry.Message.ID, ctx.Err())
	}
	r := <-p.done
	return r.receipt, r.err
}

func (s *Store) commitLoop() {
	for {
		var first *pendingRow
		select {
		case first = <-s.queue:
		case <-s.stop:
			return
		}
		group := []*pendingRow{first}
	gather:
		for len(group) < maxGroup {
			select {
			case p := <-s.queue:
				group = append(group, p)
			default:
				break gather
			}
		}
		s.commit(group)
	}
}

// commit journals group and answers each of its rows.
func (s *Store) commit(group []*pendingRow) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()

	if s.onGroup != nil {
		s.onGroup(len(group))
	}
	rows := make([]messageRow, len(group))
	for i, p := range group {
		rows[i] = p.row
	}
	inserted, err := s.insertGroup(ctx, rows)
	if err != nil {
		if len(group) > 1 {
			s.logger.Debug("group commit failed, journaling its messages one by one",
				"messages", len(group), "error", err)
		}
		for _, p := range group {
			receipt, err := s.acceptOne(ctx, p.row)
			p.done <- acceptResult{receipt, err}
		}
		return
	}
	for i, p := range group {
		if inserted[i] {
			p.done <- acceptResult{receipt: journal.Receipt{
				MessageID: p.row.entry.Message.ID, ReceivedAt: p.row.receivedAt.UTC(),
			}}
			continue
		}
		receipt, err := s.original(ctx, p.row)
		p.done <- acceptResult{receipt, err}
	}
}

// insertGroup writes rows in one transaction and reports which were new;
// the others were duplicates and wrote nothing.
func (s *Store) insertGroup(ctx context.Context, rows []messageRow) ([]bool, error) {
	inserted := make([]bool, len(rows))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		clear(inserted)
		messages := &pgx.Batch{}
		for i, r := range rows {
			queueMessage(messages, r).Exec(func(tag pgconn.CommandTag) error {
				inserted[i] = tag.RowsAffected() == 1
				return nil
			})
		}
		if err := tx.SendBatch(ctx, messages).Close(); err != nil {
			return fmt.Errorf("inserting messages: %w", err)
		}

		deliveries := &pgx.Batch{}
		var outbox []journal.Outgoing
		for i, r := range rows {
			if inserted[i] {
				queueDeliveries(deliveries, r)
				outbox = append(outbox, r.entry.Outbox...)
			}
		}
		if deliveries.Len() > 0 {
			if err := tx.SendBatch(ctx, deliveries).Close(); err != nil {
				return fmt.Errorf("inserting deliveries: %w", err)
			}
		}
		return publishOutbox(ctx, tx, outbox, s.logger, s.wrap)
	})
	return inserted, err
}
