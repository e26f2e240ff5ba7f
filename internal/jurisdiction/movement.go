package jurisdiction

import (
	"context"

	"github.com/sangam-hub/sangam/canonical"
)

// HomeStation is an ingest enricher that fills a prisoner movement's
// HomePoliceStation, on releases and escapes, from the prisoner's
// permanent address, or the present one when there is no permanent one.
// A movement whose address maps to no station keeps the field empty: the
// FIR's station still hears of it.
type HomeStation struct {
	Table *Table
}

// Enrich implements ingest.Enricher.
func (h HomeStation) Enrich(_ context.Context, m *canonical.Message) error {
	mv := m.Movement
	if mv == nil || (mv.Kind != canonical.MoveRelease && mv.Kind != canonical.MoveEscape) {
		return nil
	}
	for _, kind := range []string{"permanent", "present"} {
		for _, a := range mv.Prisoner.Person.Addresses {
			if a.Kind != kind {
				continue
			}
			if s, err := h.Table.Lookup(a); err == nil {
				mv.HomePoliceStation = s.Code
				return nil
			}
		}
	}
	return nil
}
