package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/journal"
)

// unreplayed is the condition that d, a dead deliveries row, was not
// replayed, and that its message did not reach its destination by the
// same route in another delivery: journal.DeadLetterFilter.Unreplayed.
const unreplayed = `NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.replay_of = d.id
	OR (r.message_id = d.message_id AND r.destination = d.destination
		AND r.route = d.route AND r.status = 'delivered'))`

// onePerMessage is the condition that no other delivery of d's message
// to its destination by its route was delivered, and that none created
// after d is dead: journal.DeadLetterFilter.OnePerMessage.
const onePerMessage = `NOT EXISTS (SELECT 1 FROM deliveries n WHERE n.message_id = d.message_id
	AND n.destination = d.destination AND n.route = d.route
	AND (n.status = 'delivered' OR (n.status = 'dead' AND n.seq > d.seq)))`

// DeadLetters implements journal.Scheduler. f.Reason matches case
// sensitively. Each dead letter comes with its attempts, and its Replays
// lists the replays oldest first.
func (s *Store) DeadLetters(
	ctx context.Context,
	f journal.DeadLetterFilter,
) ([]journal.DeadLetter, error) {
	var afterTime *time.Time
	var afterSeq *int64
	if f.After != "" {
		var err error
		afterTime, afterSeq, err = s.deadLetterPosition(ctx, f.After)
		if err != nil {
			return nil, err
		}
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT `+deliveryColumns+`, m.source, m.sender_message_id, m.type,
			array(SELECT r.id FROM deliveries r WHERE r.replay_of = d.id ORDER BY r.seq)
		FROM deliveries d JOIN messages m ON m.id = d.message_id
		WHERE d.status = 'dead'
			AND ($1 = '' OR d.destination = $1)
			AND ($2 = '' OR d.route = $2)
			AND ($3 = '' OR strpos(d.reason, $3) > 0)
			AND ($4::timestamptz IS NULL OR d.updated_at >= $4)
			AND ($5::timestamptz IS NULL OR d.updated_at < $5)
			AND (NOT $7 OR `+unreplayed+`)
			AND (NOT $13 OR `+onePerMessage+`)
			AND ($9::text[] IS NULL OR d.destination = ANY($9))
			AND ($10::text[] IS NULL OR d.destination <> ALL($10))
			AND ($11::timestamptz IS NULL OR CASE WHEN $8
				THEN (d.updated_at, d.seq) > ($11, $12::bigint)
				ELSE (d.updated_at, d.seq) < ($11, $12::bigint) END)
		ORDER BY
			CASE WHEN $8 THEN d.updated_at END ASC, CASE WHEN $8 THEN d.seq END ASC,
			d.updated_at DESC, d.seq DESC
		LIMIT $6`,
		f.Destination, f.Route, f.Reason, nullTime(f.From), nullTime(f.To), f.EffectiveLimit(),
		f.Unreplayed, f.OldestFirst, f.Destinations, f.ExceptDestinations, afterTime, afterSeq, f.OnePerMessage)
	letters, err := pgx.CollectRows(rows, scanDeadLetter)
	if err != nil {
		return nil, fmt.Errorf("reading dead letters: %w", err)
	}
	if len(letters) == 0 {
		return letters, nil
	}

	ids := make([]string, len(letters))
	for i, l := range letters {
		ids[i] = l.ID
	}
	rows, _ = s.pool.Query(ctx, selectAttempts+`
		WHERE a.delivery_id = ANY($1) ORDER BY a.delivery_id, a.number`, ids)
	attempts, err := pgx.CollectRows(rows, scanAttempt)
	if err != nil {
		return nil, fmt.Errorf("reading attempts of dead letters: %w", err)
	}
	journal.AttachLetterAttempts(letters, attempts)
	return letters, nil
}

// deadLetterPosition returns the time the dead delivery id died and its
// seq, which order the dead letters. It returns an error wrapping
// journal.ErrInvalid when id is not a dead delivery's id.
func (s *Store) deadLetterPosition(ctx context.Context, id string) (*time.Time, *int64, error) {
	var (
		updated time.Time
		seq     int64
	)
	err := s.pool.QueryRow(ctx,
		"SELECT updated_at, seq FROM deliveries WHERE id = $1 AND status = 'dead'",
		id).Scan(&updated, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, fmt.Errorf("%w dead letter filter after: %q is not a dead delivery's id",
			journal.ErrInvalid, id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading dead letter %s: %w", id, err)
	}
	return &updated, &seq, nil
}

func scanDeadLetter(row pgx.CollectableRow) (journal.DeadLetter, error) {
	var (
		r       deliveryRow
		l       journal.DeadLetter
		replays []string
	)
	err := row.Scan(append(r.targets(), &l.Source, &l.SenderMessageID, &l.Type, &replays)...)
	l.Delivery = r.delivery()
	if len(replays) > 0 {
		l.Replays = replays
	}
	return l, err
}

// nullTime returns t rounded up to the microsecond, or nil (NULL) for the
// zero time. The stored times are whole microseconds, so comparing them
// with the rounded bound gives the same result as with t itself.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	up := t.Truncate(time.Microsecond)
	if up.Before(t) {
		up = up.Add(time.Microsecond)
	}
	return &up
}
