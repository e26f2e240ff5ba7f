package journal

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is wrapped by the errors that Entry.Validate and
// Attempt.Validate return, and by a store's errors for an entry or
// attempt that breaks the journal's rules.
var ErrInvalid = errors.New("invalid")

// ErrLowSpace is wrapped by a store's ProbeWrite error when the
// journal's disk has less free space than a message may need.
var ErrLowSpace = errors.New("the journal's disk is nearly full")

// MaxPostedByBytes is the longest Entry.PostedBy: auth.MaxNameBytes, the
// longest token holder's name.
const MaxPostedByBytes = 200

// Validate returns an error wrapping ErrInvalid, naming the field and the
// rule, unless e can be journaled. The message's ID, Source,
// SenderMessageID and Type must be set. Every delivery needs an ID unique
// within e, a Destination and a Route. Outbox needs one message per
// delivery, each with a Topic. PostedBy is at most MaxPostedByBytes.
func (e Entry) Validate() error {
	m := e.Message
	for _, f := range []struct{ name, value string }{
		{"message.id", m.ID},
		{"message.source", m.Source},
		{"message.sender_message_id", m.SenderMessageID},
		{"message.type", string(m.Type)},
	} {
		if f.value == "" {
			return invalidf("entry %s: missing", f.name)
		}
	}

	if len(e.PostedBy) > MaxPostedByBytes {
		return invalidf("entry posted_by: %d bytes, at most %d", len(e.PostedBy), MaxPostedByBytes)
	}

	seen := make(map[string]bool, len(e.Deliveries))
	for i, d := range e.Deliveries {
		if err := validateDelivery(i, d, seen); err != nil {
			return err
		}
	}

	if len(e.Outbox) != len(e.Deliveries) {
		return invalidf("entry outbox: has %d messages for %d deliveries, expected one per delivery",
			len(e.Outbox), len(e.Deliveries))
	}
	for i, out := range e.Outbox {
		if out.Message == nil {
			return invalidf("entry outbox[%d].message: missing", i)
		}
		if out.Topic == "" {
			return invalidf("entry outbox[%d].topic: missing", i)
		}
	}
	for i, c := range e.Claims {
		if err := validateClaim(fmt.Sprintf("claims[%d]", i), c); err != nil {
			return err
		}
	}
	for i, r := range e.Releases {
		if r.Kind == "" {
			return invalidf("entry releases[%d].kind: missing", i)
		}
		if r.Holder == "" {
			return invalidf("entry releases[%d].holder: missing", i)
		}
	}
	return nil
}

func validateClaim(field string, c Claim) error {
	switch {
	case c.Kind == "":
		return invalidf("entry %s.kind: missing", field)
	case c.Key == "":
		return invalidf("entry %s.key: missing", field)
	}
	return nil
}

func validateDelivery(i int, d NewDelivery, seen map[string]bool) error {
	switch {
	case d.ID == "":
		return invalidf("entry deliveries[%d].id: missing", i)
	case d.Destination == "":
		return invalidf("entry deliveries[%d].destination: missing", i)
	case d.Route == "":
		return invalidf("entry deliveries[%d].route: missing", i)
	case seen[d.ID]:
		return invalidf("entry deliveries[%d].id: %q repeats an earlier delivery's id", i, d.ID)
	}
	seen[d.ID] = true
	return nil
}

// Validate returns an error wrapping ErrInvalid, naming the field and the
// rule, unless a can be recorded. DeliveryID and StartedAt must be set,
// and FinishedAt must not be before StartedAt. Number must be 0, when the
// store numbers the attempt, or positive. Result must be a delivery
// status, and a dead attempt needs an Error that gives the reason.
func (a Attempt) Validate() error {
	switch {
	case a.DeliveryID == "":
		return invalidf("attempt delivery_id: missing")
	case a.Number < 0:
		return invalidf("attempt number: %d is negative", a.Number)
	case a.StartedAt.IsZero():
		return invalidf("attempt started_at: missing")
	case a.FinishedAt.Before(a.StartedAt):
		return invalidf("attempt finished_at: %s is before started_at %s",
			a.FinishedAt, a.StartedAt)
	}

	switch a.Result {
	case StatusPending, StatusDelivered:
	case StatusDead:
		if a.Error == "" {
			return invalidf("attempt error: missing, a dead attempt needs the reason it failed")
		}
	default:
		return invalidf("attempt result: %q is not one of %s, %s, %s",
			a.Result, StatusPending, StatusDelivered, StatusDead)
	}
	return nil
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w "+format, append([]any{ErrInvalid}, args...)...)
}

// ValidateRequeue returns an error wrapping ErrInvalid unless Requeue's
// arguments can be used: now set, limit positive, outgoing not nil.
func ValidateRequeue(now time.Time, limit int, outgoing func(Delivery) Outgoing) error {
	switch {
	case now.IsZero():
		return invalidf("requeue now: missing")
	case limit <= 0:
		return invalidf("requeue limit: %d, expected a positive number", limit)
	case outgoing == nil:
		return invalidf("requeue outgoing: missing")
	}
	return nil
}

// ValidateOutgoing returns an error wrapping ErrInvalid unless o, the
// command of delivery deliveryID, has a message and a topic.
func ValidateOutgoing(deliveryID string, o Outgoing) error {
	switch {
	case o.Message == nil:
		return invalidf("outgoing message for delivery %s: missing", deliveryID)
	case o.Topic == "":
		return invalidf("outgoing topic for delivery %s: missing", deliveryID)
	}
	return nil
}

// Validate returns an error wrapping ErrInvalid unless a replay of r
// can be made: the delivery, the new id, who requested it and outgoing
// are all set.
func (r ReplayRequest) Validate(outgoing func(Delivery) Outgoing) error {
	switch {
	case r.DeliveryID == "":
		return invalidf("replay delivery_id: missing")
	case r.NewID == "":
		return invalidf("replay new_id: missing")
	case r.By == "":
		return invalidf("replay by: missing, expected who requested the replay")
	case outgoing == nil:
		return invalidf("replay outgoing: missing")
	}
	return nil
}
