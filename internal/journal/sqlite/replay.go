package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Replay implements journal.Scheduler. Its transaction holds the
// database's write lock, so concurrent replays of one delivery take turns
// and, without Force, only the first creates one. r.DeliveryID, r.NewID
// and r.By are required, and a zero r.At means the current time. The new
// delivery is created, due and queued at r.At, follows the message's
// other deliveries in Journey, and comes after every existing delivery in
// the order of its case. An existing replay is the newest one, with its
// attempts.
func (s *Store) Replay(
	ctx context.Context,
	r journal.ReplayRequest,
	outgoing func(journal.Delivery) journal.Outgoing,
) (journal.Replayed, error) {
	if err := r.Validate(outgoing); err != nil {
		return journal.Replayed{}, err
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	// The journal keeps whole microseconds, so a replay made at
	// ForcedSince itself reads as made at or after it.
	r.ForcedSince = r.ForcedSince.Truncate(time.Microsecond)

	var out journal.Replayed
	var topics journal.Topics
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		var err error
		topics = journal.Topics{}
		out, err = s.replay(ctx, tx, r, outgoing, &topics)
		return err
	})
	if err != nil {
		return journal.Replayed{}, fmt.Errorf("replaying delivery %s: %w", r.DeliveryID, err)
	}
	topics.Announce(s.published)
	return out, nil
}

func (s *Store) replay(
	ctx context.Context,
	tx *sql.Tx,
	r journal.ReplayRequest,
	outgoing func(journal.Delivery) journal.Outgoing,
	topics *journal.Topics,
) (journal.Replayed, error) {
	destination, err := checkDead(ctx, tx, r.DeliveryID)
	if err != nil {
		return journal.Replayed{}, err
	}
	if r.Configured != nil && !r.Configured(destination) {
		return journal.Replayed{}, journal.DestinationRemovedError(destination)
	}

	if !r.Force || !r.ForcedSince.IsZero() {
		earlier, found, err := latestReplay(ctx, tx, r.DeliveryID)
		if err != nil {
			return journal.Replayed{}, err
		}
		if found && (!r.Force || !earlier.CreatedAt.Before(r.ForcedSince)) {
			return journal.Replayed{Delivery: earlier, Existing: true}, nil
		}
	}

	d, err := insertReplay(ctx, tx, r)
	if err != nil {
		return journal.Replayed{}, err
	}
	if err := s.publishCommands(ctx, tx, []journal.Delivery{d}, outgoing, topics); err != nil {
		return journal.Replayed{}, err
	}
	return journal.Replayed{Delivery: d}, nil
}

// checkDead returns the destination of the dead delivery, or
// journal.ErrNotFound or journal.ErrNotDead when the delivery is missing
// or not dead.
func checkDead(ctx context.Context, tx *sql.Tx, deliveryID string) (string, error) {
	var status, destination string
	err := tx.QueryRowContext(ctx, "SELECT status, destination FROM deliveries WHERE id = ?",
		deliveryID).Scan(&status, &destination)
	if errors.Is(err, sql.ErrNoRows) {
		return "", journal.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("reading delivery: %w", err)
	}
	if status != journal.StatusDead {
		return "", journal.ErrNotDead
	}
	return destination, nil
}

// latestReplay returns the newest replay of the delivery, with its
// attempts. Its two queries run in tx, and an SQLite transaction reads
// one snapshot of the database, so a delivery worker that settles the
// replay meanwhile cannot pair its old status with its new attempt.
func latestReplay(ctx context.Context, tx *sql.Tx, deliveryID string) (journal.Delivery, bool, error) {
	ds, err := queryDeliveries(ctx, tx, selectDeliveries+`
		WHERE d.replay_of = ? ORDER BY d.seq DESC LIMIT 1`, deliveryID)
	if err != nil {
		return journal.Delivery{}, false, err
	}
	if len(ds) == 0 {
		return journal.Delivery{}, false, nil
	}
	d := ds[0]

	attempts, err := queryAttempts(ctx, tx, selectAttempts+`
		WHERE a.delivery_id = ? ORDER BY a.number`, d.ID)
	if err != nil {
		return journal.Delivery{}, false, err
	}
	d.Attempts = append(d.Attempts, attempts...)
	return d, true, nil
}

// insertReplay inserts the pending copy of the dead delivery and returns
// it. It returns an error wrapping journal.ErrInvalid when r.NewID is
// already a delivery's id.
func insertReplay(ctx context.Context, tx *sql.Tx, r journal.ReplayRequest) (journal.Delivery, error) {
	var idTaken bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = ?)",
		r.NewID).Scan(&idTaken)
	if err != nil {
		return journal.Delivery{}, fmt.Errorf("checking replay id: %w", err)
	}
	if idTaken {
		return journal.Delivery{}, fmt.Errorf("%w replay new_id: %q is already a delivery's id",
			journal.ErrInvalid, r.NewID)
	}

	_, err = tx.ExecContext(ctx, `
		INSERT INTO deliveries (
			id, message_id, position, destination, route, case_key, status,
			next_attempt_at, queued_at, replay_of, replayed_by, created_at, updated_at, seq,
			idempotency_key
		)
		SELECT ?2, o.message_id,
			(SELECT max(p.position) + 1 FROM deliveries p WHERE p.message_id = o.message_id),
			o.destination, o.route, o.case_key, 'pending', ?3, ?3, o.id, ?4, ?3, ?3, `+nextSeq+`,
			CASE WHEN ?5 THEN '' WHEN o.idempotency_key = '' THEN o.id ELSE o.idempotency_key END
		FROM deliveries o WHERE o.id = ?1`,
		r.DeliveryID, r.NewID, micros(r.At), r.By, r.Force)
	if err != nil {
		return journal.Delivery{}, fmt.Errorf("inserting replay %s: %w", r.NewID, err)
	}

	ds, err := queryDeliveries(ctx, tx, selectDeliveries+` WHERE d.id = ?`, r.NewID)
	if err != nil {
		return journal.Delivery{}, err
	}
	if len(ds) != 1 {
		return journal.Delivery{}, fmt.Errorf("reading replay %s: found %d rows, expected 1",
			r.NewID, len(ds))
	}
	return ds[0], nil
}
