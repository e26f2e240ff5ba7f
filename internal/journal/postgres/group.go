package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
)

// committers is how many groups of Accept calls may be written at once.
// While one waits for its commit's WAL flush, the next gathers rows.
const committers = 4

// startCommitters starts the group commit of Accept calls.
func (s *Store) startCommitters() {
	s.committer = groupcommit.Start(groupcommit.Store[messageRow]{
		Group:    s.insertGroup,
		One:      s.acceptOne,
		New:      newReceipt,
		Original: s.original,
	}, groupcommit.Config{
		Workers: committers,
		OnGroup: func(n int) {
			if s.onGroup != nil {
				s.onGroup(n)
			}
		},
	})
}

func newReceipt(row messageRow) journal.Receipt {
	return journal.Receipt{MessageID: row.entry.Message.ID, ReceivedAt: row.receivedAt.UTC()}
}

// insertGroup writes rows in one transaction: one statement batch for
// the messages, one for the deliveries and claims of those that are new,
// and one insert per outbox topic. It reports which rows were new. When
// another message holds a claim of a new row, it writes nothing and
// returns a *journal.ClaimedError. The committer then writes the rows
// one by one, so that only that row's call gets the error.
func (s *Store) insertGroup(ctx context.Context, rows []messageRow) ([]bool, error) {
	inserted := make([]bool, len(rows))
	var topics journal.Topics
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		clear(inserted)
		topics = journal.Topics{}
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
		var (
			outbox []journal.Outgoing
			lost   []journal.Claim
		)
		for i, r := range rows {
			if inserted[i] {
				queueDeliveries(deliveries, r)
				queueClaims(deliveries, r, &lost)
				outbox = append(outbox, r.entry.Outbox...)
			}
		}
		if deliveries.Len() > 0 {
			if err := tx.SendBatch(ctx, deliveries).Close(); err != nil {
				return fmt.Errorf("inserting deliveries: %w", err)
			}
		}
		if len(lost) > 0 {
			return claimedError(ctx, tx, lost[0])
		}
		return publishOutbox(ctx, tx, outbox, &topics, s.logger, s.wrap)
	})
	if err == nil {
		topics.Announce(s.published)
	}
	return inserted, err
}
