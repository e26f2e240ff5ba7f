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
// An escalation keeps the holders of its request, which Escalation
// copies, and adds its own after them, so that its copy names every
// unit that may report, as the verification status does. A request
// whose destinations name no police unit gets no holders, and then only
// its station and district office may report on it. Holders implements
// ingest.RoutedEnricher.
type Holders struct{}

// EnrichRouted implements ingest.RoutedEnricher.
func (Holders) EnrichRouted(m *canonical.Message, table *routes.Table, targets []routes.Target) {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil {
		return
	}
	var requestHolders []string
	if r.Escalated {
		requestHolders = slices.Clone(r.HeldBy)
	}
	r.HeldBy = union(requestHolders, policeUnits(table, targets))
}

// policeUnits returns the police units of the destinations of targets
// in table, each once, in the order of targets.
func policeUnits(table *routes.Table, targets []routes.Target) []string {
	var units []string
	for _, t := range targets {
		d, ok := table.Destination(t.Destination)
		if ok && d.PoliceUnit != "" && !slices.Contains(units, d.PoliceUnit) {
			units = append(units, d.PoliceUnit)
		}
	}
	return units
}

// holders returns the police units that hold request: those the request
// was delivered to, then those its escalation was, when the hub
// escalated it.
func holders(ctx context.Context, store journal.Store, request canonical.Message) ([]string, error) {
	units := slices.Clone(request.VerificationRequest.HeldBy)
	j, escalated, err := escalationJourney(ctx, store, request.ID)
	if err != nil || !escalated {
		return units, err
	}
	if esc := j.Message.VerificationRequest; esc != nil {
		units = union(units, esc.HeldBy)
	}
	return units, nil
}
