package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/journal"
)

// queueClaims queues the statements that end the claims that row's
// entry releases and then take the ones it claims for its message. Once
// the batch runs, *lost lists each claim that another message holds. An
// insert that meets an uncommitted claim waits for that transaction and
// takes the claim only if it rolls back.
func queueClaims(b *pgx.Batch, row messageRow, lost *[]journal.Claim) {
	for _, r := range row.entry.Releases {
		b.Queue(`DELETE FROM claims WHERE kind = $1 AND ($2 = '' OR key = $2) AND message_id = $3`,
			r.Kind, r.Key, r.Holder)
	}
	for _, c := range row.entry.Claims {
		b.Queue(`
			INSERT INTO claims (kind, key, message_id) VALUES ($1, $2, $3)
			ON CONFLICT (kind, key) DO NOTHING`,
			c.Kind, c.Key, row.entry.Message.ID).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				*lost = append(*lost, c)
			}
			return nil
		})
	}
}

// claimedError returns the *journal.ClaimedError for claim c, which tx
// could not take, naming the message that holds it.
func claimedError(ctx context.Context, tx pgx.Tx, c journal.Claim) error {
	holder, err := claimHolder(ctx, tx, c)
	if err != nil {
		return err
	}
	return &journal.ClaimedError{Claim: c, Holder: holder}
}

// ClaimHolder implements journal.Store.
func (s *Store) ClaimHolder(ctx context.Context, c journal.Claim) (string, error) {
	return claimHolder(ctx, s.pool, c)
}

// ClaimsUnder implements journal.Store. Keys compare in byte order
// (COLLATE "C"), as the prefix range needs, whatever the database's
// collation.
func (s *Store) ClaimsUnder(ctx context.Context, kind, prefix string) ([]journal.HeldClaim, error) {
	query := `SELECT key, message_id FROM claims WHERE kind = $1 AND key COLLATE "C" >= $2`
	args := []any{kind, prefix}
	if end := journal.PrefixEnd(prefix); end != "" {
		query += ` AND key COLLATE "C" < $3`
		args = append(args, end)
	}
	query += ` ORDER BY key COLLATE "C"`
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the claims of %s under %q: %w", kind, prefix, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (journal.HeldClaim, error) {
		c := journal.HeldClaim{Claim: journal.Claim{Kind: kind}}
		err := row.Scan(&c.Key, &c.Holder)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the claims of %s under %q: %w", kind, prefix, err)
	}
	return slices.DeleteFunc(out, func(c journal.HeldClaim) bool {
		return !strings.HasPrefix(c.Key, prefix)
	}), nil
}

// rowQuerier is a pool or a transaction.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// claimHolder returns the id of the message that holds c, read through
// q, or journal.ErrNotFound.
func claimHolder(ctx context.Context, q rowQuerier, c journal.Claim) (string, error) {
	var holder string
	err := q.QueryRow(ctx, `SELECT message_id FROM claims WHERE kind = $1 AND key = $2`,
		c.Kind, c.Key).Scan(&holder)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", journal.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("reading the holder of %s: %w", c, err)
	}
	return holder, nil
}
