package sqlite

import (
	"context"
	"database/sql"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
)

// startCommitter starts the group commit of Accept calls. One goroutine
// is enough: SQLite has one writer at a time, and rows gather while the
// committer waits for the write lock or the disk.
func (s *Store) startCommitter() {
	s.committer = groupcommit.Start(groupcommit.Store[messageRow]{
		Group:    s.insertGroup,
		One:      s.acceptOne,
		New:      newReceipt,
		Original: s.original,
	}, groupcommit.Config{Workers: 1})
}

// insertGroup writes rows in one transaction and reports which were new.
// When another message holds a claim of a new row, it writes nothing and
// returns a *journal.ClaimedError.
func (s *Store) insertGroup(ctx context.Context, rows []messageRow) ([]bool, error) {
	inserted := make([]bool, len(rows))
	var topics journal.Topics
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		clear(inserted)
		topics = journal.Topics{}
		var outbox []journal.Outgoing
		for i, r := range rows {
			ok, err := insertMessage(ctx, tx, r)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			inserted[i] = true
			if err := insertDeliveries(ctx, tx, r); err != nil {
				return err
			}
			if err := writeClaims(ctx, tx, r); err != nil {
				return err
			}
			outbox = append(outbox, r.entry.Outbox...)
		}
		return publishOutbox(ctx, tx, outbox, &topics, s.logger, s.wrap)
	})
	if err == nil {
		topics.Announce(s.published)
	}
	return inserted, err
}
