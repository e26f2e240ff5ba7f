package verification

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/courtfiling"
)

// CaseResolver fills in the FIR of each case that a prisoner movement or
// a court order names by CNR alone, from the newest court registration of
// that CNR that accepted its filing and was not withdrawn (see FIRByCNR).
// The routes that look for the FIR's police station then match,
// and the message joins the FIR's case. The case records that
// registration's hub id in FIRResolvedFrom. For a CNR that no
// registration has tied to an FIR, it records the reason in
// FIRUnresolved instead. A message whose case key was its first CNR's
// takes the FIR's key. Its fields are set once before use.
type CaseResolver struct {
	// Index contains the court registrations. Required.
	Index *Index
}

// Enrich implements ingest.Enricher. An index failure returns an error,
// so the hub stores nothing and the sender may send the message again.
func (c *CaseResolver) Enrich(ctx context.Context, m *canonical.Message) error {
	var (
		cases []*canonical.CaseRef
		keyOf func() string
	)
	switch {
	case m.Type == canonical.TypeMovement && m.Movement != nil:
		p := &m.Movement.Prisoner
		cases = refs(p.Cases)
		keyOf = func() string { return p.CaseKey() }
	case m.Type == canonical.TypeCourtOrder && m.CourtOrder != nil:
		o := m.CourtOrder
		cases = append(refs(o.Prisoner.Cases), &o.Case)
		keyOf = func() string { return o.CaseKey() }
	default:
		return nil
	}
	keyBefore := keyOf()
	for _, ref := range cases {
		if err := c.resolve(ctx, ref); err != nil {
			return err
		}
	}
	if m.CaseKey == keyBefore {
		m.CaseKey = keyOf()
	}
	return nil
}

// refs returns a pointer to each of cases.
func refs(cases []canonical.CaseRef) []*canonical.CaseRef {
	out := make([]*canonical.CaseRef, len(cases))
	for i := range cases {
		out[i] = &cases[i]
	}
	return out
}

// resolve fills in the FIR of ref when ref names a CNR alone.
func (c *CaseResolver) resolve(ctx context.Context, ref *canonical.CaseRef) error {
	if ref.FIR != nil || ref.CNR == "" {
		return nil
	}
	fir, from, found, err := c.Index.FIRByCNR(ctx, ref.CNR)
	if err != nil {
		return fmt.Errorf("finding the FIR of CNR %s: %w", ref.CNR, err)
	}
	if !found {
		withdrawn, err := c.Index.withdrawnRegistrations(ctx, ref.CNR)
		if err != nil {
			return err
		}
		if len(withdrawn) > 0 {
			ref.FIRUnresolved = withdrawnReason(ref.CNR, withdrawn)
			return nil
		}
		declined, err := c.Index.declinedRegistrations(ctx, ref.CNR)
		if err != nil {
			return err
		}
		ref.FIRUnresolved = unresolvedReason(ref.CNR, declined)
		return nil
	}
	ref.FIR, ref.FIRResolvedFrom = &fir, from
	return nil
}

// unresolvedReason returns why the FIR of cnr is unknown, given its
// registrations that rejected or returned their filing, each as a hub id
// and the filing status.
func unresolvedReason(cnr string, declined []string) string {
	if len(declined) == 0 {
		return fmt.Sprintf("no accepted court registration of CNR %s that names a FIR has reached "+
			"the hub, so the case's FIR and police station are unknown", cnr)
	}
	return fmt.Sprintf("every court registration of CNR %s that reached the hub rejected or "+
		"returned its filing (%s) and none accepted one, so the case's FIR and police station "+
		"are unknown", cnr, strings.Join(declined, ", "))
}

// withdrawnReason returns why the FIR of cnr is unknown when each of its
// accepted registrations had its filing rejected or returned after it.
func withdrawnReason(cnr string, withdrawn []string) string {
	return fmt.Sprintf("every accepted court registration of CNR %s was withdrawn because the "+
		"court returned or rejected its filing after registering it (%s), so the case's FIR "+
		"and police station are unknown", cnr, strings.Join(withdrawn, "; "))
}

