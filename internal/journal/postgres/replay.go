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

// Replay implements journal.Scheduler. It takes a row lock on the dead
// delivery before it looks for an earlier replay, so concurrent replays
// of one delivery take turns and, without Force, only the first creates
// one. r.DeliveryID, r.NewID and r.By are required, and a zero r.At means
// the current time. The new delivery is created, due and queued at r.At,
// follows the message's other deliveries in Journey, and comes after
// every existing delivery in the order of its case. An existing replay
// is the newest one, with its attempts.
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
	r.At = r.At.UTC().Truncate(time.Microsecond)
	// The journal keeps whole microseconds, so a replay made at
	// ForcedSince itself reads as made at or after it.
	r.ForcedSince = r.ForcedSince.Truncate(time.Microsecond)

	var out journal.Replayed
	var topics journal.Topics
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
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
	tx pgx.Tx,
	r journal.ReplayRequest,
	outgoing func(journal.Delivery) journal.Outgoing,
	topics *journal.Topics,
) (journal.Replayed, error) {
	destination, err := lockDeadDelivery(ctx, tx, r.DeliveryID)
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

// lockDeadDelivery locks the delivery's row until tx ends and returns its
// destination. It returns journal.ErrNotFound or journal.ErrNotDead when
// the delivery is missing or not dead.
func lockDeadDelivery(ctx context.Context, tx pgx.Tx, deliveryID string) (string, error) {
	var status, destination string
	err := tx.QueryRow(ctx, "SELECT status, destination FROM deliveries WHERE id = $1 FOR UPDATE",
		deliveryID).Scan(&status, &destination)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", journal.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("locking delivery: %w", err)
	}
	if status != journal.StatusDead {
		return "", journal.ErrNotDead
	}
	return destination, nil
}

// latestReplay returns the newest replay of the delivery, with its
// attempts. It runs after the row lock is taken, in a statement of its
// own, so under READ COMMITTED it reads a replay that the lock's previous
// holder committed. The replay and its attempts come from that one
// statement, so a delivery worker that settles the replay meanwhile
// cannot pair its old status with its new attempt.
func latestReplay(ctx context.Context, tx pgx.Tx, deliveryID string) (journal.Delivery, bool, error) {
	var (
		r        deliveryRow
		attempts []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT `+deliveryColumns+`, a.attempts
		FROM deliveries d CROSS JOIN LATERAL (`+attemptsOfDelivery+`) a
		WHERE d.replay_of = $1 ORDER BY d.seq DESC LIMIT 1`,
		deliveryID).Scan(append(r.targets(), &attempts)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return journal.Delivery{}, false, nil
	}
	if err != nil {
		return journal.Delivery{}, false, fmt.Errorf("reading earlier replay: %w", err)
	}
	if afterReplayRead != nil {
		afterReplayRead(r.d.ID)
	}

	d := r.delivery()
	if err := decodeAttempts(&d, attempts); err != nil {
		return journal.Delivery{}, false, fmt.Errorf("reading earlier replay %s: %w", d.ID, err)
	}
	return d, true, nil
}

// afterReplayRead, when not nil, is called by latestReplay with the id
// of the replay it read, so that a test can settle the replay then.
var afterReplayRead func(replayID string)

// insertReplay inserts the pending copy of the dead delivery and returns
// it. It returns an error wrapping journal.ErrInvalid when r.NewID is
// already a delivery's id.
func insertReplay(ctx context.Context, tx pgx.Tx, r journal.ReplayRequest) (journal.Delivery, error) {
	rows, _ := tx.Query(ctx, `
		INSERT INTO deliveries AS d (
			id, message_id, position, destination, route, case_key, status,
			next_attempt_at, queued_at, replay_of, replayed_by, created_at, updated_at,
			idempotency_key
		)
		SELECT $2, o.message_id,
			(SELECT max(p.position) + 1 FROM deliveries p WHERE p.message_id = o.message_id),
			o.destination, o.route, o.case_key, 'pending', $3, $3, o.id, $4, $3, $3,
			CASE WHEN $5 THEN '' WHEN o.idempotency_key = '' THEN o.id ELSE o.idempotency_key END
		FROM deliveries o WHERE o.id = $1
		RETURNING `+deliveryColumns,
		r.DeliveryID, r.NewID, r.At, r.By, r.Force)
	d, err := pgx.CollectExactlyOneRow(rows, scanDelivery)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName == "deliveries_pkey" {
		return journal.Delivery{}, fmt.Errorf("%w replay new_id: %q is already a delivery's id",
			journal.ErrInvalid, r.NewID)
	}
	if err != nil {
		return journal.Delivery{}, fmt.Errorf("inserting replay %s: %w", r.NewID, err)
	}
	return d, nil
}
