package verification

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
)

// CaseResolver fills in the FIR of each case that a prisoner movement
// names by CNR alone, from the newest court registration of that CNR.
// The routes that look for the FIR's police station then match. The
// case records that registration's hub id in FIRResolvedFrom. For a CNR
// that no registration has tied to an FIR, it records the reason in
// FIRUnresolved instead. A movement whose case key was its first CNR's
// takes the FIR's key. Its fields are set once before use.
type CaseResolver struct {
	// Index holds the court registrations. Required.
	Index *Index
}

// Enrich implements ingest.Enricher. An index failure returns an error,
// so the hub stores nothing and the prison may send the movement again.
func (c *CaseResolver) Enrich(ctx context.Context, m *canonical.Message) error {
	mv := m.Movement
	if m.Type != canonical.TypeMovement || mv == nil {
		return nil
	}
	keyBefore := mv.Prisoner.CaseKey()
	for i := range mv.Prisoner.Cases {
		ref := &mv.Prisoner.Cases[i]
		if ref.FIR != nil || ref.CNR == "" {
			continue
		}
		fir, from, found, err := c.Index.FIRByCNR(ctx, ref.CNR)
		if err != nil {
			return fmt.Errorf("finding the FIR of CNR %s: %w", ref.CNR, err)
		}
		if !found {
			ref.FIRUnresolved = fmt.Sprintf("no court registration of CNR %s has reached the hub, "+
				"so the case's FIR and police station are unknown", ref.CNR)
			continue
		}
		ref.FIR, ref.FIRResolvedFrom = &fir, from
	}
	if m.CaseKey == keyBefore {
		m.CaseKey = mv.Prisoner.CaseKey()
	}
	return nil
}

// FIRByCNR returns the FIR of the newest court registration of cnr that
// names one, by the hub's received time, and that registration's hub
// id. found is false when the index has no such registration.
func (x *Index) FIRByCNR(ctx context.Context, cnr string) (
	fir canonical.FIRRef, registrationID string, found bool, err error) {
	var ref string
	err = x.db.QueryRowContext(ctx, `SELECT fir_ref, message_id
		FROM verification_case_registrations WHERE cnr = $1
		ORDER BY received_at DESC, message_id DESC LIMIT 1`, cnr).Scan(&ref, &registrationID)
	if errors.Is(err, sql.ErrNoRows) {
		return canonical.FIRRef{}, "", false, nil
	}
	if err != nil {
		return canonical.FIRRef{}, "", false, fmt.Errorf("reading the registrations of CNR %s: %w", cnr, err)
	}
	if err := json.Unmarshal([]byte(ref), &fir); err != nil {
		return canonical.FIRRef{}, "", false, fmt.Errorf("decoding the FIR of CNR %s in registration %s: %w",
			cnr, registrationID, err)
	}
	return fir, registrationID, true, nil
}

// recordRegistration records the CNR and FIR of m, a court registration
// that names both. Other messages change nothing.
func recordRegistration(ctx context.Context, tx *sql.Tx, m *canonical.Message) error {
	r := m.CourtRegistration
	if m.Type != canonical.TypeCourtRegistration || r == nil || r.CNR == "" || r.FIR == nil {
		return nil
	}
	ref, err := json.Marshal(r.FIR)
	if err != nil {
		return fmt.Errorf("encoding the FIR of CNR %s: %w", r.CNR, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO verification_case_registrations
		(cnr, message_id, fir_ref, received_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, r.CNR, m.ID, string(ref), m.ReceivedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("recording the registration of CNR %s: %w", r.CNR, err)
	}
	return nil
}