// withdrawnRegistrations returns the accepted registrations of cnr whose
// filing a callback of the court then rejected or returned, in id order,
// each as "hub message ID, filing F, withdrawn by hub message D:
// status".
func (x *Index) withdrawnRegistrations(ctx context.Context, cnr string) ([]string, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT r.message_id, r.filing_id, d.message_id, d.status
		FROM verification_case_registrations r
		JOIN verification_declined_registrations d ON d.filing_id = r.filing_id
		WHERE r.cnr = $1 AND r.filing_id <> ''
		ORDER BY r.message_id, d.message_id`, cnr)
	if err != nil {
		return nil, fmt.Errorf("reading the withdrawn registrations of CNR %s: %w", cnr, err)
	}
	defer rows.Close()
	var withdrawn []string
	for rows.Next() {
		var id, filing, declinedBy, status string
		if err := rows.Scan(&id, &filing, &declinedBy, &status); err != nil {
			return nil, fmt.Errorf("reading the withdrawn registrations of CNR %s: %w", cnr, err)
		}
		withdrawn = append(withdrawn, fmt.Sprintf("hub message %s, filing %s, withdrawn by hub message %s: %s",
			id, filing, declinedBy, courtfiling.FilingStatus(status)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the withdrawn registrations of CNR %s: %w", cnr, err)
	}
	return withdrawn, nil
}

// declinedRegistrations returns the registrations of cnr that rejected
// or returned their filing, in id order, each as "hub message ID: status".
func (x *Index) declinedRegistrations(ctx context.Context, cnr string) ([]string, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT message_id, status FROM verification_declined_registrations
		WHERE cnr = $1 ORDER BY message_id`, cnr)
	if err != nil {
		return nil, fmt.Errorf("reading the declined registrations of CNR %s: %w", cnr, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, fmt.Errorf("reading the declined registrations of CNR %s: %w", cnr, err)
		}
		ids = append(ids, fmt.Sprintf("hub message %s: %s", id, courtfiling.FilingStatus(status)))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the declined registrations of CNR %s: %w", cnr, err)
	}
	return ids, nil
}

// FIRByCNR returns the FIR of the newest court registration of cnr that
// names one, by the hub's received time, and that registration's hub
// id. A registration whose filing a callback of the court rejected or
// returned, before or after it, is withdrawn and does not count. found is
// false when no registration counts.
func (x *Index) FIRByCNR(ctx context.Context, cnr string) (
	fir canonical.FIRRef, registrationID string, found bool, err error) {
	var ref string
	err = x.db.QueryRowContext(ctx, `SELECT fir_ref, message_id
		FROM verification_case_registrations r WHERE cnr = $1
		AND NOT (filing_id <> '' AND EXISTS (SELECT 1 FROM verification_declined_registrations d
			WHERE d.filing_id = r.filing_id))
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
// that names both, with the hub id of the final report it registers. A
// registration that rejects or returns its filing ties the CNR to no
// FIR, because the court took no case from it, so only its status is
// recorded. It is recorded when it names a CNR or a final report of the
// hub, since it withdraws the accepted registrations of that report (see
// FIRByCNR). The courtfiling guard rejects a callback that accepts a
// filing once a callback rejected or returned it, so the order in which
// callbacks are indexed does not matter. Other messages change nothing.
func recordRegistration(ctx context.Context, tx *sql.Tx, m *canonical.Message) error {
	r := m.CourtRegistration
	if m.Type != canonical.TypeCourtRegistration || r == nil {
		return nil
	}
	// Only a hub message id names one filing for certain. The court's
	// own filing id of a filing made on its portal may repeat at
	// another court.
	filingID := m.CorrelationID
	if r.UnknownFiling {
		filingID = ""
	}
	if courtfiling.Rejected(r.Status) {
		if r.CNR == "" && filingID == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO verification_declined_registrations
			(cnr, message_id, status, filing_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			r.CNR, m.ID, r.Status, filingID)
		if err != nil {
			return fmt.Errorf("recording the declined registration of filing %q, CNR %q: %w",
				filingID, r.CNR, err)
		}
		return nil
	}
	if r.CNR == "" || r.FIR == nil {
		return nil
	}
	ref, err := json.Marshal(r.FIR)
	if err != nil {
		return fmt.Errorf("encoding the FIR of CNR %s: %w", r.CNR, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO verification_case_registrations
		(cnr, message_id, fir_ref, received_at, filing_id) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, r.CNR, m.ID, string(ref), m.ReceivedAt.UnixMicro(), filingID)
	if err != nil {
		return fmt.Errorf("recording the registration of CNR %s: %w", r.CNR, err)
	}
	return nil
}
