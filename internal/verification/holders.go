package verification

import (
	"context"
	"slices"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/routes"
)

// Holders records on each verification request, escalations included,
// the police units that the routes deliver it to. These are the
// police_unit values of its destinations, in the order of the routes.
// A request whose destinations name no police unit gets no holders, and
// then only its station and district office may report on it. Holders
// implements ingest.RoutedEnricher.
type Holders struct{}

// EnrichRouted implements ingest.RoutedEnricher.
func (Holders) EnrichRouted(m *canonical.Message, table *routes.Table, targets []routes.Target) {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil {
		return
	}
	var units []string
	for _, t := range targets {
		d, ok := table.Destination(t.Destination)
		if ok && d.PoliceUnit != "" && !slices.Contains(units, d.PoliceUnit) {
			units = append(units, d.PoliceUnit)
		}
	}
	r.HeldBy = units
}

// holders returns the police units that hold request: those the request
// was delivered to, then those its escalation was, when the hub
// escalated it.
func holders(ctx context.Context, store journal.Store, request canonical.Message) ([]string, error) {
	units := slices.Clone(request.VerificationRequest.HeldBy)
	found, err := store.Find(ctx, journal.Query{
		Source: EscalationSource, SenderMessageID: EscalationPrefix + request.ID, Limit: 1,
	})
	if err != nil || len(found) == 0 {
		return units, err
	}
	j, err := store.Journey(ctx, found[0].MessageID)
	if err != nil {
		return units, err
	}
	if esc := j.Message.VerificationRequest; esc != nil {
		for _, u := range esc.HeldBy {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	return units, nil
}
