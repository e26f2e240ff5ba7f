package verification

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sangam-hub/sangam/internal/journal"
)

// UnitLookup returns the police_unit of a destination in the routes
// version that routed a message (journal.Journey.RoutesVersion), or ""
// when the destination has none or the version is not stored. An error
// means the lookup could not be made, such as when the store fails.
type UnitLookup func(ctx context.Context, routesVersion, destination string) (string, error)

// Delivery is the delivery of a request, or of its escalation, to a
// police unit: one delivery and the replays of it.
type Delivery struct {
	// PoliceUnit is the police_unit of the destination.
	PoliceUnit string `json:"police_unit"`
	// MessageID is the hub id of the request or of its escalation.
	MessageID string `json:"message_id"`
	// Status is journal.StatusDelivered once the delivery or a replay of
	// it was delivered, journal.StatusPending while the hub still tries,
	// and journal.StatusDead when it and every replay were dead-lettered.
	Status string `json:"status"`
	// DeliveryID is the id of the newest delivery among the delivery and
	// its replays. For a dead one, it is the dead letter that an operator
	// replays to deliver the request.
	DeliveryID string `json:"delivery_id"`
}

// deliveries returns the deliveries of request and of its escalation, if
// the hub escalated it, to destinations that have a police unit. Those
// to other destinations are left out. units nil returns none.
func deliveries(
	ctx context.Context,
	store journal.Store,
	units UnitLookup,
	request journal.Journey,
) ([]Delivery, error) {
	if units == nil {
		return nil, nil
	}
	journeys := []journal.Journey{request}
	esc, escalated, err := escalationJourney(ctx, store, request.MessageID)
	if err != nil {
		return nil, err
	}
	if escalated {
		journeys = append(journeys, esc)
	}
	var out []Delivery
	for _, j := range journeys {
		ds, err := unitDeliveries(ctx, units, j)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// escalationJourney returns the journey of the hub's escalation of
// request requestID, and whether the hub escalated it.
func escalationJourney(
	ctx context.Context,
	store journal.Store,
	requestID string,
) (journal.Journey, bool, error) {
	found, err := store.Find(ctx, journal.Query{
		Source: EscalationSource, SenderMessageID: EscalationPrefix + requestID, Limit: 1,
	})
	if err != nil {
		return journal.Journey{}, false, fmt.Errorf("finding the escalation of %s: %w", requestID, err)
	}
	if len(found) == 0 {
		return journal.Journey{}, false, nil
	}
	esc, err := store.Journey(ctx, found[0].MessageID)
	if err != nil {
		return journal.Journey{}, false, fmt.Errorf("reading escalation %s: %w", found[0].MessageID, err)
	}
	return esc, true, nil
}

// unitDeliveries returns the deliveries of j's message to destinations
// that have a police unit.
func unitDeliveries(ctx context.Context, units UnitLookup, j journal.Journey) ([]Delivery, error) {
	var out []Delivery
	for _, chain := range journal.Chains(j.Deliveries) {
		unit, err := units(ctx, j.RoutesVersion, chain[0].Destination)
		if err != nil {
			return nil, fmt.Errorf("reading the police unit of destination %s: %w",
				chain[0].Destination, err)
		}
		if unit == "" {
			continue
		}
		out = append(out, Delivery{
			PoliceUnit: unit, MessageID: j.MessageID, Status: journal.ChainStatus(chain),
			DeliveryID: chain[len(chain)-1].ID,
		})
	}
	return out, nil
}

// undelivered reports whether ds has deliveries and none of them was
// delivered or is still pending, so that no police unit has the request.
func undelivered(ds []Delivery) bool {
	for _, d := range ds {
		if d.Status != journal.StatusDead {
			return false
		}
	}
	return len(ds) > 0
}

// escalationUndelivered reports whether no police unit received the
// escalation esc, given ds, the deliveries to police units of its
// request and of esc. That is so when the routes sent esc to no
// destination, or sent it to police units and each of those deliveries
// is dead. An escalation sent only to destinations without a police
// unit counts as received, because the routes name no unit that reads them.
func escalationUndelivered(esc journal.Journey, ds []Delivery) bool {
	if len(esc.Deliveries) == 0 {
		return true
	}
	return undelivered(slices.DeleteFunc(slices.Clone(ds), func(d Delivery) bool {
		return d.MessageID != esc.MessageID
	}))
}

// deadLettersOf returns deadLetters of the deliveries in ds of message id.
func deadLettersOf(ds []Delivery, id string) string {
	return deadLetters(slices.DeleteFunc(slices.Clone(ds), func(d Delivery) bool {
		return d.MessageID != id
	}))
}

// deadLetters returns the dead deliveries in ds as "UNIT (dead letter
// ID)", joined by commas, or "" when there are none.
func deadLetters(ds []Delivery) string {
	var parts []string
	for _, d := range ds {
		if d.Status == journal.StatusDead {
			parts = append(parts, fmt.Sprintf("%s (dead letter %s)", d.PoliceUnit, d.DeliveryID))
		}
	}
	return strings.Join(parts, ", ")
}
