package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/internal/journal"
)

// writeClaims ends the claims that row's entry releases and then takes
// the ones it claims for its message. For a claim that another message
// holds it returns a *journal.ClaimedError, which rolls back tx.
func writeClaims(ctx context.Context, tx *sql.Tx, row messageRow) error {
	for _, r := range row.entry.Releases {
		_, err := tx.ExecContext(ctx, `
			DELETE FROM claims WHERE kind = ?1 AND (?2 = '' OR key = ?2) AND message_id = ?3`,
			r.Kind, r.Key, r.Holder)
		if err != nil {
			return fmt.Errorf("releasing %s: %w", r.Claim, err)
		}
	}
	for _, c := range row.entry.Claims {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO claims (kind, key, message_id) VALUES (?, ?, ?)
			ON CONFLICT (kind, key) DO NOTHING`,
			c.Kind, c.Key, row.entry.Message.ID)
		if err != nil {
			return fmt.Errorf("claiming %s: %w", c, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("claiming %s: %w", c, err)
		}
		if n == 1 {
			continue
		}
		holder, err := claimHolder(ctx, tx, c)
		if err != nil {
			return err
		}
		return &journal.ClaimedError{Claim: c, Holder: holder}
	}
	return nil
}

// ClaimHolder implements journal.Store.
func (s *Store) ClaimHolder(ctx context.Context, c journal.Claim) (string, error) {
	return claimHolder(ctx, s.db, c)
}

// ClaimsUnder implements journal.Store.
func (s *Store) ClaimsUnder(ctx context.Context, kind, prefix string) ([]journal.HeldClaim, error) {
	query := `SELECT key, message_id FROM claims WHERE kind = ? AND key >= ?`
	args := []any{kind, prefix}
	if end := journal.PrefixEnd(prefix); end != "" {
		query += ` AND key < ?`
		args = append(args, end)
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY key`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the claims of %s under %q: %w", kind, prefix, err)
	}
	defer rows.Close()
	var out []journal.HeldClaim
	for rows.Next() {
		c := journal.HeldClaim{Claim: journal.Claim{Kind: kind}}
		if err := rows.Scan(&c.Key, &c.Holder); err != nil {
			return nil, fmt.Errorf("reading the claims of %s under %q: %w", kind, prefix, err)
		}
		if strings.HasPrefix(c.Key, prefix) {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the claims of %s under %q: %w", kind, prefix, err)
	}
	return out, nil
}

// rowQuerier is a *sql.DB or a *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// claimHolder returns the id of the message that holds c, read through
// q, or journal.ErrNotFound.
func claimHolder(ctx context.Context, q rowQuerier, c journal.Claim) (string, error) {
	var holder string
	err := q.QueryRowContext(ctx, `SELECT message_id FROM claims WHERE kind = ? AND key = ?`,
		c.Kind, c.Key).Scan(&holder)
	if errors.Is(err, sql.ErrNoRows) {
		return "", journal.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("reading the holder of %s: %w", c, err)
	}
	return holder, nil
}
