package postgres

import (
	"context"
	"fmt"

	"github.com/sangam-hub/sangam/internal/journal"
)

var _ journal.KeyChecker = (*Store)(nil)

// CheckKey implements journal.KeyChecker.
func (s *Store) CheckKey(ctx context.Context, fingerprint string) error {
	// Two statements, so that the select reads a value another replica
	// committed while the insert waited for it.
	_, err := s.pool.Exec(ctx, `INSERT INTO journal_settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, journal.KeySetting, fingerprint)
	if err != nil {
		return fmt.Errorf("checking the Aadhaar key: %w", err)
	}
	var recorded string
	err = s.pool.QueryRow(ctx, `SELECT value FROM journal_settings WHERE name = $1`,
		journal.KeySetting).Scan(&recorded)
	if err != nil {
		return fmt.Errorf("checking the Aadhaar key: %w", err)
	}
	return journal.CompareKey(recorded, fingerprint)
}
