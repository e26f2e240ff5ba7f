package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sangam-hub/sangam/internal/journal"
)

var _ journal.KeyChecker = (*Store)(nil)

// CheckKey implements journal.KeyChecker.
func (s *Store) CheckKey(ctx context.Context, fingerprint string) error {
	var recorded string
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO journal_settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO NOTHING`, journal.KeySetting, fingerprint)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM journal_settings WHERE name = ?`,
			journal.KeySetting).Scan(&recorded)
	})
	if err != nil {
		return fmt.Errorf("checking the Aadhaar key: %w", err)
	}
	return journal.CompareKey(recorded, fingerprint)
}
