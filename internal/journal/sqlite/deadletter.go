package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// unreplayed is the condition that d, a dead deliveries row, was not
// replayed, and that its message did not reach its destination by the
// same route in another delivery: journal.DeadLetterFilter.Unreplayed.
//
// The unary plus on r.destination and r.status keeps SQLite from looking
// the other deliveries up by the index on (destination, status), which
// its planner prefers without statistics and which reads every delivered
// row of the destination for each dead one. By message_id, each dead
// delivery reads only its own message's deliveries.
const unreplayed = `(NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.replay_of = d.id)
	AND NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.message_id = d.message_id
		AND +r.destination = d.destination AND r.route = d.route
		AND +r.status = 'delivered'))`

// onePerMessage is the condition that no other delivery of d's message
// to its destination by its route was delivered, and that none created
// after d is dead: journal.DeadLetterFilter.OnePerMessage. The unary
// plus has the reason given for unreplayed.
const onePerMessage = `NOT EXISTS (SELECT 1 FROM deliveries n WHERE n.message_id = d.message_id
	AND +n.destination = d.destination AND n.route = d.route
	AND (+n.status = 'delivered' OR (+n.status = 'dead' AND n.seq > d.seq)))`

// DeadLetters implements journal.Scheduler. f.Reason matches case
// sensitively. Each dead letter comes with its attempts, and its Replays
// lists the replays oldest first.
func (s *Store) DeadLetters(
	ctx context.Context,
	f journal.DeadLetterFilter,
) ([]journal.DeadLetter, error) {
	var afterTime, afterSeq sql.NullInt64
	if f.After != "" {
		var err error
		afterTime, afterSeq, err = s.deadLetterPosition(ctx, f.After)
		if err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+deliveryColumns+`, m.source, m.sender_message_id, m.type,
			(SELECT json_group_array(r.id) FROM (
				SELECT r.id FROM deliveries r WHERE r.replay_of = d.id ORDER BY r.seq
			) AS r)
		FROM deliveries d JOIN messages m ON m.id = d.message_id
		WHERE d.status = 'dead'
			AND (?1 = '' OR d.destination = ?1)
			AND (?2 = '' OR d.route = ?2)
			AND (?3 = '' OR instr(d.reason, ?3) > 0)
			AND (?4 IS NULL OR d.updated_at >= ?4)
			AND (?5 IS NULL OR d.updated_at < ?5)
			AND (NOT ?7 OR `+unreplayed+`)
			AND (NOT ?13 OR `+onePerMessage+`)
			AND (?9 IS NULL OR d.destination IN (SELECT value FROM json_each(?9)))
			AND (?10 IS NULL OR d.destination NOT IN (SELECT value FROM json_each(?10)))
			AND (?11 IS NULL OR CASE WHEN ?8
				THEN (d.updated_at, d.seq) > (?11, ?12)
				ELSE (d.updated_at, d.seq) < (?11, ?12) END)
		ORDER BY
			CASE WHEN ?8 THEN d.updated_at END ASC, CASE WHEN ?8 THEN d.seq END ASC,
			d.updated_at DESC, d.seq DESC
		LIMIT ?6`,
		f.Destination, f.Route, f.Reason, nullMicros(f.From), nullMicros(f.To), f.EffectiveLimit(),
		f.Unreplayed, f.OldestFirst, nullJSONList(f.Destinations), nullJSONList(f.ExceptDestinations),
		afterTime, afterSeq, f.OnePerMessage)
	if err != nil {
		return nil, fmt.Errorf("reading dead letters: %w", err)
	}
	defer rows.Close()

	var letters []journal.DeadLetter
	for rows.Next() {
		l, err := scanDeadLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("reading dead letters: %w", err)
		}
		letters = append(letters, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading dead letters: %w", err)
	}
	if err := s.attachLetterAttempts(ctx, letters); err != nil {
		return nil, fmt.Errorf("reading dead letters: %w", err)
	}
	return letters, nil
}

// deadLetterPosition returns the time the dead delivery id died, in
// microseconds, and its seq, which order the dead letters. It returns an
// error wrapping journal.ErrInvalid when id is not a dead delivery's id.
func (s *Store) deadLetterPosition(ctx context.Context, id string) (updated, seq sql.NullInt64,
	err error) {
	err = s.db.QueryRowContext(ctx,
		"SELECT updated_at, seq FROM deliveries WHERE id = ? AND status = 'dead'",
		id).Scan(&updated, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return updated, seq, fmt.Errorf("%w dead letter filter after: %q is not a dead delivery's id",
			journal.ErrInvalid, id)
	}
	if err != nil {
		return updated, seq, fmt.Errorf("reading dead letter %s: %w", id, err)
	}
	return updated, seq, nil
}

// attachLetterAttempts reads the attempts of letters in one query and
// adds each to its letter.
func (s *Store) attachLetterAttempts(ctx context.Context, letters []journal.DeadLetter) error {
	if len(letters) == 0 {
		return nil
	}
	ids, err := json.Marshal(letterIDs(letters))
	if err != nil {
		return err
	}
	return inReadTx(ctx, s.db, func(tx *sql.Tx) error {
		attempts, err := queryAttempts(ctx, tx, selectAttempts+`
			WHERE a.delivery_id IN (SELECT value FROM json_each(?))
			ORDER BY a.delivery_id, a.number`, string(ids))
		if err != nil {
			return err
		}
		journal.AttachLetterAttempts(letters, attempts)
		return nil
	})
}

func letterIDs(letters []journal.DeadLetter) []string {
	ids := make([]string, len(letters))
	for i, l := range letters {
		ids[i] = l.ID
	}
	return ids
}

func scanDeadLetter(rows *sql.Rows) (journal.DeadLetter, error) {
	var (
		r       deliveryRow
		l       journal.DeadLetter
		replays string
	)
	err := rows.Scan(append(r.targets(), &l.Source, &l.SenderMessageID, &l.Type, &replays)...)
	if err != nil {
		return journal.DeadLetter{}, err
	}
	l.Delivery = r.delivery()
	if err := json.Unmarshal([]byte(replays), &l.Replays); err != nil {
		return journal.DeadLetter{}, fmt.Errorf("decoding replays of %s: %w", l.ID, err)
	}
	if len(l.Replays) == 0 {
		l.Replays = nil
	}
	return l, nil
}

// nullMicros returns t as microseconds rounded up, or NULL for the zero
// time. The stored times are whole microseconds, so comparing them with
// the rounded bound gives the same result as with t itself.
func nullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	us := t.UnixMicro()
	if time.UnixMicro(us).Before(t) {
		us++
	}
	return sql.NullInt64{Int64: us, Valid: true}
}

// nullJSONList returns names as a JSON array for json_each, or NULL for a nil
// slice.
func nullJSONList(names []string) sql.NullString {
	if names == nil {
		return sql.NullString{}
	}
	data, _ := json.Marshal(names) // a []string always marshals
	return sql.NullString{String: string(data), Valid: true}
}
