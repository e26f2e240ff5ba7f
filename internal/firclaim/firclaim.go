// Package firclaim keeps one FIR document per FIR in the journal, as an
// ingest claimer. A police station registers an FIR once, under its
// number. A second FIR document with that number and another message id
// would give the case two versions of its first information.
package firclaim

import (
	"context"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleFIRExists is the violation rule of an FIR document for an FIR that
// the journal holds another FIR document of.
const RuleFIRExists = "fir-exists"

// ClaimFIR is the kind of journal claim that an FIR document holds,
// keyed by the FIR's case key.
const ClaimFIR = "fir-document"

// FIRs rejects a second FIR document for one FIR. Its field is set once
// before use.
type FIRs struct {
	// Journal contains the FIR documents already journaled. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer: an FIR document claims its FIR.
func (f *FIRs) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	if m.Type != canonical.TypeFIR || m.FIR == nil {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimFIR, Key: m.FIR.Ref.Key()}}, nil
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at /fir/ref that names the FIR document journaled before.
func (f *FIRs) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := f.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading FIR document %s: %w", claimed.Holder, err)
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/fir/ref", Rule: RuleFIRExists,
		Message: fmt.Sprintf("%s was registered before, as hub message %s (sender message id %s): "+
			"an FIR is registered once; resend that document with its own message id, or correct "+
			"the FIR number", m.FIR.Ref, j.MessageID, journal.QuoteID(j.SenderMessageID)),
	}}}}
}
